"""Each bundled example carries a committed launchbay.yaml (made with the non-interactive path):
it loads cleanly, needs no further required answer, and its schema file is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchbay.answers_schema import schema_text
from launchbay.answersfile import SCHEMA_PATH, load_answers, render_document
from launchbay.interview import collect_answers
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_answers_are_complete_and_current(name: str) -> None:
    project = ROOT / "examples" / name
    doc = load_answers(project / "launchbay.yaml")
    assert doc.sources, "answers were recorded"
    again = collect_answers(review_project(project), doc)  # no prompter: raises if a required answer is missing
    assert render_document(again) == render_document(doc)
    assert (project / SCHEMA_PATH).read_text() == schema_text()
    assert "accepted-recommendation" in doc.sources.values()
