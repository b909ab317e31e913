"""The interview flow without a terminal: scripted answers, resume, decide-later, non-interactive errors."""

from __future__ import annotations

import pytest

from launchbay.answersfile import AnswersDocument
from launchbay.errors import LaunchbayError
from launchbay.interview import MissingAnswersError, Response, collect_answers, parse_cli_value
from launchbay.models.answers import Answers, Deployment
from launchbay.questions.base import Context, Option, Question, Recommendation
from launchbay.review import review_project
from tests.conftest import write_tree

OPTS = (Option("aws", "AWS", ("a",), ("b",), "c"), Option("gcp", "GCP", ("a",), ("b",), "c"))


def _q(key: str, *, required: bool = False, rec: object = None, when: object = None) -> Question:
    return Question(
        key=key, prompt=f"{key}?", help="h", kind="choice" if key == "deployment.cloud" else "int", options=OPTS,
        required=required,
        recommend=(lambda ctx: Recommendation(rec, "because (x.md:1)")) if rec is not None else (lambda ctx: None),  # type: ignore[arg-type]
        when=when or (lambda ctx: True),  # type: ignore[arg-type]
    )


CATALOGUE = {
    "deployment.cloud": _q("deployment.cloud", required=True, rec="aws"),
    "scale.peak_rps": _q("scale.peak_rps", required=True),
    "budget.monthly_usd": _q("budget.monthly_usd", when=lambda ctx: ctx.answers.deployment.cloud == "aws"),
}


class Scripted:
    def __init__(self, replies: dict[str, Response]) -> None:
        self.replies = replies
        self.asked: list[str] = []

    def ask(self, question: Question, recommendation: Recommendation | None, index: int, total: int) -> Response:
        self.asked.append(question.key)
        return self.replies[question.key]


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path_factory.mktemp("p"), {"package.json": '{"name": "p"}'})
    return review_project(root)


def test_full_interview_with_accept_answer_and_later(profile) -> None:  # type: ignore[no-untyped-def]
    prompter = Scripted({
        "deployment.cloud": Response("accept"),
        "scale.peak_rps": Response("answer", 40.0),
        "budget.monthly_usd": Response("later"),
    })
    doc = collect_answers(profile, AnswersDocument(), prompter=prompter, catalogue=CATALOGUE)
    assert prompter.asked == ["deployment.cloud", "scale.peak_rps", "budget.monthly_usd"]
    assert doc.answers.deployment.cloud == "aws" and doc.answers.scale.peak_rps == 40.0
    assert doc.sources == {"deployment.cloud": "accepted-recommendation", "scale.peak_rps": "user"}
    assert [(i.key, i.reason) for i in doc.open_items] == [("budget.monthly_usd", "decide later")]


def test_resume_asks_only_unanswered_and_newly_applicable(profile) -> None:  # type: ignore[no-untyped-def]
    start = AnswersDocument(answers=Answers(deployment=Deployment(cloud="gcp")), sources={"deployment.cloud": "user"})
    prompter = Scripted({"scale.peak_rps": Response("answer", 5.0)})
    doc = collect_answers(profile, start, prompter=prompter, catalogue=CATALOGUE)
    assert prompter.asked == ["scale.peak_rps"]  # budget does not apply to gcp in this catalogue
    assert doc.answers.deployment.cloud == "gcp"
    # Changing the cloud makes the budget question newly applicable; nothing else is asked again.
    moved = doc.model_copy(update={"answers": doc.answers.model_copy(update={"deployment": Deployment(cloud="aws")})})
    prompter = Scripted({"budget.monthly_usd": Response("answer", 200)})
    final = collect_answers(profile, moved, prompter=prompter, catalogue=CATALOGUE)
    assert prompter.asked == ["budget.monthly_usd"] and final.answers.scale.peak_rps == 5.0


def test_non_interactive_lists_missing_required_answers(profile) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MissingAnswersError) as exc:
        collect_answers(profile, AnswersDocument(), catalogue=CATALOGUE)
    assert exc.value.missing == ["deployment.cloud", "scale.peak_rps"]
    assert "--set deployment.cloud=aws" in exc.value.message and "--set scale.peak_rps=" in exc.value.message


def test_accept_recommended_and_cli_values(profile) -> None:  # type: ignore[no-untyped-def]
    doc = collect_answers(profile, AnswersDocument(), catalogue=CATALOGUE, accept_recommended=True,
                          cli_values={"scale.peak_rps": parse_cli_value("scale.peak_rps", "12")})
    assert doc.sources == {"deployment.cloud": "accepted-recommendation", "scale.peak_rps": "cli"}
    assert [i.key for i in doc.open_items] == ["budget.monthly_usd"]


def test_parse_cli_value_types_and_errors() -> None:
    assert parse_cli_value("deployment.environments", "staging, production") == ("staging", "production")
    assert parse_cli_value("deployment.multi_region", "no") is False
    assert parse_cli_value("scale.dau", "5000") == 5000
    with pytest.raises(LaunchbayError, match=r"did you mean 'deployment\.cloud'"):
        parse_cli_value("deployment.clod", "aws")
    with pytest.raises(LaunchbayError, match=r"scale\.dau=lots"):
        parse_cli_value("scale.dau", "lots")


def test_context_reads_answers(profile) -> None:  # type: ignore[no-untyped-def]
    ctx = Context(profile=profile, answers=Answers(deployment=Deployment(cloud="aws")))
    assert ctx.answer("deployment.cloud") == "aws"


