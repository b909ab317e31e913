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


_RENDERED: dict[tuple[int, int], tuple[object, object, tuple[KitFile, ...]]] = {}


def rendered(renderer: Renderer, design: Design) -> tuple[KitFile, ...]:
    """`renderer.render(design)`, computed once per (renderer, design) object pair.

    Renderers are pure functions of a frozen Design, so the kit and the docs that read the kit back
    (the security checklist maps controls to the files the other renderers produce) share one rendering
    instead of rendering everything twice. The entry keeps both objects alive, so their ids stay unique.
    """
    key = (id(renderer), id(design))
    hit = _RENDERED.get(key)
    if hit is not None and hit[0] is renderer and hit[1] is design:
        return hit[2]
    files = tuple(renderer.render(design))
    if len(_RENDERED) > 512:
        _RENDERED.clear()
    _RENDERED[key] = (renderer, design, files)
    return files
