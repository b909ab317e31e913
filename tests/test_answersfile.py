"""launchbay.yaml: complete error lists, secrets refused, comments kept, round trip is identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchbay.answersfile import (
    AnswersDocument,
    AnswersFileError,
    OpenItem,
    load_answers,
    render_document,
    write_document,
)
from launchbay.models.answers import Answers, Backup, Budget, Deployment, Scale, allowed_values


def _problems(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "launchbay.yaml"
    path.write_text(text)
    with pytest.raises(AnswersFileError) as exc:
        load_answers(path)
    assert path.read_text() == text  # nothing rewritten
    return {p.path: p.message for p in exc.value.problems}


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_answers(tmp_path / "launchbay.yaml") == AnswersDocument()


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(tmp_path, (
        "deploymnt:\n  cloud: aws\n"
        "deployment:\n  cloud: gcpp\n"
        "scale:\n  peak_rps: -1\n  daus: 3\n"
        "sources:\n  scale.peak_rps: guessed\n"
    ))
    assert problems["deploymnt"] == "unknown key (did you mean 'deployment'?)"
    assert problems["scale.daus"] == "unknown question (did you mean 'dau'?)"
    assert "greater than or equal to 0" in problems["scale.peak_rps"]
    assert "'aws', 'gcp'" in problems["deployment.cloud"]
    assert "must be one of" in problems["sources.scale.peak_rps"]


def test_malformed_yaml(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "deployment: [unclosed\n")
    assert list(problems) == ["(file)"] and "not valid YAML" in problems["(file)"]
    assert _problems(tmp_path, "- a\n- b\n") == {"(file)": "the top level must be a mapping of topics"}


@pytest.mark.parametrize("secret", [
    "0x" + "ab" * 32,
    "ghp_" + "A" * 36,
    "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
    "postgres://admin:hunter2@db.internal:5432/app",
    "AKIAABCDEFGHIJKLMNOP",
])
def test_pasted_secrets_are_refused_without_echoing_them(tmp_path: Path, secret: str) -> None:
    problems = _problems(tmp_path, f"security:\n  auth_provider: {secret!r}\n")
    assert any("looks like" in m for m in problems.values())
    assert all(secret not in m for m in problems.values())


def test_contradictions(tmp_path: Path) -> None:
    problems = _problems(tmp_path, (
        "deployment: {multi_region: true, primary_region: eu-west-1}\n"
        "budget: {monthly_usd: 100}\n"
        "backup: {rpo_minutes: 15, frequency: daily, dr_region: eu-west-1}\n"
        "blockchain: {node_role: validator}\n"
        "cicd: {deploy_strategy: canary}\n"
    ))
    assert set(problems) == {
        "backup.rpo_minutes+backup.frequency", "deployment.multi_region+budget.monthly_usd",
        "blockchain.node_role+blockchain.key_management", "cicd.deploy_strategy+monitoring",
        "backup.dr_region+deployment.primary_region",
    }


def test_rewrite_keeps_comments_and_order(tmp_path: Path) -> None:
    path = tmp_path / "launchbay.yaml"
    path.write_text(
        "# our answers\nschema_version: 1\n"
        "scale:\n  peak_rps: 40  # from the launch plan\n"
        "deployment:\n  cloud: aws  # credits until 2027\n"
        "sources:\n  scale.peak_rps: user\n  deployment.cloud: user\n"
    )
    doc = load_answers(path)
    updated = AnswersDocument(
        answers=doc.answers.model_copy(update={"budget": Budget(monthly_usd=300)}),
        sources={**doc.sources, "budget.monthly_usd": "cli"},
        open_items=(OpenItem(key="backup.dr_region", reason="decide later"),),
    )
    write_document(path, updated)
    text = path.read_text()
    assert "# our answers" in text and "# from the launch plan" in text and "# credits until 2027" in text
    assert text.index("scale:") < text.index("deployment:") < text.index("budget:") < text.index("sources:")
    assert load_answers(path) == updated


_answers = st.builds(
    Answers,
    deployment=st.builds(Deployment, cloud=st.sampled_from([None, *allowed_values("deployment.cloud")]),
                         environments=st.one_of(st.none(), st.just(("staging", "production")))),
    scale=st.builds(Scale, peak_rps=st.one_of(st.none(), st.integers(0, 10_000).map(float)),
                    dau=st.one_of(st.none(), st.integers(0, 10**6))),
    budget=st.builds(Budget, monthly_usd=st.one_of(st.none(), st.integers(400, 10**5))),
    backup=st.builds(Backup, rpo_minutes=st.one_of(st.none(), st.integers(1440, 10**5)),
                     frequency=st.sampled_from([None, "daily", "hourly", "continuous"])),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=_answers, comment=st.text(alphabet="abcdefghij ", min_size=1, max_size=20))
def test_round_trip_is_identity_and_keeps_comments(tmp_path: Path, answers: Answers, comment: str) -> None:
    path = tmp_path / "rt.yaml"
    sources = {k: "user" for k in ("deployment.cloud", "scale.dau") if answers.get(k) is not None}
    doc = AnswersDocument(answers=answers, sources=sources)  # type: ignore[arg-type]
    path.write_text(render_document(doc) + f"# {comment.strip() or 'note'}\n")
    loaded = load_answers(path)
    assert loaded == doc
    write_document(path, loaded)
    assert load_answers(path) == doc
    assert f"# {comment.strip() or 'note'}" in path.read_text()
