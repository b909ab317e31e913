"""Phase 1: read a project (docs and code) into a ProjectProfile. Never runs or writes project files."""

from __future__ import annotations

import os
from collections.abc import Mapping

from launchbay.assemble import assemble_profile
from launchbay.components import discover_components
from launchbay.detectors import REGISTRY
from launchbay.detectors.base import Detector, DetectorContext
from launchbay.models.profile import Fact, ProjectProfile
from launchbay.tree import ProjectTree


def review_project(
    path: str | os.PathLike[str],
    detectors: Mapping[str, Detector] | None = None,
) -> ProjectProfile:
    """Run every detector over the project at `path` and assemble what they found."""
    tree = ProjectTree(path)
    components = discover_components(tree)
    ctx = DetectorContext(tree=tree, components=components)
    facts: list[Fact] = []
    for detector in (REGISTRY if detectors is None else detectors).values():
        facts.extend(detector.detect(ctx))
    return assemble_profile(
        project=tree.root.name,
        files_scanned=len(tree.files),
        components=components,
        facts=facts,
        skipped=tree.skipped,
    )
