"""Typed, frozen models passed between stages."""
