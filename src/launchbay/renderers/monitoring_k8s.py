"""Monitoring on Kubernetes: values for the kube-prometheus-stack chart, ServiceMonitors (and blackbox
Probes) for what the Design runs, and PrometheusRule objects wrapping the same rule groups the
`rules/` files hold, so the cluster and promtool check one set of rules.

The app's workloads run in the namespace named after the project, their Services labelled
`app.kubernetes.io/name: <service key>`; the stack runs in `monitoring` as release
`kube-prometheus-stack`, selecting ServiceMonitors, Probes and rules by the `release` label.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_alertmanager import SECRET_NAME, config
from launchbay.renderers.monitoring_facts import NAMESPACE_MONITORING, RELEASE, Facts
from launchbay.renderers.monitoring_k8s_secrets import GRAFANA_ADMIN_SECRET as GRAFANA_ADMIN_SECRET
from launchbay.renderers.monitoring_k8s_secrets import secret_files_k8s
from launchbay.renderers.monitoring_rules import MONITORING_DIR, RuleGroup, dump_yaml, prometheus_rule

CHART_VERSION = "69.8.2"  # kube-prometheus-stack; bump deliberately
BLACKBOX_SERVICE = "prometheus-blackbox-exporter.monitoring.svc:9115"
BASE = f"{MONITORING_DIR}/kubernetes"


def _selector() -> dict[str, Any]:
    return {"matchLabels": {"release": RELEASE}}


def values(f: Facts) -> dict[str, Any]:
    return {
        "fullnameOverride": RELEASE,
        "defaultRules": {"create": True},
        "prometheus": {"prometheusSpec": {
            "retention": "15d",
            "ruleSelector": _selector(), "serviceMonitorSelector": _selector(), "probeSelector": _selector(),
            "podMonitorSelector": _selector(),
            "ruleNamespaceSelector": {}, "serviceMonitorNamespaceSelector": {}, "probeNamespaceSelector": {},
            "resources": {"requests": {"cpu": "200m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}},
            "storageSpec": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                                                             "resources": {"requests": {"storage": "50Gi"}}}}},
        }},
        "alertmanager": {
            "config": config(f),
            "alertmanagerSpec": {
                "secrets": [SECRET_NAME],
                "resources": {"requests": {"cpu": "50m", "memory": "128Mi"},
                              "limits": {"cpu": "200m", "memory": "256Mi"}},
            },
        },
        "grafana": {
            "admin": {"existingSecret": GRAFANA_ADMIN_SECRET, "userKey": "admin-user", "passwordKey": "admin-password"},
            "sidecar": {"dashboards": {"enabled": True, "label": "grafana_dashboard", "labelValue": "1",
                                       "searchNamespace": "ALL"}},
            "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
        },
        "kubeStateMetrics": {"enabled": True},
        "nodeExporter": {"enabled": True},
    }


def _meta(name: str, namespace: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace,
            "labels": {"release": RELEASE, "app.kubernetes.io/managed-by": "launchbay"}}


def monitors(f: Facts) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for svc in f.metrics_services:
        out.append({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                    "metadata": _meta(f"{f.project}-{svc.key}", NAMESPACE_MONITORING),
                    "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": svc.key}},
                             "namespaceSelector": {"matchNames": [f.project]},
                             "endpoints": [{"targetPort": svc.plan.port, "path": "/metrics", "interval": "30s",
                                            "relabelings": [{"targetLabel": "job", "replacement": svc.key}]}]}})
    out += _chain_monitors(f)
    for engine, port in (("postgres", 9187), ("redis", 9121)):
        if not f.has_store(engine):
            continue
        out.append({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                    "metadata": _meta(f"{f.project}-{engine}-exporter", NAMESPACE_MONITORING),
                    "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": f"prometheus-{engine}-exporter"}},
                             "namespaceSelector": {"matchNames": [NAMESPACE_MONITORING]},
                             "endpoints": [{"targetPort": port, "interval": "30s",
                                            "relabelings": [{"targetLabel": "job", "replacement": engine}]}]}})
    probes = [(f"{f.project}-health", "http_2xx", [f"http://{s.key}.{f.project}.svc:{s.plan.port}{s.plan.health_path}"
                                                   for s in f.probed])]
    if f.tls_probe and f.domain:
        probes.append((f"{f.project}-tls", "tls_connect", [f"{f.domain}:443"]))
    for name, module, targets in probes:
        if not targets:
            continue
        out.append({"apiVersion": "monitoring.coreos.com/v1", "kind": "Probe",
                    "metadata": _meta(name, NAMESPACE_MONITORING),
                    "spec": {"jobName": "blackbox", "module": module, "interval": "60s",
                             "prober": {"url": BLACKBOX_SERVICE},
                             "targets": {"staticConfig": {"static": targets, "labels": {"module": module}}}}})
    return out


def _chain_monitors(f: Facts) -> list[dict[str, Any]]:
    """The chain services the kit runs in the app's namespace (gateway, Web3Signer, exporter): the chain alerts'
    metrics, scraped on their Services' `metrics` port."""
    from launchbay.renderers.chain_services import scrapes

    return [{"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
             "metadata": _meta(f"{f.project}-{s.job}", NAMESPACE_MONITORING),
             "spec": {"selector": {"matchLabels": s.selector}, "namespaceSelector": {"matchNames": [f.project]},
                      "endpoints": [{"port": "metrics", "path": "/metrics", "interval": "30s",
                                     "relabelings": [{"targetLabel": "job", "replacement": s.job}]}]}}
            for s in scrapes(f.design)]


def _multi(docs: list[dict[str, Any]]) -> str:
    return "".join("---\n" + dump_yaml(d) for d in docs)


def k8s_files(f: Facts, groups: tuple[RuleGroup, ...]) -> list[KitFile]:
    rules = [prometheus_rule(g, f.design.docs_root, NAMESPACE_MONITORING, RELEASE) for g in groups]
    files = [KitFile(path=f"{BASE}/kube-prometheus-stack-values.yaml", content=dump_yaml(values(f))),
             KitFile(path=f"{BASE}/prometheusrules.yaml", content=_multi(rules))]
    mons = monitors(f)
    if mons:
        files.append(KitFile(path=f"{BASE}/servicemonitors.yaml", content=_multi(mons)))
    return files + secret_files_k8s(f)
