"""Exceptions that carry what went wrong, where, and how to fix it. Only cli.py turns them into exits."""

from __future__ import annotations


class LaunchbayError(Exception):
    """A user-facing error: exit code 1, one clear message, an optional hint."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ProjectPathError(LaunchbayError):
    """The project path does not exist or is not a directory."""
