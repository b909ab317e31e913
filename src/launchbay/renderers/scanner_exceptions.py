"""`<docs_root>/scanner-exceptions.md`: every scanner check the kit deliberately skips, where and why.

One source of truth: a skip lives in the generated file next to what it skips, with its reason —
the text the scanner itself honours (`#checkov:skip=ID:reason` in HCL, `# checkov:skip=ID:reason` in
YAML, `#trivy:ignore:ID` under a `# trivy ID: reason` comment, a chart's `scannerSkips` values that
become `checkov.io/skipN` annotations, `.trivyignore` files). This page is read back from the rendered
files, so it cannot list a skip the kit does not make nor miss one it does. The validators pass no
skip list of their own to the scanners (a test holds them to that), so nothing is skipped elsewhere.

The page is derived from the other renderers' output, so `generate.render_kit` builds it after them
(`exceptions_file`), from the Design plus those files — never from the repo or the answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.terraform_docs import skips_of

PAGE = "scanner-exceptions.md"
YAML_CHECKOV = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?$")
YAML_TRIVY = re.compile(r"^\s*#\s*trivy:ignore:([A-Z0-9-]+)\s*$")
TRIVY_REASON = re.compile(r"^\s*#\s*(?:trivy\s+)?(?P<id>[A-Z0-9-]+):\s*(?P<reason>.+)$")
TRIVY_ID = re.compile(r"^\s*(?P<id>(?:AVD|KSV|KCV|DS|AWS)[A-Z0-9-]*)\s*$")


@dataclass(frozen=True)
class ScannerSkip:
    tool: str
    check: str
    reason: str
    path: str
    line: int


def exceptions_of(files: Mapping[str, str]) -> list[ScannerSkip]:
    """Every scanner skip the rendered files make, with its reason ("" when none is written)."""
    out = [ScannerSkip(s.tool, s.check, s.reason, s.path, s.line) for s in skips_of(dict(files))]
    for path in sorted(files):
        text = files[path]
        name = PurePosixPath(path).name
        if path.endswith(".tf"):
            continue  # read above, by the same parser the Terraform README uses
        if name == ".trivyignore":
            out += _trivyignore(path, text)
            continue
        if path.endswith((".md", ".json")):
            continue  # docs describe skips, they do not make them
        lines = text.splitlines()
        for n, line in enumerate(lines, 1):
            if m := YAML_CHECKOV.search(line):
                out.append(ScannerSkip("checkov", m.group(1), (m.group(2) or "").strip(), path, n))
            elif m := YAML_TRIVY.match(line):
                out.append(ScannerSkip("trivy", m.group(1), _reason_above(lines, n - 1, m.group(1)), path, n))
        if path.endswith((".yml", ".yaml")) and "scannerSkips" in text and "/templates/" not in path:
            out += _values_skips(path, text)
    return out


def _reason_above(lines: list[str], index: int, check: str) -> str:
    """The `# trivy ID: reason` (or `# ID: reason`) comment in the comment block above line `index`."""
    back = index - 1
    while back >= 0 and lines[back].lstrip().startswith("#"):
        c = TRIVY_REASON.match(lines[back])
        if c and c["id"] == check:
            return c["reason"].strip()
        back -= 1
    return ""


def _trivyignore(path: str, text: str) -> list[ScannerSkip]:
    """`.trivyignore`: one ID a line, its reason a `# ID: reason` comment above it."""
    lines = text.splitlines()
    return [ScannerSkip("trivy", m["id"], _reason_above(lines, n - 1, m["id"]), path, n)
            for n, line in enumerate(lines, 1) if (m := TRIVY_ID.match(line))]


def _values_skips(path: str, text: str) -> list[ScannerSkip]:
    """A chart's `scannerSkips: {tool: [{id, reason}]}` values (templates turn them into annotations)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    out: list[ScannerSkip] = []
    lines = text.splitlines()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "scannerSkips" and isinstance(value, dict):
                    for tool, items in value.items():
                        for item in items or []:
                            if isinstance(item, dict) and item.get("id"):
                                check = str(item["id"])
                                line = next((n for n, x in enumerate(lines, 1) if check in x), 1)
                                out.append(ScannerSkip(str(tool), check, str(item.get("reason") or "").strip(),
                                                      path, line))
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(data)
    return out


@cache
def _environment() -> Environment:
    """One environment per process: Jinja compiles the template once, not on every generate."""
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/docs"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["cell"] = lambda v: str(v).replace("|", "\\|")
    return env


def exceptions_file(design: Design, files: Mapping[str, str]) -> KitFile:
    """The page, grouping each (tool, check, reason) with every place it is made."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for e in exceptions_of(files):
        grouped.setdefault((e.tool, e.check, e.reason), []).append(f"`{e.path}:{e.line}`")
    text = _environment().get_template(PAGE + ".j2").render(d=design, rows=sorted(grouped.items()),
                                                 tools=sorted({tool for tool, _, _ in grouped}))
    body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
    return KitFile(path=f"{design.docs_root}/{PAGE}", content=body)
