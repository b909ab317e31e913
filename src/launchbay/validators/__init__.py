"""Validators: an explicit registry, one module per external tool (plus launchbay's own checks)."""

from __future__ import annotations

from launchbay.validators.base import Validator

REGISTRY: dict[str, Validator] = {}
