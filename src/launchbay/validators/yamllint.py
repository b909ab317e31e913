"""yamllint (relaxed rules, long lines allowed up to 160) over the generated YAML only — never the
user's own files, and never Helm `templates/` (Go templates, not YAML until rendered)."""

from __future__ import annotations

import re
from pathlib import Path

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated

CONFIG = "{extends: relaxed, rules: {line-length: {max: 160}}}"
PARSABLE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): \[(?P<level>\w+)\] (?P<msg>.*)$")


def yaml_files(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    charts = {f.rsplit("/", 1)[0] for f in files if f.endswith("/Chart.yaml")}
    out = []
    for f in generated(root, files):
        if not f.endswith((".yml", ".yaml")):
            continue
        if any(f.startswith(f"{chart}/templates/") for chart in charts):
            continue
        out.append(f)
    return tuple(out)


class YamllintValidator:
    name = "yamllint"
    tool: str | None = "yamllint"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(yaml_files(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = yaml_files(root, files)
        cmd = tool.path if tool and tool.path else "yamllint"
        proc = run_tool([cmd, "-f", "parsable", "-d", CONFIG, *targets], cwd=root)
        findings: list[Finding] = []
        for line in proc.stdout.splitlines():
            m = PARSABLE.match(line)
            if m:
                findings.append((m["file"], int(m["line"]), f"[{m['level']}] {m['msg']}"))
        if proc.returncode not in (0, 1) and not findings:
            return Result(self.name, "FAIL", f"yamllint exited {proc.returncode}: {proc.stderr.strip()[:300]}")
        if findings:
            return Result(self.name, "FAIL", f"{len(findings)} finding(s) in {len(targets)} file(s)", tuple(findings))
        return Result(self.name, "PASS", f"{len(targets)} file(s): no findings")
