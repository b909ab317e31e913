"""Phase 2: collect deployment answers — from the file, the command line, the recommendations the
user accepts, or a person at a terminal — and never assume one silently.

The flow is independent of any terminal: a `Prompter` is passed in (the questionary one in
`interview_tty.py`, a scripted one in tests). `collect_answers` is the stage's verb.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import ValidationError

from launchbay.answersfile import AnswersDocument, OpenItem, Source
from launchbay.errors import LaunchbayError
from launchbay.models.answers import Answers, allowed_values, answer_keys, topic_model
from launchbay.models.profile import ProjectProfile
from launchbay.questions import CATALOGUE
from launchbay.questions.base import AnswerValue, Context, Question, Recommendation

LATER = "decide later"


@dataclass(frozen=True)
class Response:
    """What the person chose: a value, the recommendation, or to decide later."""

    action: Literal["answer", "accept", "later"]
    value: AnswerValue | None = None


class Prompter(Protocol):
    def ask(self, question: Question, recommendation: Recommendation | None, index: int, total: int) -> Response: ...


class MissingAnswersError(LaunchbayError):
    """Required answers are missing and there is no terminal to ask them in."""

    def __init__(self, missing: list[tuple[Question, Recommendation | None]]) -> None:
        lines = []
        for q, rec in missing:
            allowed = allowed_values(q.key)
            example = rec.value if rec else (allowed[0] if allowed else "<value>")
            if isinstance(example, tuple):
                example = ",".join(example)
            choices = f"  (one of: {', '.join(allowed)})" if allowed else ""
            lines.append(f"  {q.key}: {q.prompt}\n      --set {q.key}={example}{choices}")
        super().__init__(
            f"{len(missing)} required answer(s) missing and no terminal to ask:\n" + "\n".join(lines),
            hint="pass them with --set KEY=VALUE, --answers FILE, or --accept-recommended "
                 "(recorded as assumptions), or run in a terminal",
        )
        self.missing = [q.key for q, _ in missing]


def parse_cli_value(key: str, raw: str) -> AnswerValue:
    """Turn `--set key=value` text into a typed value for `key` (validated by the model)."""
    if key not in answer_keys():
        import difflib

        close = difflib.get_close_matches(key, answer_keys(), n=1)
        raise LaunchbayError(f"--set {key}: unknown question" + (f" (did you mean {close[0]!r}?)" if close else ""),
                             hint="`launchbay schema` lists every key")
    topic, field = key.split(".", 1)
    model = topic_model(topic)
    annotation = str(model.model_fields[field].annotation)
    value: Any = raw
    if annotation.startswith("tuple") or "tuple[" in annotation:
        value = [v.strip() for v in raw.split(",") if v.strip()]
    elif raw.lower() in {"true", "yes", "false", "no"} and "bool" in annotation:
        value = raw.lower() in {"true", "yes"}
    try:
        validated = model.model_validate({field: value})
    except ValidationError as err:
        msg = "; ".join(e["msg"] for e in err.errors())
        raise LaunchbayError(f"--set {key}={raw}: {msg}") from None
    result = getattr(validated, field)
    assert result is not None
    return result  # type: ignore[no-any-return]


def _with(answers: Answers, key: str, value: AnswerValue | None) -> Answers:
    topic, field = key.split(".", 1)
    section = getattr(answers, topic)
    updated = topic_model(topic).model_validate({**section.model_dump(), field: value})
    return answers.model_copy(update={topic: updated})


def collect_answers(
    profile: ProjectProfile,
    doc: AnswersDocument,
    *,
    prompter: Prompter | None = None,
    cli_values: Mapping[str, AnswerValue] | None = None,
    imported: AnswersDocument | None = None,
    accept_recommended: bool = False,
    catalogue: Mapping[str, Question] = CATALOGUE,
) -> AnswersDocument:
    """Fill every applicable, unanswered question; returns the new document (nothing is written here)."""
    answers = doc.answers
    sources: dict[str, Source] = dict(doc.sources)
    if imported is not None:  # --answers FILE: values keep that file's sources, else count as cli
        for key in answer_keys():
            value = imported.answers.get(key)
            if value is not None:
                answers = _with(answers, key, value)  # type: ignore[arg-type]
                sources[key] = imported.sources.get(key, "cli")
    for key, value in (cli_values or {}).items():
        answers = _with(answers, key, value)
        sources[key] = "cli"

    open_items: dict[str, OpenItem] = {}
    missing: list[tuple[Question, Recommendation | None]] = []
    total = pending_count(profile, AnswersDocument(answers=answers), catalogue)  # an estimate: answers move it
    asked = 0
    for question in catalogue.values():
        if answers.get(question.key) is not None:
            continue
        ctx = Context(profile=profile, answers=answers)
        if not question.when(ctx):
            continue
        rec = question.recommend(ctx)
        if accept_recommended and rec is not None:
            answers = _with(answers, question.key, rec.value)
            sources[question.key] = "accepted-recommendation"
            continue
        if prompter is None:
            if question.required:
                missing.append((question, rec))
            else:
                open_items[question.key] = OpenItem(key=question.key, reason="not answered yet")
            continue
        asked += 1
        response = prompter.ask(question, rec, asked, max(total, asked))
        if response.action == "later":
            open_items[question.key] = OpenItem(key=question.key, reason=LATER)
        elif response.action == "accept" and rec is not None:
            answers = _with(answers, question.key, rec.value)
            sources[question.key] = "accepted-recommendation"
        elif response.value is not None:
            answers = _with(answers, question.key, response.value)
            sources[question.key] = "user"
    if missing:
        raise MissingAnswersError(missing)
    # Items answered since they were opened are closed; items still unanswered stay open.
    for item in doc.open_items:
        if answers.get(item.key) is None and item.key not in open_items:
            open_items[item.key] = item
    ordered = tuple(open_items[k] for k in answer_keys() if k in open_items)
    sources = {k: sources[k] for k in answer_keys() if k in sources and answers.get(k) is not None}
    return AnswersDocument(answers=answers, sources=sources, open_items=ordered)


def pending_count(profile: ProjectProfile, doc: AnswersDocument,
                  catalogue: Mapping[str, Question] = CATALOGUE) -> int:
    """How many questions apply now and are still unanswered (for progress and `--check`)."""
    ctx = Context(profile=profile, answers=doc.answers)
    return sum(1 for q in catalogue.values() if doc.answers.get(q.key) is None and q.when(ctx))
