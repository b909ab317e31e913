"""What the monitoring files share, derived from the Design once: scrape jobs, which services expose
request metrics, which exporters run, and the metric names the rules, dashboards and docs use.

The application metric contract (documented in monitoring.md): an HTTP service exports
`http_requests_total{code}` and `http_request_duration_seconds_bucket{le}` on `/metrics` of its port
(the Prometheus client libraries' conventional names). Front-ends (`web`) and services without a port
are not scraped; their availability comes from blackbox probes of their health path, when they have one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from launchbay.models.design import Design
from launchbay.renderers.terraform_facts import Service, slug
from launchbay.renderers.terraform_facts import services as keyed_services

REQUESTS = "http_requests_total"
DURATION_BUCKET = "http_request_duration_seconds_bucket"
BACKUP_METRIC = "launchbay_backup_last_success_timestamp_seconds"
BACKUP_TEXTFILE_DIR = "/var/lib/node_exporter/textfile"
# Kinds that serve pages rather than an API: probed for availability, not scraped for request metrics.
UNSCRAPED_KINDS = frozenset({"web", "frontend", "static"})
NAMESPACE_MONITORING = "monitoring"
RELEASE = "kube-prometheus-stack"

JobKind = Literal["service", "prometheus", "alertmanager", "node", "cadvisor", "postgres", "redis", "blackbox",
                  "kube-state-metrics", "kubelet"]


@dataclass(frozen=True)
class Job:
    """One scrape job: its `job` label, what it scrapes, and its address on the VM's networks."""

    name: str
    kind: JobKind
    address: str | None = None
    service: Service | None = None

    @property
    def critical(self) -> bool:
        """A service being down pages; an exporter being down makes a ticket."""
        return self.kind == "service"


@dataclass(frozen=True)
class Facts:
    design: Design
    project: str
    services: tuple[Service, ...]

    @property
    def platform(self) -> str:
        return self.design.platform

    @property
    def metrics_services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.http and s.plan.kind not in UNSCRAPED_KINDS)

    @property
    def probed(self) -> tuple[Service, ...]:
        """Services with an HTTP health path: probed by the blackbox exporter (vm, kubernetes)."""
        if self.platform not in ("vm", "kubernetes"):
            return ()
        return tuple(s for s in self.services if s.http and s.plan.health_path)

    @property
    def self_run(self) -> bool:
        """Prometheus and its exporters run beside the app (vm, kubernetes); on managed containers
        CloudWatch alarms do the infrastructure alerting and Prometheus rules cover the app only."""
        return self.platform in ("vm", "kubernetes")

    def has_store(self, engine: str) -> bool:
        return self.self_run and any(s.engine == engine for s in self.design.data_stores)

    @property
    def postgres(self) -> bool:
        return self.has_store("postgres")

    @property
    def redis(self) -> bool:
        return self.has_store("redis")

    @property
    def domain(self) -> str | None:
        return self.design.network.get("domain") or None

    @property
    def tls_probe(self) -> bool:
        return self.self_run and self.domain is not None and any(s.http for s in self.services)

    @property
    def backup_job(self) -> bool:
        """A backup job of ours runs (on the VM) and reports its last success through node_exporter."""
        return self.platform == "vm" and self.design.backup is not None

    @property
    def slo_services(self) -> tuple[Service, ...]:
        return self.metrics_services if self.design.slo.uptime_target is not None else ()

    @property
    def error_budget(self) -> Decimal | None:
        return self.design.slo.error_budget

    @property
    def jobs(self) -> tuple[Job, ...]:
        out = [Job(s.key, "service", f"{s.key}:{s.plan.port}", s) for s in self.metrics_services]
        if self.platform == "vm":
            out += [Job("prometheus", "prometheus", "localhost:9090"),
                    Job("alertmanager", "alertmanager", "alertmanager:9093"),
                    Job("node", "node", "node-exporter:9100"), Job("cadvisor", "cadvisor", "cadvisor:8080")]
        elif self.platform == "kubernetes":
            out += [Job("node-exporter", "node"), Job("kube-state-metrics", "kube-state-metrics"),
                    Job("kubelet", "kubelet")]
        if self.postgres:
            out.append(Job("postgres", "postgres", "postgres-exporter:9187"))
        if self.redis:
            out.append(Job("redis", "redis", "redis-exporter:9121"))
        if self.probed or self.tls_probe:
            out.append(Job("blackbox", "blackbox", "blackbox-exporter:9115"))
        return tuple(out)

    def public_url(self) -> str | None:
        return f"https://{self.domain}" if self.domain else None

    def probe_urls(self) -> tuple[tuple[str, str], ...]:
        """(service key, URL) of each health probe, as seen from the monitoring network."""
        return tuple((s.key, f"http://{s.key}:{s.plan.port}{s.plan.health_path}") for s in self.probed)


def facts(design: Design) -> Facts:
    return Facts(design=design, project=slug(design.project, 40), services=keyed_services(design))


def number(value: Decimal) -> str:
    """A threshold as PromQL writes it: exact decimal, no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def job_regex(names: tuple[str, ...]) -> str:
    return "|".join(names)
