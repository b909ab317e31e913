"""Helpers for the deployment, blockchain, scale and security question tests: cached example
profiles, contexts from plain answer dicts, and checks that a rationale cites real evidence."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from launchbay.models.answers import Answers, allowed_values, topic_model
from launchbay.models.profile import ProjectProfile
from launchbay.questions.base import Context, Question, Recommendation, cite
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")

_KIND = {"choice": str, "int": int, "float": float, "bool": bool, "text": str}


@cache
def example(name: str) -> ProjectProfile:
    return review_project(ROOT / "examples" / name)


def ctx(profile: ProjectProfile | str, **answers: dict[str, Any]) -> Context:
    """A Context over an example name or a profile, with answers given per topic."""
    prof = example(profile) if isinstance(profile, str) else profile
    return Context(prof, Answers.model_validate(answers))


def question(module: ModuleType, key: str) -> Question:
    found: dict[str, Question] = {q.key: q for q in module.QUESTIONS}
    return found[key]


def rec(module: ModuleType, key: str, context: Context) -> Recommendation | None:
    """The recommendation, asserted to fit the Answers model and to be one line."""
    result: Recommendation | None = question(module, key).recommend(context)
    if result is not None:
        topic, field = key.split(".", 1)
        Answers.model_validate({topic: {field: result.value}})
        assert "\n" not in result.rationale and result.rationale
    return result


def assert_cites(result: Recommendation | None, root: Path, *where: str) -> Recommendation:
    """Every evidence quote is on its line, each evidence is cited, and `where` appears."""
    assert result is not None
    for ev in result.evidence:
        lines = (root / ev.file).read_text(encoding="utf-8").splitlines()
        assert ev.quote in lines[ev.line - 1], f"{ev.quote!r} not on {cite(ev)}"
    assert result.evidence or "(" in result.rationale
    if result.evidence:
        assert cite(result.evidence[0]) in result.rationale
    for text in where:
        assert text in result.rationale, f"{text!r} not in {result.rationale!r}"
    return result


def example_root(name: str) -> Path:
    return ROOT / "examples" / name


def check_module(module: ModuleType, topic: str, required: set[str]) -> None:
    """One question per model field in field order, values the model accepts, required flags."""
    fields = list(topic_model(topic).model_fields)
    assert [q.key for q in module.QUESTIONS] == [f"{topic}.{f}" for f in fields]
    for q in module.QUESTIONS:
        assert q.required == (q.key in required), q.key
        assert q.prompt.endswith("?") and q.help and 2 <= len(q.options) <= 3
        for opt in q.options:
            assert opt.label and 1 <= len(opt.pros) <= 3 and 1 <= len(opt.cons) <= 3 and opt.fits
            Answers.model_validate({topic: {q.key.split(".", 1)[1]: opt.value}})
            if q.kind in _KIND:
                assert type(opt.value) is _KIND[q.kind], q.key
            if q.kind == "choice":
                assert opt.value in allowed_values(q.key)
            if q.kind in ("multi", "list"):
                assert isinstance(opt.value, tuple) and opt.value
        for name in EXAMPLES:
            context = ctx(name)
            if q.when(context):
                rec(module, q.key, context)
