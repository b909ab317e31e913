"""The deploy plan as data: ordered steps, each an exact command (argv, never a shell string) or a
smoke test, plus what rollback would run. Printing, executing and the ledger all read this one plan,
so what `launchbay deploy ENV` prints is exactly what `--apply` runs.

A command may capture its output under a name that later argv refer to as `${name}` (the account id
in the registry address, the state bucket, the migration task's ARN); a capture marked secret (the
registry password) is only ever fed to another command's stdin, never printed or recorded.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Phase = Literal["infra", "build", "push", "migrate", "rollout", "smoke"]
PHASES: tuple[Phase, ...] = ("infra", "build", "push", "migrate", "rollout", "smoke")
Strategy = Literal["rolling", "blue-green", "canary"]
STRATEGIES: tuple[Strategy, ...] = ("rolling", "blue-green", "canary")
PLACEHOLDER = re.compile(r"\$\{([a-z][a-z0-9_]*)\}")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


@dataclass(frozen=True)
class Command:
    """One subprocess: argv as run (after `${name}` substitution), optional capture/stdin/expectation."""

    argv: tuple[str, ...]
    capture: str | None = None  # keep the stripped stdout under this name
    secret: bool = False  # the captured value is a credential: never shown or stored
    stdin: str | None = None  # feed this captured value on stdin
    expect: str | None = None  # the stripped stdout must equal this, else the step fails

    def shown(self) -> str:
        text = shlex.join(self.argv)
        if self.stdin:
            text = f"<${{{self.stdin}}} {text}"
        if self.capture:
            text = f"{self.capture}=$({text})"
        if self.expect is not None:
            text += f"  # expect: {self.expect}"
        return text

    def placeholders(self) -> set[str]:
        return {m for arg in self.argv for m in PLACEHOLDER.findall(arg)} | ({self.stdin} if self.stdin else set())


@dataclass(frozen=True)
class SmokeSpec:
    """The smoke test of one HTTP service: where it answers, and what must hold."""

    service: str
    url_variable: str  # the env var that gives the base URL (the CI pipeline uses the same name)
    base_url: str | None
    health_path: str
    version_path: str | None
    critical_paths: tuple[str, ...] = ()

    def shown(self, version: str) -> str:
        where = self.base_url or f"${self.url_variable}"
        parts = [f"GET {where}{self.health_path} → 200"]
        if self.version_path:
            parts.append(f"GET {where}{self.version_path} reports {version}")
        parts += [f"GET {where}{p} → < 400" for p in self.critical_paths]
        return "; ".join(parts)


@dataclass(frozen=True)
class Step:
    """A command, a smoke test, or a note about work a generated script does itself."""

    phase: Phase
    title: str
    command: Command | None = None
    smoke: tuple[SmokeSpec, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Notice:
    """A channel the outcome would be announced on; the webhook comes only from the named env var."""

    channel: str
    env_var: str | None  # None: this channel takes no deploy notices (paging/alerts only)
    configured: bool


@dataclass(frozen=True)
class DeployOptions:
    """What the CLI asked for (every field has the default a plain `launchbay deploy ENV` uses)."""

    version: str | None = None
    strategy: Strategy | None = None
    aws_endpoint: str | None = None
    infra_only: bool = False
    force: bool = False
    targets: tuple[str, ...] = ()  # terraform -target addresses (partial apply: emulators, recovery)
    smoke_urls: dict[str, str] = field(default_factory=dict)
    version_path: str | None = None
    critical_paths: tuple[str, ...] = ()  # "PATH" (first HTTP service) or "SERVICE=PATH"
    smoke_timeout_s: float = 60
    host: str | None = None  # vm: USER@HOST to run deploy.sh on over ssh (None: run it here)


@dataclass(frozen=True)
class DeployPlan:
    """Everything `deploy` would do for one environment and version, in order."""

    project: str
    root: Path
    environment: str
    version: str
    platform: str
    strategy: Strategy
    steps: tuple[Step, ...]
    rollback_version: str | None
    rollback_steps: tuple[Step, ...]
    notices: tuple[Notice, ...]
    gate: str  # why this environment may (or may not) receive this version
    gate_ok: bool
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # what stops --apply before anything runs (the plan still prints)
    infra_only: bool = False

    @property
    def commands(self) -> tuple[Command, ...]:
        return tuple(s.command for s in self.steps if s.command is not None)
