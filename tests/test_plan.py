"""Plan: sensible targets per example (pinned by goldens), costs that re-derive from the price
tables by an independent path, refusals for what is not built yet, and properties over random answers."""

from __future__ import annotations

import json
import os
import shutil
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchbay.answersfile import AnswersDocument, load_answers
from launchbay.models.answers import Answers, Backup, Budget, Deployment, Scale
from launchbay.models.design import Design
from launchbay.models.profile import ProjectProfile
from launchbay.plan import PlanError, build_design
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")
PRICES = ROOT / "src" / "launchbay" / "data" / "prices"


@cache
def profile(name: str) -> ProjectProfile:
    return review_project(ROOT / "examples" / name)


@cache
def design(name: str) -> Design:
    return build_design(profile(name), load_answers(ROOT / "examples" / name / "launchbay.yaml"))


def test_targets_are_the_sensible_ones() -> None:
    bot, dapp, py = design("discord-bot"), design("evm-dapp"), design("py-web3")
    assert bot.platform == "vm" and [s.target for s in bot.services] == ["vm"]
    assert bot.services[0].sizes["production"].replicas_max == 1  # one gateway session, never two
    assert dapp.platform == "containers"
    assert dict(dapp.non_services) == {".": "library", "contracts": "contracts", "packages/shared": "library"}
    assert {s.name: s.target for s in dapp.services}["@vaultline/web"] == "containers"  # Next.js SSR
    assert py.platform == "containers"  # RPO 5 min needs managed point-in-time recovery
    assert "RPO 5 min" in py.decisions[0].reason


@pytest.mark.parametrize("name", EXAMPLES)
def test_plan_matches_golden(name: str) -> None:
    golden = ROOT / "tests" / "golden" / "plan" / f"{name}.json"
    got = design(name).model_dump_json(indent=2) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        assert not os.environ.get("CI"), "goldens are never rewritten in CI"
        golden.write_text(got)
    assert golden.exists(), f"no golden for {name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert got == golden.read_text(), f"plan for {name} changed; review the diff and UPDATE_GOLDEN=1 if intended"


def _table_value(ref: str) -> Decimal:
    """Independent path: read the YAML file directly and walk the reference by hand."""
    path = ref.split(" (", 1)[0]
    provider, rest = path.split("/", 1)
    data: Any = yaml.safe_load((PRICES / f"{provider}.yaml").read_text())
    if provider == "vps":
        prov, plan = rest.split("/", 1)
        return Decimal(str(data["providers"][prov]["plans"][plan]["monthly"]))
    region, rest = rest.split("/", 1)
    node = data["regions"][region]
    keys = rest.split("/")
    last = keys[-1]
    field = "price"
    if "." in last and not last.startswith(("db.", "cache.")) and last.count(".") == 1 and keys[0] not in ("ec2",):
        last, field = last.split(".")
    elif keys[0] in ("rds_postgres", "elasticache_redis", "ec2"):
        field = "hourly"
        if last.endswith(".hourly"):
            last = last[: -len(".hourly")]
    keys[-1] = last
    for key in keys:
        node = node[key]
    return Decimal(str(node[field]))


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_cost_line_re_derives_from_the_price_table(name: str) -> None:
    for env_cost in design(name).costs:
        total = Decimal(0)
        for line in env_cost.lines:
            price = _table_value(line.price_ref)
            assert price == line.unit_price, line
            expected = (line.quantity * price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert expected == line.monthly_usd, line
            total += expected
        assert total == env_cost.total_usd
    budget = design(name).budget
    assert budget.all_environments_usd == sum(c.total_usd for c in design(name).costs)
    if budget.budget_usd is not None:
        assert budget.gap_usd == Decimal(budget.budget_usd) - budget.all_environments_usd


@pytest.mark.parametrize("name", EXAMPLES)
def test_open_items_and_assumptions_are_shown(name: str) -> None:
    doc = load_answers(ROOT / "examples" / name / "launchbay.yaml")
    d = design(name)
    assert {i.key for i in doc.open_items} == {item.split(":")[0] for item in d.open_items}
    accepted = [k for k, s in doc.sources.items() if s == "accepted-recommendation"]
    assert all(any(a.startswith(k + " = ") for a in d.assumptions) for k in accepted)
    assert all(dec.provenance for dec in d.decisions)


def test_savings_never_touch_the_never_discounted_lines() -> None:
    d = design("evm-dapp")
    production = next(c for c in d.costs if c.environment == "production")
    for saving in d.savings:
        covered = [line for line in production.lines if line.discountable in saving.applies_to]
        assert all("NAT" not in line.item and "load balancer" not in line.item for line in covered)
        base = sum((line.monthly_usd for line in covered), Decimal(0))
        assert saving.monthly_saving_usd == (base * saving.discount_pct / 100).quantize(Decimal("0.01"),
                                                                                         rounding=ROUND_HALF_UP)


def test_refusals_are_clear() -> None:
    base = load_answers(ROOT / "examples" / "evm-dapp" / "launchbay.yaml")
    gcp = base.model_copy(update={"answers": base.answers.model_copy(
        update={"deployment": base.answers.deployment.model_copy(update={"cloud": "gcp"})})})
    with pytest.raises(PlanError, match="'gcp' is not implemented yet"):
        build_design(profile("evm-dapp"), gcp)
    eu = base.model_copy(update={"answers": base.answers.model_copy(
        update={"deployment": base.answers.deployment.model_copy(update={"primary_region": "eu-central-1"})})})
    with pytest.raises(PlanError, match="no price table for eu-central-1"):
        build_design(profile("evm-dapp"), eu)
    with pytest.raises(PlanError, match="plan needs answers first"):
        build_design(profile("evm-dapp"), AnswersDocument())


_answers = st.builds(
    Answers,
    deployment=st.builds(Deployment, cloud=st.just("aws"), primary_region=st.just("us-east-1"),
                         environments=st.sampled_from([("production",), ("staging", "production")])),
    scale=st.builds(Scale, peak_rps=st.integers(0, 5000).map(float),
                    data_volume_gb=st.integers(0, 2000).map(float),
                    uptime_target=st.sampled_from(["99.0", "99.5", "99.9", "99.95"])),
    budget=st.builds(Budget, monthly_usd=st.integers(0, 20000), priority=st.sampled_from(["cost", "balanced"])),
    backup=st.builds(Backup, rpo_minutes=st.sampled_from([5, 60, 1440])),
)


def _build(answers: Answers) -> Design:
    return build_design(profile("evm-dapp"), AnswersDocument(answers=answers))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=_answers, more=st.integers(1, 5000))
def test_properties_over_random_answers(answers: Answers, more: int) -> None:
    d = _build(answers)
    for env_cost in d.costs:
        assert env_cost.total_usd == sum(line.monthly_usd for line in env_cost.lines)
        for line in env_cost.lines:
            assert line.monthly_usd == (line.quantity * line.unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert all(dec.provenance for dec in d.decisions)
    assert d.model_dump_json() == _build(answers).model_dump_json()  # deterministic
    # More traffic and more data never shrink anything.
    scale = answers.scale
    bigger = answers.model_copy(update={"scale": scale.model_copy(update={
        "peak_rps": (scale.peak_rps or 0) + more, "data_volume_gb": (scale.data_volume_gb or 0) + more})})
    d2 = _build(bigger)
    for before, after in zip(d.services, d2.services, strict=True):
        for env in before.sizes:
            assert after.sizes[env].replicas_min >= before.sizes[env].replicas_min
            assert after.sizes[env].replicas_max >= before.sizes[env].replicas_max
    stores = {s.name: s for s in d.data_stores}
    for store in d2.data_stores:
        if store.name in stores:
            for env, size in store.sizes.items():
                assert size.storage_gb >= stores[store.name].sizes[env].storage_gb


def test_cli_plan_json_and_missing_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from launchbay.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["plan", str(ROOT / "examples" / "discord-bot"), "--json"])
    assert exc.value.code == 0
    assert json.loads(capsys.readouterr().out)["platform"] == "vm"
    (tmp_path / "package.json").write_text("{}")
    with pytest.raises(SystemExit) as exc:
        main(["plan", str(tmp_path)])
    assert exc.value.code == 1 and "launchbay interview" in capsys.readouterr().err


def test_own_nodes_are_sized_from_sourced_figures_or_refused_honestly() -> None:
    base = load_answers(ROOT / "examples" / "evm-dapp" / "launchbay.yaml")
    chain = base.answers.blockchain.model_copy(update={"node_strategy": "own-nodes", "chains": ("ethereum",)})
    doc = base.model_copy(update={"answers": base.answers.model_copy(update={"blockchain": chain})})
    d = build_design(profile("evm-dapp"), doc)
    assert d.platform == "containers"  # a team of 2 (team.size) runs no cluster: nodes get their own hosts
    layers = {(n.client, n.layer) for n in d.chain_nodes}
    assert layers == {("nethermind", "execution"), ("nimbus", "consensus")}  # the sourced defaults
    nethermind = next(n for n in d.chain_nodes if n.client == "nethermind")
    assert nethermind.disk_gb == 1815 and nethermind.instance_type  # 1210 GB sourced × 1.5 headroom
    production = next(c for c in d.costs if c.environment == "production")
    assert any(line.category == "chain" and "nethermind disk 1815 GB" in line.item for line in production.lines)
    solana = doc.model_copy(update={"answers": doc.answers.model_copy(update={"blockchain": chain.model_copy(
        update={"chains": ("solana-mainnet",)})})})
    decision = next(x for x in build_design(profile("evm-dapp"), solana).decisions if x.key == "chain.access")
    assert "no priced instance has it" in decision.reason  # 512 GB RAM: dedicated hardware, not invented


def test_an_archive_node_keeps_its_consensus_client_at_full_mode() -> None:
    base = load_answers(ROOT / "examples" / "evm-dapp" / "launchbay.yaml")
    chain = base.answers.blockchain.model_copy(update={"node_strategy": "own-nodes", "chains": ("ethereum",),
                                                       "node_role": "archive"})
    doc = base.model_copy(update={"answers": base.answers.model_copy(update={"blockchain": chain})})
    nodes = {(n.client, n.layer, n.mode) for n in build_design(profile("evm-dapp"), doc).chain_nodes}
    assert nodes == {("erigon", "execution", "archive"), ("nimbus", "consensus", "full")}


def test_a_dockerfile_at_the_repository_root_is_the_root_service_s_own(tmp_path: Path) -> None:
    project = tmp_path / "bot"
    shutil.copytree(ROOT / "examples" / "discord-bot", project)
    (project / "Dockerfile.dev").write_text("FROM python:3.12\n")
    (project / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["python", "bot.py"]\n')
    d = build_design(review_project(project), load_answers(project / "launchbay.yaml"))
    assert [(s.component, s.runtime.dockerfile) for s in d.services if s.runtime] == [(".", "Dockerfile")]


def test_a_project_without_a_service_is_refused_not_given_idle_servers(tmp_path: Path) -> None:
    project = tmp_path / "lib"
    project.mkdir()
    (project / "package.json").write_text('{"name": "lib", "main": "index.js", "scripts": {"test": "node t.js"}}')
    (project / "index.js").write_text("module.exports = (a, b) => a + b;\n")
    doc = load_answers(ROOT / "examples" / "discord-bot" / "launchbay.yaml")
    with pytest.raises(PlanError) as err:
        build_design(review_project(project), doc)
    assert "no deployable service" in err.value.message and "(library)" in err.value.message


def test_browser_bundled_rpc_urls_are_not_gateway_candidates(tmp_path: Path) -> None:
    project = tmp_path / "dapp"
    shutil.copytree(ROOT / "examples" / "evm-dapp", project)
    page = project / "apps" / "web" / "src" / "rpc.ts"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("export const rpc = process.env.NEXT_PUBLIC_RPC_URL;\n")
    d = build_design(review_project(project), load_answers(project / "launchbay.yaml"))
    assert d.blockchain is not None
    assert "NEXT_PUBLIC_RPC_URL" not in d.blockchain.rpc_env  # the browser cannot reach an internal name
    assert "BASE_RPC_URL" in d.blockchain.rpc_env
