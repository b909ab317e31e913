"""Shared test helpers: build small inline project trees and run detectors over them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from launchbay.components import discover_components
from launchbay.detectors.base import Detector, DetectorContext
from launchbay.models.profile import Fact
from launchbay.tree import ProjectTree


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create `files` (relative path -> content) under `root` and return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_detector(detector: Detector, root: Path) -> list[Fact]:
    """Run one detector over the tree at `root`, components discovered as review would."""
    tree = ProjectTree(root)
    ctx = DetectorContext(tree=tree, components=discover_components(tree))
    return list(detector.detect(ctx))


def facts_of(facts: list[Fact], kind: str, subject: str | None = None) -> list[Fact]:
    return [f for f in facts if f.kind == kind and (subject is None or f.subject == subject)]


def values_of(facts: list[Fact], kind: str, subject: str | None = None) -> set[object]:
    return {f.value for f in facts_of(facts, kind, subject)}


def assert_evidence_holds(root: Path, facts: list[Fact]) -> None:
    """Every fact's evidence quote is verbatim text on the line it names."""
    for f in facts:
        ev = f.evidence
        lines = (root / ev.file).read_text(encoding="utf-8", errors="replace").splitlines()
        assert 1 <= ev.line <= len(lines), f"{f.kind}={f.value}: {ev.file}:{ev.line} out of range"
        assert ev.quote in lines[ev.line - 1], f"{f.kind}={f.value}: {ev.quote!r} not on {ev.file}:{ev.line}"


@pytest.fixture
def tree_at(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`tree_at({...})` writes an inline tree into a temp folder and returns its path."""

    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "proj", files)

    return make
