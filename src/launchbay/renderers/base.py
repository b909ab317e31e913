"""The Renderer protocol: one artifact kind, rendered from the Design only (never the repo)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from launchbay.models.design import Design
from launchbay.models.kit import KitFile


class Renderer(Protocol):
    name: str

    def render(self, design: Design) -> Iterable[KitFile]: ...


def text_file(path: str, lines: Iterable[str], *, executable: bool = False) -> KitFile:
    """A file from lines: LF endings, exactly one final newline (the output rules)."""
    body = "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"
    return KitFile(path=path, content=body, executable=executable)
