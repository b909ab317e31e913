"""Kubernetes manifests: container ports and HTTP probe paths, but only for a container that
clearly belongs to one component.

A manifest in a repo-level `k8s/` folder may describe any service, so a container is attributed
only when the manifest sits inside that component's folder (and the container is its main one),
when the repo has a single component, or when the container/image/workload name equals exactly
one component's folder name. Anything less certain is skipped rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from yaml.nodes import Node

from launchbay.detectors.deploy_common import (
    Source,
    get,
    image_repo,
    items,
    line_of,
    port_number,
    scalar,
    yaml_docs,
)
from launchbay.detectors.deploy_compose import backing_of
from launchbay.models.profile import Fact

PORT_PRIORITY = 60

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob",
                            "Rollout"})
_PROBES = ("readinessProbe", "livenessProbe", "startupProbe")
# Third-party images that run beside an app (proxies, sidecars, tooling): never the app itself.
_INFRA_IMAGES = frozenset({
    "nginx", "nginx-unprivileged", "traefik", "envoy", "caddy", "haproxy", "busybox", "alpine", "curl",
    "prometheus", "grafana", "cloud-sql-proxy", "opentelemetry-collector", "opentelemetry-collector-contrib",
    "pgbouncer", "memcached", "fluent-bit", "vector",
})


def k8s_facts(src: Source, limit: int, components: tuple[str, ...],
              component_of: Callable[[str], str]) -> Iterator[Fact | None]:
    """Ports and probe paths of the workloads in one manifest file."""
    docs = yaml_docs(src.text, limit)
    if not docs:
        return
    own = component_of(src.rel)
    located = own if own not in ("", ".") else (components[0] if len(components) == 1 else "")
    by_name: dict[str, list[str]] = {}
    for comp in components:
        if comp != ".":
            by_name.setdefault(comp.rsplit("/", 1)[-1].lower(), []).append(comp)
    for doc in docs:
        kind = scalar(get(doc, "kind"))
        if kind not in WORKLOAD_KINDS:
            continue
        pod = get(doc, "spec") if kind == "Pod" else (
            get(doc, "spec", "template", "spec")
            or get(doc, "spec", "jobTemplate", "spec", "template", "spec"))
        containers = items(get(pod, "containers"))
        workload = (scalar(get(doc, "metadata", "name")) or "").lower()
        note = f"kubernetes {kind} {workload}".strip()
        for container in containers:
            subject = _owner(container, len(containers), workload, located, by_name)
            if subject:
                yield from _container_facts(src, subject, container, note)


def _owner(container: Node, count: int, workload: str, located: str, by_name: dict[str, list[str]]) -> str:
    image = scalar(get(container, "image")) or ""
    repo = image_repo(image).rsplit("/", 1)[-1]
    if image and (backing_of(image) or repo.lower() in _INFRA_IMAGES):
        return ""  # a database, cache or proxy container, not the component's own process
    names = {(scalar(get(container, "name")) or "").lower(), repo.lower(), workload}
    names.discard("")
    if located:
        return located if count == 1 or located.rsplit("/", 1)[-1].lower() in names else ""
    matched = {comp for name in names for comp in by_name.get(name, [])}
    return matched.pop() if len(matched) == 1 else ""


def _container_facts(src: Source, subject: str, container: Node, note: str) -> Iterator[Fact | None]:
    seen: set[int] = set()
    for entry in items(get(container, "ports")):
        node = get(entry, "containerPort")
        port = port_number(scalar(node) or "")
        if node is not None and port is not None and port not in seen:
            kind = "extra_port" if seen else "port"  # first containerPort is the service's, as with EXPOSE
            seen.add(port)
            yield src.fact(subject, kind, port, line_of(node), priority=PORT_PRIORITY, note=note)
    for probe in _PROBES:
        node = get(container, probe, "httpGet", "path")
        path = scalar(node)
        if node is not None and path and path.startswith("/"):
            yield src.fact(subject, "health_endpoint", path, line_of(node), note=f"{note} {probe}")
