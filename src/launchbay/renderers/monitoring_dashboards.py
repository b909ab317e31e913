"""Grafana dashboards as typed objects (grafana-foundation-sdk builders), serialised deterministically.

Panels are described by `Panel` (title, unit, PromQL queries) and laid out by `build_dashboard`, which
numbers panels and places them on a 24-column grid in order. Other renderers (the per-chain
dashboards) call `dashboard_file(uid, title, tags, rows)` with their own rows: the file lands in
`deploy/monitoring/grafana/dashboards/<uid>.json`, where Grafana's provisioning and the promtool
query check (validators/promtool.py) find it. Queries use no Grafana variables, so each one is a
PromQL expression promtool can parse as it stands.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from grafana_foundation_sdk.builders import dashboard as gd
from grafana_foundation_sdk.builders import prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_facts import BACKUP_METRIC, DURATION_BUCKET, REQUESTS, Facts, job_regex
from launchbay.renderers.monitoring_rules import MONITORING_DIR
from launchbay.renderers.monitoring_slo import ERROR_RATIO, P95
from launchbay.renderers.terraform_facts import slug

DASHBOARDS_DIR = f"{MONITORING_DIR}/grafana/dashboards"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="prometheus")


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    unit: str = "short"
    kind: Literal["timeseries", "stat"] = "timeseries"
    width: int = 12
    description: str = ""


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


def _panel(p: Panel, panel_id: int) -> Any:
    builder: Any = timeseries.Panel() if p.kind == "timeseries" else stat.Panel()
    builder = builder.id(panel_id).title(p.title).unit(p.unit).datasource(DATASOURCE).height(8).span(p.width)
    if p.description:
        builder = builder.description(p.description)
    for i, q in enumerate(p.queries):
        target = prometheus.Dataquery().expr(q.expr).ref_id(chr(ord("A") + i))
        if q.legend:
            target = target.legend_format(q.legend)
        builder = builder.with_target(target)
    return builder


def build_dashboard(uid: str, title: str, tags: Sequence[str], rows: Sequence[Row]) -> Any:
    """The typed dashboard (an SDK model): rows in order, panels numbered from 1."""
    board = (gd.Dashboard(title).uid(uid).tags(list(tags)).refresh("1m").time("now-6h", "now")
             .timezone("utc").readonly())
    panel_id = 1
    for row in rows:
        board = board.with_row(gd.Row(row.title).id(panel_id))
        panel_id += 1
        for p in row.panels:
            board = board.with_panel(_panel(p, panel_id))
            panel_id += 1
    return board.build()


def dashboard_json(model: Any) -> str:
    return json.dumps(model, cls=JSONEncoder, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def dashboard_file(uid: str, title: str, tags: Sequence[str], rows: Sequence[Row]) -> KitFile:
    """The hook for other renderers: a dashboard from rows of panels, at its conventional path."""
    return KitFile(path=f"{DASHBOARDS_DIR}/{uid}.json", content=dashboard_json(build_dashboard(uid, title, tags, rows)))


def queries_of(text: str) -> list[str]:
    """Every PromQL expression in a dashboard's JSON (for the promtool check)."""
    data = json.loads(text)
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                out.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return out


def _service_rows(f: Facts) -> list[Row]:
    jobs = tuple(s.key for s in f.metrics_services)
    rows: list[Row] = []
    if jobs:
        sel = f'job=~"{job_regex(jobs)}"'
        latency = [Query(f"histogram_quantile(0.95, sum by (job, le) (rate({DURATION_BUCKET}{{{sel}}}[5m])))",
                         "{{job}} p95")]
        if f.design.slo.latency_p95_ms is not None:
            latency.append(Query(f"vector({f.design.slo.latency_p95_ms / 1000})", "objective"))
        rows.append(Row("Traffic", (
            Panel("Requests per second", (Query(f"sum by (job) (rate({REQUESTS}{{{sel}}}[5m]))", "{{job}}"),),
                  "reqps"),
            Panel("5xx ratio", (Query(f'sum by (job) (rate({REQUESTS}{{{sel},code=~"5.."}}[5m])) / sum by (job) '
                                      f"(rate({REQUESTS}{{{sel}}}[5m]))", "{{job}}"),), "percentunit"),
            Panel("p95 latency", tuple(latency), "s"),
        )))
    targets = job_regex(tuple(j.name for j in f.jobs))
    if targets:
        rows.append(Row("Targets", (
            Panel("Scrape targets up", (Query(f'sum by (job) (up{{job=~"{targets}"}})', "{{job}}"),), "short",
                  "stat", 24),)))
    return rows


def _slo_rows(f: Facts) -> list[Row]:
    budget = f.error_budget
    if budget is None or not f.slo_services:
        return []
    sel = f'job=~"{job_regex(tuple(s.key for s in f.slo_services))}"'
    burn = tuple(Query(f"{ERROR_RATIO.format(window=w)} / {budget}", f"{{{{job}}}} {w}") for w in ("1h", "6h", "1d"))
    ratio30 = (f'sum by (job) (increase({REQUESTS}{{{sel},code=~"5.."}}[30d])) / sum by (job) '
               f"(increase({REQUESTS}{{{sel}}}[30d]))")
    rows = [Row("Error budget", (
        Panel("Availability over 30 days", (Query(f"1 - ({ratio30})", "{{job}}"),), "percentunit", "stat",
              description=f"Objective: {f.design.slo.uptime_target} % of requests succeed."),
        Panel("Error budget left (30 days)", (Query(f"1 - ({ratio30}) / {budget}", "{{job}}"),), "percentunit",
              "stat"),
        Panel("Burn rate (1 = spending exactly the budget)", burn, "short", width=24),
    ))]
    if f.design.slo.latency_p95_ms is not None:
        rows.append(Row("Latency objective", (
            Panel("p95 latency vs objective", (Query(P95, "{{job}}"),
                                               Query(f"vector({f.design.slo.latency_p95_ms / 1000})", "objective")),
                  "s", width=24),)))
    return rows


def _infra_rows(f: Facts) -> list[Row]:
    fs = 'fstype!~"tmpfs|overlay|squashfs|nsfs"'
    rows = [Row("Hosts", (
        Panel("CPU busy", (Query('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
                                 "{{instance}}"),), "percentunit"),
        Panel("Memory available", (Query("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
                                         "{{instance}}"),), "percentunit"),
        Panel("Disk free", (Query(f"node_filesystem_avail_bytes{{{fs}}} / node_filesystem_size_bytes{{{fs}}}",
                                  "{{instance}} {{mountpoint}}"),), "percentunit"),
        Panel("Disk free in 24 h (forecast)", (Query(f"predict_linear(node_filesystem_avail_bytes{{{fs}}}[6h], 86400)",
                                                     "{{instance}} {{mountpoint}}"),), "bytes"),
    ))]
    by = "name" if f.platform == "vm" else "namespace, pod, container"
    legend = "{{name}}" if f.platform == "vm" else "{{pod}}/{{container}}"
    rows.append(Row("Containers", (
        Panel("CPU (cores)", (Query(f'sum by ({by}) (rate(container_cpu_usage_seconds_total{{container!="POD"}}[5m]))',
                                    legend),), "short"),
        Panel("Memory working set", (Query(f'sum by ({by}) (container_memory_working_set_bytes{{container!="POD"}})',
                                           legend),), "bytes"),
    )))
    stores: list[Panel] = []
    if f.postgres:
        stores.append(Panel("PostgreSQL connections used", (Query(
            "sum by (instance) (pg_stat_activity_count) / max by (instance) (pg_settings_max_connections)",
            "{{instance}}"),), "percentunit"))
    if f.redis:
        stores.append(Panel("Redis memory", (Query("redis_memory_used_bytes", "{{instance}}"),), "bytes"))
    if f.backup_job:
        stores.append(Panel("Age of the last backup", (Query(f"time() - {BACKUP_METRIC}", "{{store}}"),), "s"))
    if stores:
        rows.append(Row("Data", tuple(stores)))
    return rows


def dashboard_files(f: Facts) -> list[KitFile]:
    """Service overview, SLO and infrastructure dashboards (uids stay within Grafana's 40 characters)."""
    tags = ["launchbay", f.project]
    short = slug(f.project, 24)
    out: list[KitFile] = []
    service = _service_rows(f)
    if service:
        out.append(dashboard_file(f"{short}-services", f"{f.project} · services", tags, service))
    slo = _slo_rows(f)
    if slo:
        out.append(dashboard_file(f"{short}-slo", f"{f.project} · SLO", tags, slo))
    if f.self_run:
        out.append(dashboard_file(f"{short}-infrastructure", f"{f.project} · infrastructure", tags,
                                  _infra_rows(f)))
    return out
