"""docker compose facts: which component each built service is, its port, command and health
check, and the databases/queues the stack runs next to it.

A service belongs to the component at its `build` context (a service that only pulls an image
is not one of ours). Backing services are the image-only services whose image is a known
database, cache, queue or store; they are attributed to the components that `depends_on` them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from yaml.nodes import Node

from launchbay.detectors.deploy_common import (
    Source,
    command_of,
    expand,
    get,
    image_repo,
    items,
    line_of,
    pairs,
    port_number,
    scalar,
    url_path,
    yaml_docs,
)
from launchbay.models.profile import Fact

PORT_PRIORITY = 55
START_PRIORITY = 55

# Image repositories (registry and tag stripped) that are a backing service, by canonical name.
_BACKING_EXACT = {
    "postgres": "postgres", "postgis/postgis": "postgres", "bitnami/postgresql": "postgres",
    "supabase/postgres": "postgres", "timescale/timescaledb": "postgres", "pgvector/pgvector": "postgres",
    "timescale/timescaledb-ha": "postgres",
    "mysql": "mysql", "mariadb": "mysql", "bitnami/mysql": "mysql", "bitnami/mariadb": "mysql",
    "redis": "redis", "valkey/valkey": "redis", "bitnami/redis": "redis", "bitnami/valkey": "redis",
    "redis/redis-stack": "redis", "redis/redis-stack-server": "redis", "eqalpha/keydb": "redis",
    "mongo": "mongodb", "bitnami/mongodb": "mongodb", "mongodb/mongodb-community-server": "mongodb",
    "rabbitmq": "rabbitmq", "bitnami/rabbitmq": "rabbitmq",
    "bitnami/kafka": "kafka", "apache/kafka": "kafka", "confluentinc/cp-kafka": "kafka",
    "confluentinc/cp-server": "kafka",
    "nats": "nats", "bitnami/nats": "nats",
    "minio/minio": "s3", "bitnami/minio": "s3",
    "ipfs/kubo": "ipfs", "ipfs/go-ipfs": "ipfs",
}


def backing_of(image: str) -> str | None:
    return _BACKING_EXACT.get(image_repo(image).lower())


@dataclass
class Service:
    name: str
    node: Node
    component: str = ""
    dockerfile: str | None = None
    backing: str | None = None
    image_line: int = 0


@dataclass
class ComposeResult:
    facts: list[Fact | None] = field(default_factory=list)
    # Dockerfile path -> the component compose builds it for.
    dockerfiles: dict[str, str] = field(default_factory=dict)


def compose_facts(src: Source, limit: int, component_of: Callable[[str], str]) -> ComposeResult:
    """Facts for one compose file (nothing when it is not valid YAML with a `services` map)."""
    out = ComposeResult()
    docs = yaml_docs(src.text, limit)
    if not docs:
        return out
    base = posixpath.dirname(src.rel)
    services = [_service(name, node, base, component_of) for name, _, node in pairs(get(docs[0], "services"))]
    for svc in services:
        if svc.dockerfile and svc.component:
            out.dockerfiles.setdefault(svc.dockerfile, svc.component)
        if svc.component:
            out.facts.extend(_service_facts(src, svc))
    out.facts.extend(_backing_facts(src, services))
    return out


def _inside(base: str, path: str) -> str | None:
    """`path` (relative to the compose file's folder) as a repo path; None when it leaves the repo."""
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined.startswith("../") or joined == ".." or posixpath.isabs(joined):
        return None
    return joined


def _service(name: str, node: Node, base: str, component_of: Callable[[str], str]) -> Service:
    svc = Service(name=name, node=node)
    build = get(node, "build")
    context = scalar(build)
    dockerfile = None
    if build is not None and context is None:
        context = scalar(get(build, "context")) or "."
        dockerfile = scalar(get(build, "dockerfile"))
    if context is not None and "://" not in context and not context.startswith("git@"):
        ctx_path = _inside(base, context)
        if ctx_path is not None:
            svc.component = component_of(ctx_path)
            df_path = _inside(ctx_path if ctx_path != "." else "", dockerfile or "Dockerfile")
            if df_path is not None:
                svc.dockerfile = df_path
                # A root context with `dockerfile: apps/api/Dockerfile` builds the deeper component.
                deeper = component_of(df_path)
                own = svc.component
                nested = own in (".", "") or deeper.startswith(own + "/")
                if dockerfile and deeper and deeper != own and nested:
                    svc.component = deeper
    image = get(node, "image")
    if build is None and scalar(image):
        svc.backing = backing_of(scalar(image) or "")
        svc.image_line = line_of(image) if image is not None else 0
    return svc


def _service_facts(src: Source, svc: Service) -> Iterator[Fact | None]:
    note = f"compose service {svc.name}"
    seen: set[int] = set()
    for entry in items(get(svc.node, "ports")):
        port = _container_port(entry)
        if port is not None and port not in seen:
            # Like EXPOSE: the first mapping is the service port, the rest are extra ports.
            kind = "extra_port" if seen else "port"
            seen.add(port)
            yield src.fact(svc.component, kind, port, line_of(entry), priority=PORT_PRIORITY, note=note)
    command = get(svc.node, "command")
    entrypoint = get(svc.node, "entrypoint")
    value = " ".join(v for v in (command_of(entrypoint), command_of(command)) if v)
    if value:
        for node in (entrypoint, command):
            if node is not None:
                yield src.fact(svc.component, "start_command", value, line_of(node),
                               priority=START_PRIORITY, note=note)
    test = get(svc.node, "healthcheck", "test")
    if test is not None:
        text = scalar(test) or " ".join(scalar(n) or "" for n in items(test))
        path = url_path(text)
        if path:
            yield src.fact(svc.component, "health_endpoint", path, line_of(test), note=note)


def _container_port(entry: Node) -> int | None:
    """"8080:3000" / "127.0.0.1:8080:3000/tcp" / 3000 / {target: 3000} -> the container port."""
    target = get(entry, "target")
    text = scalar(target) if target is not None else scalar(entry)
    if text is None:
        return None
    # `${HOST_PORT:-8080}:3000`: defaults filled in first, then the last ':' part is the container side.
    text = expand(text, {})
    return port_number(text.rsplit(":", 1)[-1])


def _depends(node: Node) -> list[tuple[str, int]]:
    """Names in `depends_on` (list or map form) with the line each is named on."""
    dep = get(node, "depends_on")
    named = [(scalar(n), line_of(n)) for n in items(dep)]
    named += [(k, line_of(kn)) for k, kn, _ in pairs(dep)]
    return [(n, line) for n, line in named if n]


def _backing_facts(src: Source, services: list[Service]) -> Iterator[Fact | None]:
    backing = {s.name: s for s in services if s.backing}
    used: set[str] = set()
    for svc in services:
        if not svc.component:
            continue
        for dep, line in _depends(svc.node):
            target = backing.get(dep)
            if target is None or target.backing is None:
                continue
            used.add(dep)
            yield src.fact(svc.component, "backing_service", target.backing, line,
                           note=f"compose service {dep} ({target.backing})")
    for name, svc in backing.items():
        if name not in used and svc.backing:
            yield src.fact("", "backing_service", svc.backing, svc.image_line, detail="compose service",
                           note=f"compose service {name}")
