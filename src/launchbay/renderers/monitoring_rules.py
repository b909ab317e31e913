"""Prometheus rule groups and their promtool unit tests as typed data: the shared alert-rule API.

Every renderer that adds alerts (the monitoring renderer, the chain alerts) builds `RuleGroup`s of
`Alert`s and `Recording`s and renders them through this module, so every rule in the kit follows the
same conventions:

- a group's rules go to `deploy/monitoring/prometheus/rules/<group>.yml` (`render_group`) and its
  unit tests to `deploy/monitoring/prometheus/tests/<group>_test.yml` (`render_tests`); `validate`
  runs `promtool check rules` on every rules file and `promtool test rules` on every test file;
- every alert has a `severity` label (critical pages, warning makes a ticket, info is informational)
  and the annotations `summary`, `description` and `runbook_url`;
- `runbook_url` is the repo-relative path `<docs_root>/<group.runbook_page>#<slug(alert name)>`: the
  runbook page has one section per alert whose heading is exactly the alert name (`runbook_heading`),
  so the anchor GitHub derives from the heading is `slug(name)`; `Alert.runbook` carries the text;
- every alert carries a case that fires it and a case that does not (input series in promtool's
  expanding notation); the tests are generated from them, never written by hand;
- annotations may use `{{ $labels.<name> }}` only (no `$value`): the expected annotations of a test
  are the annotation texts with those labels filled in, so the test checks them exactly;
- `prometheus_rule` wraps a group in a prometheus-operator PrometheusRule object (kubernetes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from launchbay.models.kit import KitFile

Severity = Literal["critical", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "info")
MONITORING_DIR = "deploy/monitoring"
RULES_DIR = f"{MONITORING_DIR}/prometheus/rules"
TESTS_DIR = f"{MONITORING_DIR}/prometheus/tests"
TEST_INTERVAL = "1m"
_LABEL_REF = re.compile(r"\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_GROUP = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Series:
    """One input series of a unit test: `metric{label="v"}` and values like `0+1x60` or `1x30 0x30`."""

    selector: str
    values: str


@dataclass(frozen=True)
class Case:
    """Input series evaluated at `eval_time`; `labels` are the firing alert's labels that come from the
    series (the rule's own labels and severity are added by the test generator)."""

    series: tuple[Series, ...]
    eval_time: str = "10m"
    labels: Labels = ()


@dataclass(frozen=True)
class Runbook:
    """The runbook section of one alert: what it means, what to check first, how to fix it."""

    meaning: str
    checks: tuple[str, ...]
    fixes: tuple[str, ...]


@dataclass(frozen=True)
class Alert:
    name: str
    expr: str
    severity: Severity
    summary: str
    description: str
    runbook: Runbook
    fires: Case
    quiet: Case
    for_: str = "0m"
    labels: Labels = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"alert name {self.name!r} is not a Prometheus identifier")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.name}: severity {self.severity!r} is not one of {SEVERITIES}")
        for text in (self.summary, self.description):
            if "{{" in _LABEL_REF.sub("", text):
                raise ValueError(f"{self.name}: annotations may only use {{{{ $labels.x }}}}: {text!r}")


@dataclass(frozen=True)
class Recording:
    record: str
    expr: str
    labels: Labels = ()


@dataclass(frozen=True)
class RuleGroup:
    """One rules file. `runbook_page` is relative to the Design's docs_root."""

    name: str
    rules: tuple[Alert | Recording, ...]
    runbook_page: str = "runbooks/monitoring.md"
    interval: str | None = None

    def __post_init__(self) -> None:
        if not _GROUP.match(self.name):
            raise ValueError(f"group name {self.name!r}: use lowercase letters, digits and dashes")

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return tuple(r for r in self.rules if isinstance(r, Alert))

    @property
    def rules_path(self) -> str:
        return f"{RULES_DIR}/{self.name}.yml"

    @property
    def tests_path(self) -> str:
        return f"{TESTS_DIR}/{self.name}_test.yml"


def slug(name: str) -> str:
    """The anchor GitHub gives a Markdown heading: lowercase, punctuation dropped, spaces to dashes."""
    kept = "".join(c for c in name.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def runbook_heading(alert: Alert) -> str:
    """The runbook section heading for an alert (its anchor is `slug(alert.name)`)."""
    return alert.name


def runbook_url(docs_root: str, group: RuleGroup, alert: Alert) -> str:
    return f"{docs_root}/{group.runbook_page}#{slug(alert.name)}"


def alert_labels(alert: Alert) -> dict[str, str]:
    return {**dict(alert.labels), "severity": alert.severity}


def alert_annotations(docs_root: str, group: RuleGroup, alert: Alert) -> dict[str, str]:
    return {"summary": alert.summary, "description": alert.description,
            "runbook_url": runbook_url(docs_root, group, alert)}


def group_data(group: RuleGroup, docs_root: str) -> dict[str, Any]:
    """The group as Prometheus reads it (also the `spec.groups[]` item of a PrometheusRule)."""
    rules: list[dict[str, Any]] = []
    for rule in group.rules:
        if isinstance(rule, Recording):
            item: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
            if rule.labels:
                item["labels"] = dict(rule.labels)
        else:
            item = {"alert": rule.name, "expr": rule.expr}
            if rule.for_ not in ("0m", "0s", ""):
                item["for"] = rule.for_
            item["labels"] = alert_labels(rule)
            item["annotations"] = alert_annotations(docs_root, group, rule)
        rules.append(item)
    data: dict[str, Any] = {"name": group.name}
    if group.interval:
        data["interval"] = group.interval
    data["rules"] = rules
    return data


def dump_yaml(data: Any) -> str:
    """Deterministic YAML (insertion order, LF); long scalars fold at spaces to stay within yamllint's limit."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=80, allow_unicode=True)


def render_group(group: RuleGroup, docs_root: str) -> KitFile:
    return KitFile(path=group.rules_path, content=dump_yaml({"groups": [group_data(group, docs_root)]}))


def _expand(text: str, labels: dict[str, str]) -> str:
    return _LABEL_REF.sub(lambda m: labels.get(m.group(1), ""), text)


def _test(case: Case, name: str, expected: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "interval": TEST_INTERVAL,
        "input_series": [{"series": s.selector, "values": s.values} for s in case.series],
        "alert_rule_test": [{"eval_time": case.eval_time, "alertname": name, "exp_alerts": expected}],
    }


def test_data(group: RuleGroup, docs_root: str) -> dict[str, Any]:
    """For each alert: one test whose series fire it (exact labels and annotations), one where it stays quiet."""
    tests: list[dict[str, Any]] = []
    for alert in group.alerts:
        labels = {**dict(alert.fires.labels), **alert_labels(alert)}
        annotations = {k: _expand(v, labels) for k, v in alert_annotations(docs_root, group, alert).items()}
        tests.append(_test(alert.fires, alert.name, [{"exp_labels": labels, "exp_annotations": annotations}]))
        tests.append(_test(alert.quiet, alert.name, []))
    return {"rule_files": [f"../rules/{group.name}.yml"], "evaluation_interval": TEST_INTERVAL, "tests": tests}


def render_tests(group: RuleGroup, docs_root: str) -> KitFile:
    return KitFile(path=group.tests_path, content=dump_yaml(test_data(group, docs_root)))


def prometheus_rule(group: RuleGroup, docs_root: str, namespace: str, release: str) -> dict[str, Any]:
    """A prometheus-operator PrometheusRule holding the group; `release` matches the stack's ruleSelector."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": f"{release}-{group.name}", "namespace": namespace,
                     "labels": {"release": release, "app.kubernetes.io/managed-by": "launchbay"}},
        "spec": {"groups": [group_data(group, docs_root)]},
    }
