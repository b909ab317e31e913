"""Shared by the kit tests: an example's real design, optionally with some answers changed."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from launchbay.answersfile import load_answers
from launchbay.models.design import Design
from launchbay.plan import build_design
from launchbay.review import review_project
from launchbay.validators.base import find_tool

ROOT = Path(__file__).resolve().parents[2]


@cache
def design(name: str, **changes: frozenset[tuple[str, Any]]) -> Design:
    """An example's real design; `changes` (topic → {(field, value)}) edit its answers first."""
    example = ROOT / "examples" / name
    doc = load_answers(example / "launchbay.yaml")
    answers = doc.answers
    update = {topic: getattr(answers, topic).model_copy(update=dict(fields)) for topic, fields in changes.items()}
    doc = doc.model_copy(update={"answers": answers.model_copy(update=update)})
    return build_design(review_project(example), doc)


TOOLS = ROOT / ".tools" / "bin"
STRICT = os.environ.get("LAUNCHBAY_STRICT") == "1"


def require_tool(name: str) -> str:
    """The tool's path; a missing tool skips the test with its install hint, or fails it under strict."""
    path = shutil.which(name) or (str(TOOLS / name) if (TOOLS / name).exists() else None)
    if path is None:
        if STRICT:
            pytest.fail(f"{name} is required under LAUNCHBAY_STRICT=1")
        pytest.skip(f"{name} not installed ({find_tool(name).hint})")
    return path
