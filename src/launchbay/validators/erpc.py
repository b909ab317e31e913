"""eRPC gateway configs: every generated `erpc/erpc.yaml` (and the copy a Kubernetes ConfigMap embeds)
against a strict model of eRPC 0.1.2's config types plus its load-time rules (`erpc_schema`), and the
file-wide rule that comes from eRPC running `os.ExpandEnv` over the raw text before parsing: a `$` may only
start a `${NAME}` reference, and a value holding one must be double-quoted (a substituted key with `:` or
`{` in it would otherwise break the YAML).

Why not eRPC's own `erpc validate`: its binary is not in any registry these machines reach (the npm CLI
downloads it at install time), and its TypeScript types package is not published to the npm registry we
reach; so this is a pure-Python check, sourced field by field from eRPC's repository (see erpc_schema).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool
from launchbay.validators.compose import path_line
from launchbay.validators.erpc_schema import ErpcConfig, semantic_errors
from launchbay.validators.scope import generated, read_text

_DOLLAR = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\})?")


def config_files(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in generated(root, files) if f.endswith("/erpc/erpc.yaml") or f == "erpc/erpc.yaml")


def configmap_files(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    """Kubernetes manifests that embed an eRPC config (ConfigMap key `erpc.yaml`)."""
    out = []
    for f in generated(root, files):
        if "/kubernetes/" in f"/{f}" and f.endswith((".yaml", ".yml")):
            text = read_text(root, f) or ""
            if "erpc.yaml:" in text:
                out.append(f)
    return tuple(out)


def _loc_path(loc: tuple[Any, ...]) -> str:
    parts = ["$"]
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    return "".join(parts)


def _dollar_findings(name: str, text: str, base_line: int = 0) -> list[Finding]:
    out: list[Finding] = []
    for n, line in enumerate(text.splitlines(), start=1):
        for match in _DOLLAR.finditer(line):
            if match.group(1) is None:
                out.append((name, base_line + n, "bare '$': eRPC expands $NAME in the whole file before parsing "
                                                 "(use ${NAME} only for environment references)"))
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, yaml.MappingNode):
            stack.extend(v for pair in cur.value for v in pair)
        elif isinstance(cur, yaml.SequenceNode):
            stack.extend(cur.value)
        elif isinstance(cur, yaml.ScalarNode) and "${" in cur.value and cur.style != '"':
            out.append((name, base_line + cur.start_mark.line + 1,
                        "an environment reference must be double-quoted: its value is substituted before parsing"))
    return out


def check_text(name: str, text: str, base_line: int = 0) -> list[Finding]:
    """Findings for one eRPC config text (line numbers offset by `base_line` when embedded)."""
    findings = _dollar_findings(name, text, base_line)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [*findings, (name, base_line + (mark.line + 1 if mark else 1), f"YAML: {exc}")]
    if not isinstance(data, dict):
        return [*findings, (name, base_line + 1, "an eRPC config is a mapping")]
    try:
        cfg = ErpcConfig.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            path = _loc_path(tuple(err["loc"]))
            findings.append((name, base_line + path_line(text, path), f"{path}: {err['msg']}"))
        return findings
    for path, message in semantic_errors(cfg):
        findings.append((name, base_line + path_line(text, path), f"{path}: {message}"))
    return findings


def _embedded(root: Path, name: str) -> tuple[list[Finding], int]:
    text = read_text(root, name) or ""
    findings: list[Finding] = []
    count = 0
    try:
        docs = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return [(name, 1, f"YAML: {exc}")], 0
    for doc in docs:
        if not isinstance(doc, yaml.MappingNode):
            continue
        mapping = {k.value: v for k, v in doc.value if isinstance(k, yaml.ScalarNode)}
        kind = mapping.get("kind")
        data = mapping.get("data")
        if not (isinstance(kind, yaml.ScalarNode) and kind.value == "ConfigMap" and isinstance(data, yaml.MappingNode)):
            continue
        for key, value in data.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "erpc.yaml" and isinstance(value, yaml.ScalarNode):
                count += 1
                # a literal block's content starts on the line after its key
                findings += check_text(name, value.value, value.start_mark.line + (1 if value.style == "|" else 0))
    return findings, count


class ErpcValidator:
    name = "erpc"
    tool: str | None = None

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(config_files(root, files) or configmap_files(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        findings: list[Finding] = []
        checked = 0
        for name in config_files(root, files):
            findings += check_text(name, read_text(root, name) or "")
            checked += 1
        for name in configmap_files(root, files):
            more, count = _embedded(root, name)
            findings += more
            checked += count
        if not checked:
            return Result(self.name, "FAIL", "no eRPC config to check")
        findings.sort()
        return Result(self.name, "FAIL" if findings else "PASS",
                      f"{checked} eRPC config(s) against eRPC 0.1.2's config types and load rules: "
                      f"{len(findings)} finding(s)", tuple(findings))
