"""Helpers for the budget/team/monitoring/cicd/backup question tests: example profiles (reviewed
once per session), hand-built answers, and the checks every catalogue module must pass."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from launchbay.models.answers import Answers, allowed_values, topic_model
from launchbay.models.profile import ProjectProfile
from launchbay.questions.base import Context, Question, Recommendation, cite
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")


@cache
def example(name: str) -> ProjectProfile:
    return review_project(ROOT / "examples" / name)


def empty_profile() -> ProjectProfile:
    return ProjectProfile(project="empty", files_scanned=0, components=(), planning_docs=(), doc_findings=(),
                          project_facts={}, signing_keys=(), conflicts=(), skipped=())


def answers(values: Mapping[str, object]) -> Answers:
    """Answers from dotted keys, validated by the real model."""
    grouped: dict[str, dict[str, object]] = {}
    for key, value in values.items():
        topic, field = key.split(".", 1)
        grouped.setdefault(topic, {})[field] = value
    return Answers.model_validate(grouped)


def ctx(profile: str | ProjectProfile, values: Mapping[str, object] | None = None) -> Context:
    prof = example(profile) if isinstance(profile, str) else profile
    return Context(prof, answers(values or {}))


def rec(question: Question, context: Context) -> Recommendation:
    found = question.recommend(context)
    assert found is not None, f"{question.key}: expected a recommendation"
    return found


def by_key(questions: tuple[Question, ...]) -> dict[str, Question]:
    return {q.key: q for q in questions}


def check_catalogue(questions: tuple[Question, ...], topic: str) -> None:
    """One question per field in model order; 2–3 options of the right type with pros, cons and fit."""
    model = topic_model(topic)
    assert [q.key for q in questions] == [f"{topic}.{f}" for f in model.model_fields]
    for q in questions:
        assert q.prompt.endswith("?") and q.help, q.key
        assert 2 <= len(q.options) <= 3, q.key
        allowed = allowed_values(q.key)
        for opt in q.options:
            assert opt.label and opt.fits, q.key
            assert 1 <= len(opt.pros) <= 3 and 1 <= len(opt.cons) <= 3, (q.key, opt.label)
            if q.kind == "choice":
                assert opt.value in allowed, (q.key, opt.value)
            elif q.kind == "multi":
                assert isinstance(opt.value, tuple) and set(opt.value) <= set(allowed), (q.key, opt.value)
            elif q.kind == "list":
                assert isinstance(opt.value, tuple) and opt.value, q.key
            # every option value must be storable in the model as it stands
            field = q.key.split(".", 1)[1]
            model.model_validate({field: opt.value})


def check_recommendations(questions: tuple[Question, ...]) -> None:
    """On every example: `when` runs; a recommendation validates, is one line, and cites its evidence.
    On an empty profile with no answers nothing is recommended."""
    for name in EXAMPLES:
        context = ctx(name)
        for q in questions:
            q.when(context)
            found = q.recommend(context)
            if found is None:
                continue
            topic, field = q.key.split(".", 1)
            topic_model(topic).model_validate({field: found.value})
            assert "\n" not in found.rationale and " → " in found.rationale, found.rationale
            for ev in found.evidence:
                assert cite(ev) in found.rationale, (q.key, cite(ev))
                lines = (ROOT / "examples" / name / ev.file).read_text(encoding="utf-8").splitlines()
                assert ev.quote in lines[ev.line - 1], (q.key, cite(ev))
    # Nothing found and nothing answered: nothing to recommend.
    for q in questions:
        assert q.recommend(Context(empty_profile(), Answers())) is None, q.key
