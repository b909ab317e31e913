"""Compose files against the Compose Specification schema (`check-jsonschema --builtin-schema
vendor.compose-spec`), findings mapped back from the schema's JSON path to the file's line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated

_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:\.[A-Za-z0-9_-]+)?\.ya?ml$")
_STEP = re.compile(r"""\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]""")


def compose_files(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in generated(root, files) if _COMPOSE_NAME.match(f.rsplit("/", 1)[-1]))


def path_line(text: str, path: str) -> int:
    """The 1-based line of the node a JSON path like `$.services['a.b'].ports[0]` names (1 if unknown)."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for match in _STEP.finditer(path.removeprefix("$")):
        if node is None:
            break
        line = node.start_mark.line + 1
        key, index = match.group(1) or match.group(3) or match.group(4), match.group(2)
        if index is not None and isinstance(node, yaml.SequenceNode):
            i = int(index)
            node = node.value[i] if i < len(node.value) else None
        elif key is not None and isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            if node is None:
                break
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


class ComposeValidator:
    name = "compose"
    tool: str | None = "check-jsonschema"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(compose_files(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = compose_files(root, files)
        if not targets:
            return Result(self.name, "FAIL", "no compose file to check")
        exe = (tool.path if tool else None) or "check-jsonschema"
        proc = run_tool([exe, "--builtin-schema", "vendor.compose-spec", "-o", "json", *targets], cwd=root)
        try:
            report = json.loads(proc.stdout)
        except ValueError:
            return Result(self.name, "FAIL", f"check-jsonschema failed (exit {proc.returncode}): "
                                             f"{(proc.stderr or proc.stdout).strip()[:300]}")
        findings: list[Finding] = []
        for err in report.get("parse_errors", []):
            findings.append((str(err.get("filename", "?")), 1, f"parse error: {err.get('message', '')}"))
        for err in report.get("errors", []):
            name = str(err.get("filename", "?"))
            try:
                text = (root / name).read_text(encoding="utf-8")
            except OSError:
                text = ""
            findings.append((name, path_line(text, str(err.get("path", "$"))),
                             f"{err.get('path', '$')}: {err.get('message', '')}"))
        if proc.returncode != 0 and not findings:
            findings.append((targets[0], 1, f"check-jsonschema exit {proc.returncode}: {proc.stderr.strip()[:300]}"))
        findings.sort()
        return Result(self.name, "FAIL" if findings else "PASS",
                      f"{len(targets)} compose file(s) against the Compose Specification: {len(findings)} finding(s)",
                      tuple(findings))
