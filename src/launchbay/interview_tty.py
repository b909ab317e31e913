"""The interactive prompter: each question with its options, pros and cons, and the recommendation
marked, asked with questionary in a real terminal. Ctrl-C propagates (the file is left untouched)."""

from __future__ import annotations

from typing import Any

import questionary

from launchbay import console
from launchbay.errors import LaunchbayError
from launchbay.interview import Response, parse_cli_value
from launchbay.models.answers import allowed_values
from launchbay.questions.base import AnswerValue, Question, Recommendation

ACCEPT = "__accept__"
LATER = "__later__"
OTHER = "__other__"


def _show(value: AnswerValue) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


class TerminalPrompter:
    """Asks through questionary; shows context through the console module."""

    def ask(self, question: Question, recommendation: Recommendation | None, index: int, total: int) -> Response:
        console.print_question(question, recommendation, index, total)
        choices: list[Any] = []
        if recommendation is not None:
            choices.append(questionary.Choice(f"Accept recommended: {_show(recommendation.value)}", value=ACCEPT))
        if question.kind == "choice":
            labels = {str(o.value): o.label for o in question.options}
            for value in allowed_values(question.key):
                choices.append(questionary.Choice(labels.get(value, value), value=value))
        elif question.kind == "bool":
            choices += [questionary.Choice("yes", value="true"), questionary.Choice("no", value="false")]
        else:
            for option in question.options:
                choices.append(questionary.Choice(f"{option.label}", value=f"opt:{_show(option.value)}"))
            choices.append(questionary.Choice("Other value…", value=OTHER))
        choices.append(questionary.Choice("Decide later (recorded as an open item)", value=LATER))
        picked = questionary.select(f"{question.key}", choices=choices).unsafe_ask()
        if picked == ACCEPT:
            return Response("accept")
        if picked == LATER:
            return Response("later")
        if picked == OTHER:
            return self._typed(question)
        raw = picked[4:] if isinstance(picked, str) and picked.startswith("opt:") else str(picked)
        if question.kind == "multi":
            return self._typed(question, default=raw)
        return Response("answer", parse_cli_value(question.key, raw))

    def _typed(self, question: Question, default: str = "") -> Response:
        allowed = allowed_values(question.key)
        if question.kind == "multi" and allowed:
            preset = set(default.split(", ")) if default else set()
            values = questionary.checkbox(
                question.key, choices=[questionary.Choice(v, value=v, checked=v in preset) for v in allowed]
            ).unsafe_ask()
            return Response("answer", parse_cli_value(question.key, ",".join(values))) if values else Response("later")

        def valid(text: str) -> bool | str:
            try:
                parse_cli_value(question.key, text)
            except LaunchbayError as err:
                return err.message
            return True

        hint = " (comma-separated)" if question.kind in {"list", "multi"} else ""
        text = questionary.text(f"{question.key}{hint}", default=default.replace(", ", ","),
                                validate=valid).unsafe_ask()
        return Response("answer", parse_cli_value(question.key, text))
