"""promtool over the monitoring kit: `check rules` on every rules file, `test rules` on every unit-test
file, `check config` on prometheus.yml, and a PromQL parse of every Grafana panel query (each
dashboard's queries become recording rules in a temporary file that `check rules` parses, the only
offline PromQL syntax check promtool 2.42 has)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml

from launchbay.models.kit import Finding
from launchbay.renderers.monitoring_dashboards import queries_of
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated, read_text

_LINE = re.compile(r":(\d+):\d+:")
_RULE = re.compile(r"rule (\d+)")


def _kind(path: str) -> str | None:
    parts = path.split("/")
    name = parts[-1]
    if len(parts) >= 3 and parts[-3] == "prometheus" and parts[-2] == "rules" and name.endswith((".yml", ".yaml")):
        return "rules"
    if len(parts) >= 3 and parts[-3] == "prometheus" and parts[-2] == "tests" and name.endswith(("_test.yml",
                                                                                                 "_test.yaml")):
        return "tests"
    if len(parts) >= 2 and parts[-2] == "prometheus" and name in ("prometheus.yml", "prometheus.yaml"):
        return "config"
    if len(parts) >= 3 and parts[-3] == "grafana" and parts[-2] == "dashboards" and name.endswith(".json"):
        return "dashboard"
    return None


def targets(root: Path, files: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {"rules": [], "tests": [], "config": [], "dashboard": []}
    for f in generated(root, files):
        kind = _kind(f)
        if kind:
            out[kind].append(f)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _message(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and "SUCCESS" not in ln and
             not ln.strip().startswith(("Checking", "Unit Testing"))]
    return " | ".join(lines)[:600] or "failed"


def _line(text: str) -> int:
    m = _LINE.search(text)
    return int(m.group(1)) if m else 1


class PromtoolValidator:
    name = "promtool"
    tool: str | None = "promtool"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return any(targets(root, files).values())

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        exe = (tool.path if tool else None) or "promtool"
        found = targets(root, files)
        findings: list[Finding] = []
        checked = 0
        for f in found["rules"]:
            proc = run_tool([exe, "check", "rules", f], cwd=root, timeout=120)
            checked += 1
            if proc.returncode != 0:
                out = proc.stderr + proc.stdout
                findings.append((f, _line(out), f"check rules: {_message(out)}"))
        for f in found["tests"]:
            proc = run_tool([exe, "test", "rules", f], cwd=root, timeout=300)
            checked += 1
            if proc.returncode != 0:
                findings.append((f, 1, f"test rules: {_message(proc.stdout + proc.stderr)}"))
        for f in found["config"]:
            proc = run_tool([exe, "check", "config", f], cwd=root, timeout=120)
            checked += 1
            if proc.returncode != 0:
                out = proc.stderr + proc.stdout
                findings.append((f, _line(out), f"check config: {_message(out)}"))
        queries = 0
        for f in found["dashboard"]:
            text = read_text(root, f)
            if text is None:
                findings.append((f, 1, "unreadable dashboard"))
                continue
            exprs = queries_of(text)
            queries += len(exprs)
            findings += self._queries(exe, f, text, exprs)
        checked += queries
        if checked == 0:
            return Result(self.name, "FAIL", "no rules, tests, config or dashboard query to check")
        findings.sort()
        summary = (f"{len(found['rules'])} rules file(s), {len(found['tests'])} test file(s), "
                   f"{len(found['config'])} config(s), {queries} dashboard queries: {len(findings)} finding(s)")
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))

    def _queries(self, exe: str, path: str, text: str, exprs: list[str]) -> list[Finding]:
        if not exprs:
            return []
        group = {"groups": [{"name": "dashboard-queries", "rules": [
            {"record": f"launchbay:dashboard_query_{i}", "expr": e} for i, e in enumerate(exprs)]}]}
        with tempfile.TemporaryDirectory(prefix="launchbay-promql-") as tmp:
            rules = Path(tmp) / "queries.yml"
            rules.write_text(yaml.safe_dump(group, sort_keys=False), encoding="utf-8")
            proc = run_tool([exe, "check", "rules", str(rules)], cwd=Path(tmp), timeout=120)
        if proc.returncode == 0:
            return []
        out = (proc.stderr + proc.stdout).replace(str(rules), "queries")
        m = _RULE.search(out)
        bad = exprs[int(m.group(1)) - 1] if m and 0 < int(m.group(1)) <= len(exprs) else None
        line = next((i + 1 for i, ln in enumerate(text.splitlines()) if bad and '"expr"' in ln and
                     bad.replace('"', '\\"') in ln), 1)
        return [(path, line, f"PromQL: {_message(out)}")]
