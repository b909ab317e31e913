"""Proofmark worker."""
