"""Kubernetes building blocks shared by the chain manifests: labels, the restricted security contexts
(Pod Security Standards "restricted": non-root, no privilege escalation, all capabilities dropped,
RuntimeDefault seccomp, read-only root filesystem) and resource blocks."""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.renderers.helm_values import MONITORING_NAMESPACE
from launchbay.renderers.terraform_facts import slug as resource_slug

PART_OF = "launchbay-chains"


def labels(name: str, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "launchbay"}


def selector(name: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF}


def component_selector(component: str) -> dict[str, str]:
    """Every pod of one kind of chain service (e.g. all Web3Signers of the namespace)."""
    return {"app.kubernetes.io/component": component, "app.kubernetes.io/part-of": PART_OF}


def pod_security(uid: int) -> dict[str, Any]:
    return {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": uid, "fsGroup": uid,
            "fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": {"type": "RuntimeDefault"}}


def container_security(uid: int) -> dict[str, Any]:
    return {"runAsNonRoot": True, "runAsUser": uid, "runAsGroup": uid, "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"}}


def resources(cpu: str, cpu_limit: str, memory: str, memory_limit: str | None = None) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory},
            "limits": {"cpu": cpu_limit, "memory": memory_limit or memory}}


def gi(gb: int) -> str:
    """Decimal gigabytes as a Kubernetes quantity (`G`), exactly the Design's figure."""
    return f"{gb}G"


def namespace(design: Design) -> str:
    """The app's namespace (the charts install there), so apps reach `erpc` by its short name."""
    return resource_slug(design.project)


def meta(design: Design, name: str, component: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace(design), "labels": labels(name, component)}


DNS = {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
               "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
       "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}


def from_monitoring(ports: list[int]) -> dict[str, Any]:
    return {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": MONITORING_NAMESPACE}}}],
            "ports": [{"port": p, "protocol": "TCP"} for p in ports]}


def from_pods(selector_labels: dict[str, str] | None, ports: list[int]) -> dict[str, Any]:
    """From pods of this namespace (all of them when `selector_labels` is None)."""
    return {"from": [{"podSelector": {"matchLabels": selector_labels} if selector_labels else {}}],
            "ports": [{"port": p, "protocol": "TCP"} for p in ports]}


def to_pods(selector_labels: dict[str, str], ports: list[int]) -> dict[str, Any]:
    return {"to": [{"podSelector": {"matchLabels": selector_labels}}],
            "ports": [{"port": p, "protocol": "TCP"} for p in ports]}


def network_policy(design: Design, name: str, component: str, pod_labels: dict[str, str],
                   ingress: list[dict[str, Any]], egress: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Ingress limited to `ingress`; egress limited to `egress` (None: egress unrestricted, e.g. P2P)."""
    spec: dict[str, Any] = {"podSelector": {"matchLabels": pod_labels},
                            "policyTypes": ["Ingress", "Egress"] if egress is not None else ["Ingress"],
                            "ingress": ingress}
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(design, name, component), "spec": spec}
