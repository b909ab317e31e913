"""Placeholder: being written (see docs/ARCHITECTURE.md). Yields no facts yet."""

from __future__ import annotations

from collections.abc import Iterator

from launchbay.detectors.base import DetectorContext
from launchbay.models.profile import Fact


class GoDetector:
    name = "golang"

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        yield from ()
