"""Monitoring kit (registry key "monitoring"): Prometheus rules with their promtool tests, Alertmanager
routing, Grafana dashboards, the platform's stack (Compose on a VM, kube-prometheus-stack values on
Kubernetes) and the monitoring docs and runbooks, all under `deploy/monitoring/` and the docs root.

CloudWatch alarms for AWS managed services are a Terraform module (`monitoring_cloudwatch`), rendered
by the terraform renderer. Shared conventions for other alert authors: see `monitoring_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_alertmanager import alertmanager_file
from launchbay.renderers.monitoring_alerts import rule_groups
from launchbay.renderers.monitoring_dashboards import dashboard_files
from launchbay.renderers.monitoring_docs import doc_files
from launchbay.renderers.monitoring_facts import facts
from launchbay.renderers.monitoring_k8s import k8s_files
from launchbay.renderers.monitoring_rules import render_group, render_tests
from launchbay.renderers.monitoring_vm import vm_files

PLATFORMS = frozenset({"vm", "containers", "kubernetes"})


def applies(design: Design) -> bool:
    """Monitoring is generated when something runs: a service on a VM, containers or Kubernetes."""
    return design.platform in PLATFORMS and bool(design.services)


class MonitoringRenderer:
    name = "monitoring"

    def render(self, design: Design) -> Iterable[KitFile]:
        if not applies(design):
            return []
        f = facts(design)
        groups = rule_groups(f)
        files: list[KitFile] = []
        for group in groups:
            files += [render_group(group, design.docs_root), render_tests(group, design.docs_root)]
        files.append(alertmanager_file(f))
        files += dashboard_files(f)
        if design.platform == "vm":
            files += vm_files(f)
        elif design.platform == "kubernetes":
            files += k8s_files(f, groups)
        files += doc_files(f, groups)
        return sorted(files, key=lambda k: k.path)
