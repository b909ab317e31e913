"""What a question is: a stable key, a prompt, 2–3 options with pros and cons, when it applies,
and a recommendation computed from the profile and earlier answers with a rationale citing evidence.

Questions are data plus two small pure functions (`when`, `recommend`), so the catalogue can be
listed, tested and rendered without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from launchbay.models.answers import Answers
from launchbay.models.profile import Evidence, ProjectProfile

AnswerValue = str | int | float | bool | tuple[str, ...]
Kind = Literal["choice", "multi", "int", "float", "bool", "text", "list"]


@dataclass(frozen=True)
class Option:
    """One way to answer, with its trade-offs. For numeric questions `value` is a typical figure."""

    value: AnswerValue
    label: str
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    fits: str


@dataclass(frozen=True)
class Recommendation:
    """What launchbay would pick and why, in one line that cites where the evidence is."""

    value: AnswerValue
    rationale: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Context:
    """What recommendations and `when` conditions may look at."""

    profile: ProjectProfile
    answers: Answers

    def answer(self, key: str) -> object:
        return self.answers.get(key)


Condition = Callable[[Context], bool]
Recommender = Callable[[Context], Recommendation | None]


def always(_: Context) -> bool:
    return True


def no_recommendation(_: Context) -> Recommendation | None:
    return None


@dataclass(frozen=True)
class Question:
    """One interview question; `key` is the answers-model field it fills (`topic.field`)."""

    key: str
    prompt: str
    help: str
    kind: Kind
    options: tuple[Option, ...]
    when: Condition = always
    recommend: Recommender = no_recommendation
    required: bool = False

    @property
    def topic(self) -> str:
        return self.key.split(".", 1)[0]


def cite(ev: Evidence) -> str:
    """`file:line` for a rationale."""
    return f"{ev.file}:{ev.line}"


def doc_target(profile: ProjectProfile, name: str) -> tuple[object, Evidence] | None:
    """A normalised scale target from the planning docs (`target.rps`, `target.uptime`...) and its source."""
    items = profile.project_facts.get(f"target.{name}", ())
    if not items:
        return None
    return items[0].value, items[0].evidence[0]


def has_chain_facts(profile: ProjectProfile) -> bool:
    """True when review found any blockchain library, chain, toolchain, indexer or signing key."""
    keys = ("ecosystem", "chain", "web3_library", "contract_toolchain", "indexer")
    return bool(profile.signing_keys) or any(c.lists.get(k) for c in profile.components for k in keys)
