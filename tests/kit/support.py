"""Shared by the kit tests: an example's real design, optionally with some answers changed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from launchbay.answersfile import load_answers
from launchbay.models.design import Design
from launchbay.plan import build_design
from launchbay.review import review_project

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
