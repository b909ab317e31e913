"""The monitoring kit: rules and their unit tests pass promtool, Alertmanager passes amtool, the rules
load healthy into a real Prometheus, thresholds come from the SLO, and nothing secret is written."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring import MonitoringRenderer
from launchbay.renderers.monitoring_dashboards import Panel, Query, Row, dashboard_file, queries_of
from launchbay.renderers.monitoring_rules import RULES_DIR, slug
from launchbay.renderers.monitoring_slo import BURN_WINDOWS
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.secretscan import secret_kind
from launchbay.validators.amtool import AmtoolValidator
from launchbay.validators.base import find_tool
from launchbay.validators.promtool import PromtoolValidator
from tests.kit.support import design, require_tool

KITS = ("evm-dapp", "py-web3", "discord-bot", "evm-dapp@vm", "evm-dapp@kubernetes")


def kit_design(name: str) -> Design:
    if name == "evm-dapp@vm":
        return design("evm-dapp", deployment=frozenset({("cloud", "self-hosted")}))
    if name == "evm-dapp@kubernetes":
        return design("evm-dapp", team=frozenset({("size", 5)}), blockchain=frozenset({("node_strategy", "own-nodes")}))
    return design(name)


def monitoring(name: str) -> dict[str, str]:
    return {f.path: f.content for f in MonitoringRenderer().render(kit_design(name))}


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each design's monitoring files, written once for the module (validators read files)."""
    out = {}
    for name in KITS:
        root = tmp_path_factory.mktemp(name.replace("@", "-"))
        write_kit(render_kit(kit_design(name), {"monitoring": MonitoringRenderer()}), root)
        out[name] = root
    return out


def _files(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                        if p.is_file() and ".launchbay" not in p.parts))


def _alerts(files: dict[str, str]) -> list[dict[str, Any]]:
    return [rule for path, text in files.items() if path.startswith(RULES_DIR)
            for group in yaml.safe_load(text)["groups"] for rule in group["rules"] if "alert" in rule]


@pytest.mark.validator
@pytest.mark.parametrize("name", KITS)
def test_rules_and_their_unit_tests_pass_promtool(kits: dict[str, Path], name: str) -> None:
    require_tool("promtool")
    root = kits[name]
    result = PromtoolValidator().run(root, _files(root), find_tool("promtool"))
    assert result.status == "PASS", result.findings
    tests = [f for f in _files(root) if f.endswith("_test.yml")]
    assert len(tests) >= 2 and f"{len(tests)} test file(s)" in result.summary
    queries = int(re.search(r"(\d+) dashboard queries", result.summary).group(1))  # type: ignore[union-attr]
    assert queries >= 8


@pytest.mark.validator
def test_promtool_catches_a_broken_rule_and_a_failing_test(kits: dict[str, Path], tmp_path: Path) -> None:
    require_tool("promtool")
    root = kits["discord-bot"]
    for rel in _files(root):
        if rel.startswith("deploy/monitoring/prometheus/"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text((root / rel).read_text())
    host = tmp_path / RULES_DIR / "host.yml"
    host.write_text(host.read_text().replace("< 0.05", "< 0.0005"))  # DiskAlmostFull no longer fires
    targets = tmp_path / RULES_DIR / "targets.yml"
    targets.write_text(targets.read_text().replace("== 0", "== = 0", 1))
    result = PromtoolValidator().run(tmp_path, _files(tmp_path), find_tool("promtool"))
    flagged = {f for f, _line, _msg in result.findings}
    assert result.status == "FAIL"
    assert "deploy/monitoring/prometheus/tests/host_test.yml" in flagged
    assert f"{RULES_DIR}/targets.yml" in flagged


@pytest.mark.validator
@pytest.mark.parametrize("name", KITS)
def test_alertmanager_config_passes_amtool(kits: dict[str, Path], name: str) -> None:
    require_tool("amtool")
    root = kits[name]
    result = AmtoolValidator().run(root, _files(root), find_tool("amtool"))
    assert result.status == "PASS", result.findings
    expected = 2 if name.endswith("@kubernetes") else 1  # values.yaml embeds the same config
    assert result.summary.startswith(f"{expected} Alertmanager")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.validator
def test_rules_load_healthy_into_a_real_prometheus(kits: dict[str, Path], tmp_path: Path) -> None:
    exe = require_tool("prometheus")
    rules = sorted((kits["evm-dapp@vm"] / RULES_DIR).glob("*.yml"))
    assert len(rules) == 8
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump({"global": {"evaluation_interval": "1s"},
                                      "rule_files": [str(p) for p in rules]}))
    port = _free_port()
    proc = subprocess.Popen([exe, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        groups: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/rules", timeout=2) as resp:
                    groups = json.load(resp)["data"]["groups"]
                evaluated = [r for g in groups for r in g["rules"] if r.get("lastEvaluation", "").startswith("0001")]
                if len(groups) == len(rules) and not evaluated:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "prometheus exited"
            time.sleep(0.5)
        assert {g["name"] for g in groups} == {p.stem for p in rules}
        health = {r["name"]: r["health"] for g in groups for r in g["rules"]}
        assert len(health) > 20
        assert set(health.values()) == {"ok"}, health
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


SECRET_KEYS = re.compile(r"^\s*-?\s*(api_url|routing_key|service_key|api_key|webhook_url|bot_token|auth_password"
                         r"|password|url_file_value):", re.M)


@pytest.mark.parametrize("name", KITS)
def test_no_secret_value_in_monitoring_files(name: str) -> None:
    files = monitoring(name)
    for path, text in files.items():
        assert not SECRET_KEYS.search(text), path
        for n, line in enumerate(text.splitlines(), 1):
            assert secret_kind(line) is None, f"{path}:{n}"
            assert "hooks.slack.com" not in line and "discord.com/api/webhooks" not in line, f"{path}:{n}"
    config = yaml.safe_load(files["deploy/monitoring/alertmanager/alertmanager.yml"])
    channel_configs = [c for r in config["receivers"] for k, v in r.items() if k.endswith("_configs") for c in v]
    assert channel_configs
    for c in channel_configs:
        assert any(k.endswith("_file") for k in c) or c.get("url", "").startswith("http://alertmanager-"), c


@pytest.mark.parametrize(("name", "budget"), [("evm-dapp", Decimal("0.001")), ("py-web3", Decimal("0.005"))])
def test_burn_rate_thresholds_are_factor_times_error_budget(name: str, budget: Decimal) -> None:
    d = kit_design(name)
    assert d.slo.error_budget == budget
    alerts = {a["alert"]: a for a in _alerts(monitoring(name))}
    for w in BURN_WINDOWS:
        expr = alerts[w.name]["expr"]
        values = {Decimal(v) for v in re.findall(r"> ([0-9.]+)", expr)}
        assert values == {w.factor * budget}, expr
        assert f"ratio_rate{w.long} >" in expr and f"ratio_rate{w.short} >" in expr
    assert Decimal(re.findall(r"> ([0-9.]+)", alerts["LatencyP95AboveSlo"]["expr"])[0]) * 1000 == \
        d.slo.latency_p95_ms


def test_only_alerts_that_apply_to_the_design() -> None:
    bot = monitoring("discord-bot")
    assert not any("redis" in p or "postgres" in p or "certificates" in p for p in bot)
    names = {a["alert"] for a in _alerts(bot)}
    assert not any(n.startswith(("Redis", "Postgres", "ErrorBudget", "Certificate")) for n in names)
    assert {"BackupTooOld", "DiskFillForecast", "ContainerCrashLooping"} <= names
    vm = {a["alert"] for a in _alerts(monitoring("evm-dapp@vm"))}
    assert {"RedisDown", "PostgresDown", "CertificateExpiringSoon", "EndpointDown", "ErrorBudgetBurnFast"} <= vm
    managed = {a["alert"] for a in _alerts(monitoring("evm-dapp"))}
    assert not any(n.startswith(("Redis", "Postgres", "Disk", "Container")) for n in managed)  # CloudWatch's job


def test_backup_age_is_the_designs_rpo() -> None:
    alert = next(a for a in _alerts(monitoring("discord-bot")) if a["alert"] == "BackupTooOld")
    rpo = kit_design("discord-bot").backup
    assert rpo is not None and rpo.rpo_minutes is not None
    assert alert["expr"].endswith(f"> {rpo.rpo_minutes * 60}")


@pytest.mark.parametrize("name", KITS)
def test_every_alert_has_severity_and_a_runbook_section(name: str) -> None:
    d = kit_design(name)
    files = monitoring(name)
    runbook = files[f"{d.docs_root}/runbooks/monitoring.md"]
    headings = {slug(h) for h in re.findall(r"^## (.+)$", runbook, re.M)}
    alerts = _alerts(files)
    assert alerts
    for a in alerts:
        assert a["labels"]["severity"] in {"critical", "warning", "info"}
        assert set(a["annotations"]) == {"summary", "description", "runbook_url"}
        page, anchor = a["annotations"]["runbook_url"].split("#")
        assert page == f"{d.docs_root}/runbooks/monitoring.md" and anchor in headings, a["alert"]
    for page in ("monitoring.md", "runbooks/incident-response.md", "troubleshooting.md"):
        assert f"{d.docs_root}/{page}" in files


def test_alertmanager_routes_each_severity_to_the_designs_channels() -> None:
    evm = yaml.safe_load(monitoring("evm-dapp")["deploy/monitoring/alertmanager/alertmanager.yml"])
    receivers = {r["name"]: r for r in evm["receivers"]}
    assert set(receivers["critical"]) == {"name", "pagerduty_configs", "slack_configs"}
    assert set(receivers["warning"]) == {"name", "slack_configs"}
    assert [r["matchers"] for r in evm["route"]["routes"]] == [[f'severity="{s}"'] for s in
                                                                ("critical", "warning", "info")]
    assert evm["inhibit_rules"][0]["source_matchers"] == ['severity="critical"']
    bot = yaml.safe_load(monitoring("discord-bot")["deploy/monitoring/alertmanager/alertmanager.yml"])
    critical = next(r for r in bot["receivers"] if r["name"] == "critical")
    assert critical["slack_configs"][0]["api_url_file"].endswith("discord_webhook_url")  # Discord's /slack endpoint
    assert "time_intervals" in bot  # business-hours on-call mutes non-critical notices off hours


def test_dashboards_are_typed_deterministic_and_extensible() -> None:
    files = monitoring("evm-dapp@vm")
    boards = {p: json.loads(t) for p, t in files.items() if p.endswith(".json")}
    assert {p.rsplit("/", 1)[1] for p in boards} == {"evm-dapp-services.json", "evm-dapp-slo.json",
                                                     "evm-dapp-infrastructure.json"}
    for text in (files[p] for p in boards):
        assert queries_of(text)
    assert files == monitoring("evm-dapp@vm")  # byte-identical on a second render
    hook = dashboard_file("evm-dapp-chain-base", "base", ["chain"],
                          [Row("Head", (Panel("Head lag", (Query("max(chain_head_lag_blocks)", "lag"),)),))])
    assert isinstance(hook, KitFile) and hook.path == "deploy/monitoring/grafana/dashboards/evm-dapp-chain-base.json"
    assert queries_of(hook.content) == ["max(chain_head_lag_blocks)"]


def test_platform_files() -> None:
    vm = monitoring("evm-dapp@vm")
    compose = yaml.safe_load(vm["deploy/monitoring/compose.monitoring.yml"])
    for name, svc in compose["services"].items():
        image = svc["image"]
        assert re.search(r":v?\d+\.\d+\.\d+$", image) and "latest" not in image, name
    assert {"prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter",
            "blackbox-exporter", "grafana", "loki", "otel-collector", "tempo"} <= set(compose["services"])
    scrape = yaml.safe_load(vm["deploy/monitoring/prometheus/prometheus.yml"])["scrape_configs"]
    assert {"api", "indexer", "node", "postgres", "redis", "blackbox-api"} <= {j["job_name"] for j in scrape}
    k8s = monitoring("evm-dapp@kubernetes")
    rules = list(yaml.safe_load_all(k8s["deploy/monitoring/kubernetes/prometheusrules.yaml"]))
    assert {r["kind"] for r in rules} == {"PrometheusRule"}
    groups = {r["spec"]["groups"][0]["name"]: r["spec"]["groups"][0] for r in rules}
    on_disk = {p.rsplit("/", 1)[1][:-4]: yaml.safe_load(t)["groups"][0] for p, t in k8s.items()
               if p.startswith(RULES_DIR)}
    assert groups == on_disk
    assert "deploy/monitoring/compose.monitoring.yml" not in k8s


def test_cloudwatch_module_in_each_aws_environment() -> None:
    d = kit_design("evm-dapp")
    kit = {f.path: f.content for f in TerraformRenderer().render(d)}
    assert "deploy/terraform/modules/monitoring/main.tf" in kit
    main = kit["deploy/terraform/modules/monitoring/main.tf"]
    assert "kms_master_key_id = var.kms_key_arn" in main and "HTTPCode_Target_5XX_Count" in main
    assert "TargetResponseTime" in main and "FreeStorageSpace" in main and "Evictions" in main
    for env in d.environments:
        root = kit[f"deploy/terraform/envs/{env}/main.tf"]
        assert 'module "monitoring"' in root and "error_ratio_threshold    = 0.0144" in root
    vm = {f.path for f in TerraformRenderer().render(kit_design("evm-dapp@vm"))}
    assert "deploy/terraform/modules/monitoring/main.tf" not in vm
