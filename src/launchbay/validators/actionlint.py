"""actionlint over the generated GitHub Actions workflows (with shellcheck on every `run:` script
when shellcheck is installed: actionlint finds it on PATH, and says so when it cannot)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated

WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")


def workflows(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in generated(root, files) if WORKFLOW.match(f))


class ActionlintValidator:
    name = "actionlint"
    tool: str | None = "actionlint"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(workflows(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = workflows(root, files)
        shellcheck = shutil.which("shellcheck")
        args = [tool.path if tool and tool.path else "actionlint", "-no-color", "-format", "{{json .}}",
                "-pyflakes="]
        args += [f"-shellcheck={shellcheck}"] if shellcheck else ["-shellcheck="]
        proc = run_tool([*args, *targets], cwd=root)
        if proc.returncode not in (0, 1):
            return Result(self.name, "FAIL", f"actionlint exited {proc.returncode}: "
                          + (proc.stderr.strip() or proc.stdout.strip())[:300])
        try:
            raw = json.loads(proc.stdout or "[]") or []
        except ValueError:
            return Result(self.name, "FAIL", "unreadable actionlint output: " + proc.stdout[:300])
        findings: tuple[Finding, ...] = tuple(
            (str(e.get("filepath", "?")), int(e.get("line", 0)), f"{e.get('message', '')} [{e.get('kind', '')}]")
            for e in raw)
        scope = f"{len(targets)} workflow(s)" + ("" if shellcheck else ", run: scripts NOT checked (no shellcheck)")
        if findings or proc.returncode != 0:
            return Result(self.name, "FAIL", f"{len(findings)} finding(s) in {scope}", findings)
        return Result(self.name, "PASS", f"{scope}: no findings")
