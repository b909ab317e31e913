"""Renderers: an explicit registry, one module per artifact kind. Each reads only the Design."""

from __future__ import annotations

from launchbay.renderers.base import Renderer
from launchbay.renderers.docs import DocsRenderer

REGISTRY: dict[str, Renderer] = {
    "docs": DocsRenderer(),
}
