"""Shell scripts: `bash -n` (does it parse) and shellcheck (does it do what it looks like), on every
`*.sh` of the kit. Zero findings at every severity is the bar: generated scripts must be clean.

Only the kit's own scripts are checked (see `scope`): a project's own scripts are its own business.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated

_BASH_LINE = re.compile(r"line (\d+):\s*(.*)")


def scripts(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in generated(root, files) if f.endswith(".sh"))


def _bash_syntax(root: Path, script: str) -> list[Finding]:
    bash = shutil.which("bash") or "bash"
    proc = run_tool([bash, "-n", script], cwd=root, timeout=60)
    if proc.returncode == 0:
        return []
    out: list[Finding] = []
    for line in proc.stderr.splitlines():
        match = _BASH_LINE.search(line)
        if match:
            out.append((script, int(match.group(1)), f"bash -n: {match.group(2)}"))
    return out or [(script, 1, f"bash -n: {proc.stderr.strip() or 'exit ' + str(proc.returncode)}")]


def _shellcheck(root: Path, tool: Tool, targets: tuple[str, ...]) -> list[Finding]:
    proc = run_tool([tool.path or tool.name, "--format=json1", "--external-sources", *targets], cwd=root)
    if proc.returncode not in {0, 1}:
        raise RuntimeError(f"shellcheck failed (exit {proc.returncode}): {proc.stderr.strip()[:300]}")
    comments = json.loads(proc.stdout or "{}").get("comments", [])
    return [(str(c["file"]), int(c["line"]), f"SC{c['code']} ({c['level']}): {c['message']}") for c in comments]


class ShellValidator:
    name = "shell"
    tool: str | None = "shellcheck"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(scripts(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = scripts(root, files)
        if not targets:
            return Result(self.name, "FAIL", "no shell script to check")
        findings: list[Finding] = []
        for script in targets:
            findings += _bash_syntax(root, script)
        if tool is not None:
            findings += _shellcheck(root, tool, targets)
        findings.sort()
        return Result(self.name, "FAIL" if findings else "PASS", f"{len(targets)} script(s), bash -n and shellcheck: "
                                         f"{len(findings)} finding(s)", tuple(findings))
