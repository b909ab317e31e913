"""The Validator protocol and a runner for external tools.

Each validator names the tool it needs (as listed by `doctor`), says whether it applies to a kit,
and returns findings with file and line. A missing tool is SKIPPED with its install hint — an error
under --strict. A tool that checked nothing is a failure, not a pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from launchbay.doctor import TOOLS
from launchbay.models.kit import Finding, Status


@dataclass(frozen=True)
class Result:
    validator: str
    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0
    hint: str | None = None


@dataclass(frozen=True)
class Tool:
    """An external executable found on PATH (or not)."""

    name: str
    path: str | None = field(default=None)

    @property
    def hint(self) -> str:
        spec = next((t for t in TOOLS if t.name == self.name), None)
        return spec.install_hint if spec else f"install {self.name}"


def find_tool(name: str) -> Tool:
    return Tool(name=name, path=shutil.which(name))


class Validator(Protocol):
    name: str
    tool: str | None

    def applies(self, root: Path, files: tuple[str, ...]) -> bool: ...

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result: ...


def run_tool(args: list[str], cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
             ) -> subprocess.CompletedProcess[str]:
    """Run a validator tool with no network assumptions and a bounded time."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})
