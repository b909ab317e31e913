"""Env vars a docker-compose file expects from the host: `environment:` entries that pass a
variable through (`- X`, `X:`) or interpolate one (`X: ${Y}`, `- X=${Y:-d}`).

Entries with literal values are configuration the file already supplies, so they are not
reported, and their values are never quoted. YAML is composed into nodes (not constructed)
so every entry keeps its exact position in the file.
"""

from __future__ import annotations

import posixpath
import re

import yaml

from launchbay.detectors.envvars_common import NAME, Hit

COMPOSE_NAME = re.compile(r"(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml")
_INTERP = re.compile(r"\$\$|\$\{(?P<b>" + NAME + r")(?P<op>:?[-?+])?|\$(?P<s>" + NAME + r")")
_MERGE_TAG = "tag:yaml.org,2002:merge"


def scan_compose(text: str, compose_dir: str) -> list[tuple[Hit, str | None]]:
    """Each expected variable with the build context of its service (repo-relative), if any."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    services = _get(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return []
    out: list[tuple[Hit, str | None]] = []
    for _, service in services.value:
        if not isinstance(service, yaml.MappingNode):
            continue
        context = _build_context(_get(service, "build"), compose_dir)
        env = _get(service, "environment")
        out.extend((hit, context) for hit in _env_hits(text, env))
    return out


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
            return v
    return None


def _build_context(build: yaml.Node | None, compose_dir: str) -> str | None:
    if isinstance(build, yaml.MappingNode):
        build = _get(build, "context")
    if not isinstance(build, yaml.ScalarNode) or not isinstance(build.value, str) or not build.value:
        return None
    path = posixpath.normpath(posixpath.join(compose_dir, build.value))
    return None if path.startswith("..") or path.startswith("/") or "://" in build.value else path


def _env_hits(text: str, env: yaml.Node | None, depth: int = 0) -> list[Hit]:
    hits: list[Hit] = []
    if depth > 5:
        return hits
    if isinstance(env, yaml.SequenceNode):
        for item in env.value:
            if isinstance(item, yaml.MappingNode):  # merged lists of mappings
                hits.extend(_env_hits(text, item, depth + 1))
            elif isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                key, eq, value = item.value.partition("=")
                if not eq:
                    hits.extend(_bare(text, item, key.strip()))
                else:
                    hits.extend(_interpolated(text, item, value))
    elif isinstance(env, yaml.MappingNode):
        for k, v in env.value:
            if k.tag == _MERGE_TAG or (isinstance(k, yaml.ScalarNode) and k.value == "<<"):
                hits.extend(_env_hits(text, v, depth + 1))
            elif isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode):
                if v.tag == "tag:yaml.org,2002:null" and v.value in {"", "~", "null", "Null", "NULL"}:
                    hits.extend(_bare(text, k, str(k.value).strip()))
                else:
                    hits.extend(_interpolated(text, v, str(v.value)))
    return hits


def _bare(text: str, node: yaml.ScalarNode, name: str) -> list[Hit]:
    """`- X` or `X:` with no value: compose passes the host's X through."""
    if not re.fullmatch(NAME, name):
        return []
    at = text.find(name, node.start_mark.index, max(node.end_mark.index, node.start_mark.index + len(name) + 2))
    if at == -1:
        return []
    return [Hit(name, at, at + len(name))]


def _interpolated(text: str, node: yaml.ScalarNode, value: str) -> list[Hit]:
    """`${Y}`, `${Y:-d}`, `$Y` inside a value (the part after `X=` or `X:`)."""
    hits: list[Hit] = []
    lo, hi = node.start_mark.index, node.end_mark.index
    for m in _INTERP.finditer(value):
        name = m.group("b") or m.group("s")
        if not name:
            continue
        token = "${" + name if m.group("b") else "$" + name
        at = text.find(token, lo, hi)
        if at == -1:
            continue
        lo = at + len(token)
        end = lo + 1 if m.group("b") and text.startswith("}", lo) else lo
        op = (m.group("op") or "").lstrip(":")
        hits.append(Hit(name, at, end, op == "-"))
    return hits
