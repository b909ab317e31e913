"""Which files of a folder are the kit: the ones launchbay generated, per its manifest.

Validating a project folder must not lint or scan the user's own files (an existing Dockerfile,
their workflows): those are theirs. Without a manifest (a kit copied elsewhere), every file counts.
"""

from __future__ import annotations

import json
from pathlib import Path

from launchbay.generate import MANIFEST


def generated(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    """The kit files among `files` (all of them when no readable manifest lists any)."""
    try:
        data = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        listed = {str(p) for p in data.get("files", {})}
    except (OSError, ValueError, AttributeError):
        return files
    return tuple(f for f in files if f in listed) if listed else files


def read_text(root: Path, rel: str) -> str | None:
    """A kit file's text, or None for binary or unreadable files."""
    try:
        return (root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
