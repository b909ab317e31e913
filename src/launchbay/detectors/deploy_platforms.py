"""Facts from PaaS configs: fly.toml, railway.json/.toml, render.yaml (and vercel's preset).

These files say how the platform starts and probes the app, so their values rank with other
platform config (priority 70). TOML and JSON carry no line numbers: the evidence line is found
afterwards as the first line naming both the key and the value.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from yaml.nodes import Node

from launchbay.detectors.base import load_toml
from launchbay.detectors.deploy_common import (
    Source,
    get,
    items,
    join_argv,
    line_of,
    port_number,
    scalar,
    yaml_docs,
)
from launchbay.models.profile import Fact

PLATFORM_PRIORITY = 70


_toml = load_toml


def _json(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _line(src: Source, key: str, value: object) -> int | None:
    """First line naming `key` and `value`, else the first naming `key`."""
    needle = value if isinstance(value, str) else json.dumps(value) if isinstance(value, list) else str(value)
    found = src.first_with(key, needle) or src.first_with(key)
    if found is None and isinstance(value, list) and value:
        found = src.first_with(str(value[0]))
    return found


def _emit(src: Source, subject: str, kind: str, value: Any, key: str, **kw: object) -> Fact | None:
    line = _line(src, key, value)
    if line is None:
        return None
    if isinstance(value, list):
        value = join_argv([str(v) for v in value])
    return src.fact(subject, kind, value, line, **kw)


# ---------------------------------------------------------------------------- fly.io
def fly_facts(src: Source, subject: str) -> Iterator[Fact | None]:
    data = _toml(src.text)
    if data is None:
        return
    note = "fly.toml"
    http = _dict(data.get("http_service"))
    services = [http, *_dicts(data.get("services"))] if http else _dicts(data.get("services"))
    for svc in services:
        port = svc.get("internal_port")
        if isinstance(port, int) and port_number(str(port)):
            yield _emit(src, subject, "port", port, "internal_port", priority=PLATFORM_PRIORITY, note=note)
        for check in [*_dicts(svc.get("checks")), *_dicts(svc.get("http_checks"))]:
            yield from _path(src, subject, check.get("path"), note)
    for check in _dict(data.get("checks")).values():
        if isinstance(check, dict):
            yield from _path(src, subject, check.get("path"), note)
    env_port = _dict(data.get("env")).get("PORT")
    if isinstance(env_port, str | int) and port_number(str(env_port)):
        yield _emit(src, subject, "port", int(env_port), "PORT", priority=PLATFORM_PRIORITY,
                    note="fly.toml [env]")
    yield from _fly_command(src, subject, data)


def _fly_command(src: Source, subject: str, data: dict[str, Any]) -> Iterator[Fact | None]:
    """The `app` (or `web`, or only) process group's command, else the legacy `[experimental] cmd`."""
    processes = {k: v for k, v in _dict(data.get("processes")).items() if isinstance(v, str) and v.strip()}
    main = processes.get("app") or processes.get("web")
    if main is None and len(processes) == 1:
        main = next(iter(processes.values()))
    if main is not None:
        yield _emit(src, subject, "start_command", main.strip(), "=", priority=PLATFORM_PRIORITY,
                    note="fly.toml [processes]")
        return
    cmd = _dict(data.get("experimental")).get("cmd")
    valid_list = isinstance(cmd, list) and bool(cmd) and all(isinstance(c, str) for c in cmd)
    if (isinstance(cmd, str) and cmd.strip()) or valid_list:
        yield _emit(src, subject, "start_command", cmd, "cmd", priority=PLATFORM_PRIORITY,
                    note="fly.toml [experimental] cmd")


def _path(src: Source, subject: str, path: object, note: str) -> Iterator[Fact | None]:
    if isinstance(path, str) and path.startswith("/"):
        yield _emit(src, subject, "health_endpoint", path, "path", note=note)


def fly_dockerfile(src: Source) -> str | None:
    """`[build] dockerfile = ...` as a repo path (it names the component the app deploys)."""
    data = _toml(src.text)
    df = _dict(_dict(data).get("build")).get("dockerfile") if data else None
    if not isinstance(df, str):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(src.rel), df))
    return None if joined.startswith("..") else joined


# ---------------------------------------------------------------------------- railway
def railway_facts(src: Source, subject: str) -> Iterator[Fact | None]:
    data = _toml(src.text) if src.rel.endswith(".toml") else _json(src.text)
    if data is None:
        return
    deploy, build = _dict(data.get("deploy")), _dict(data.get("build"))
    note = posixpath.basename(src.rel)
    start = deploy.get("startCommand")
    if isinstance(start, str) and start.strip():
        yield _emit(src, subject, "start_command", start.strip(), "startCommand",
                    priority=PLATFORM_PRIORITY, note=note)
    health = deploy.get("healthcheckPath")
    if isinstance(health, str) and health.startswith("/"):
        yield _emit(src, subject, "health_endpoint", health, "healthcheckPath", note=note)
    build_cmd = build.get("buildCommand")
    if isinstance(build_cmd, str) and build_cmd.strip():
        yield _emit(src, subject, "build_command", build_cmd.strip(), "buildCommand",
                    priority=PLATFORM_PRIORITY, note=note)


# ---------------------------------------------------------------------------- vercel
def vercel_framework(src: Source) -> tuple[int, str] | None:
    """(line, note) for vercel.json's `framework` preset, the only thing we take from it."""
    data = _json(src.text)
    framework = data.get("framework") if data else None
    if not isinstance(framework, str) or not framework:
        return None
    line = _line(src, '"framework"', framework)
    return (line, f"vercel framework preset {framework}") if line else None


# ---------------------------------------------------------------------------- render
def render_facts(src: Source, limit: int, component_of: Callable[[str], str]) -> Iterator[Fact | None]:
    docs = yaml_docs(src.text, limit)
    if not docs:
        return
    services = items(get(docs[0], "services"))
    for svc in services:
        subject = _render_subject(svc, src.rel, component_of, single=len(services) == 1)
        if not subject:
            continue
        name = scalar(get(svc, "name")) or "?"
        note = f"render.yaml service {name}"
        for key, kind, prio in (("startCommand", "start_command", PLATFORM_PRIORITY),
                                ("buildCommand", "build_command", PLATFORM_PRIORITY),
                                ("healthCheckPath", "health_endpoint", 50)):
            node = get(svc, key)
            value = scalar(node)
            if node is not None and value and value.strip():
                value = " ".join(value.split())
                yield src.fact(subject, kind, value, line_of(node), priority=prio, note=note)
        for var in items(get(svc, "envVars")):
            if scalar(get(var, "key")) == "PORT":
                value_node = get(var, "value")
                port = port_number(scalar(value_node) or "")
                if port is not None and value_node is not None:
                    yield src.fact(subject, "port", port, line_of(value_node),
                                   priority=PLATFORM_PRIORITY, note=note)


def _render_subject(svc: Node, rel: str, component_of: Callable[[str], str], *, single: bool) -> str:
    """rootDir, else the Dockerfile's folder, else (for a one-service blueprint) the file's component."""
    base = posixpath.dirname(rel)
    root = scalar(get(svc, "rootDir"))
    dockerfile = scalar(get(svc, "dockerfilePath")) or scalar(get(svc, "dockerContext"))
    for path in (root, dockerfile):
        if path:
            joined = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
            return "" if joined.startswith("..") else component_of(joined)
    return component_of(rel) if single else ""
