"""Deployment docs come from the Design: every cost figure, size and name in them is the Design's."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from launchbay.answersfile import load_answers
from launchbay.models.design import Design
from launchbay.plan import build_design
from launchbay.renderers.docs import PAGES, DocsRenderer
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")


@cache
def design(name: str) -> Design:
    project = ROOT / "examples" / name
    return build_design(review_project(project), load_answers(project / "launchbay.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_pages_live_beside_the_planning_docs(name: str) -> None:
    files = {f.path: f.content for f in DocsRenderer().render(design(name))}
    roots = {"py-web3": "grimoires/loa/deployment", "discord-bot": "loa-grimoire/deployment"}
    root = roots.get(name, "docs/deployment")
    assert set(files) == {f"{root}/{p}" for p in PAGES}
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in files.values())


@pytest.mark.parametrize("name", EXAMPLES)
def test_cost_figures_equal_the_design(name: str) -> None:
    d = design(name)
    text = next(f.content for f in DocsRenderer().render(d) if f.path.endswith("infrastructure.md"))
    for cost in d.costs:
        assert f"### {cost.environment}: ${cost.total_usd:,.2f} per month" in text
        for line in cost.lines:
            assert f"| {line.item} |" in text and f"${line.monthly_usd:,.2f}" in text
    shown = [Decimal(m.replace(",", "")) for m in re.findall(r"\*\*\$([\d,]+\.\d\d)\*\*", text)]
    assert shown == [c.total_usd for c in d.costs]


def test_rendering_is_deterministic() -> None:
    first = [f.content for f in DocsRenderer().render(design("evm-dapp"))]
    assert first == [f.content for f in DocsRenderer().render(design("evm-dapp"))]


def test_the_runbook_says_how_the_strategy_is_carried_out_on_the_platform() -> None:
    from launchbay.renderers.docs import DocsRenderer

    def runbook(d):  # type: ignore[no-untyped-def]
        return next(f.content for f in DocsRenderer().render(d) if f.path.endswith("runbooks/deployment.md"))

    ecs = runbook(design("evm-dapp"))  # blue-green answered, managed containers chosen
    assert "Strategy: **blue-green** on **containers**" in ecs
    assert "A separate blue-green fleet (CodeDeploy) is not generated" in ecs
    vm = runbook(design("discord-bot"))
    assert "two colours (blue and green) behind Caddy" in vm
