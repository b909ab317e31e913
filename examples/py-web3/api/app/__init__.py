"""Proofmark API."""
