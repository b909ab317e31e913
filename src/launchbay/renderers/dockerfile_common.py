"""Pieces every generated Dockerfile shares: the build recipe a language module returns, the start
command in exec form, the health check, build arguments and the `.dockerignore` patterns.

Conventions other renderers rely on: the application lives in `/app` (the WORKDIR), runs as uid and
gid `APP_UID`, and a service with a file store (SQLite) keeps it under `/app/data`.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote

from launchbay.envclass import PUBLIC_PREFIXES
from launchbay.models.design import Design, ServicePlan
from launchbay.renderers.dockerfile_bind import bind_all

APP_UID = 10001
APP_DIR = "/app"
DATA_DIR = "/app/data"

Probe = Literal["node", "bun", "python", "busybox"]
# A statically linked busybox every native image carries for its health check (dockerfile_native).
BUSYBOX_PATH = "/usr/local/bin/busybox"
# The one writable scratch path every orchestrator gives the read-only root: ECS (a bind mount that
# copies the image's VOLUME mode), Compose (tmpfs) and Kubernetes (emptyDir) all mount it.
SCRATCH_DIR = "/tmp"


@dataclass(frozen=True)
class Recipe:
    """What a language module hands back: the stages before `runtime`, and what the runtime adds."""

    header: tuple[str, ...]  # comment lines naming the base images and why
    stages: tuple[str, ...]  # the deps and build stages (and any helper stage), as Dockerfile lines
    runtime_image: str
    probe: Probe
    command: tuple[str, ...]  # the start command in exec form
    command_note: str | None = None  # why a shell wraps it, when one does
    bind_note: str | None = None  # why the start command's listening address was changed, when it was
    runtime_env: tuple[tuple[str, str], ...] = ()
    runtime_path: str | None = None  # prepended to PATH
    runtime_copy: tuple[str, ...] = ()
    runtime_steps: tuple[str, ...] = ()  # lines after the copies, still as root (e.g. a RUN fixing a path)
    runtime_setup: tuple[str, ...] = ()  # extra root-only shell steps, chained onto the user creation
    runtime_workdir: str = APP_DIR  # where the start command runs (a workspace member's own folder)
    ignores: tuple[str, ...] = ()  # language-specific .dockerignore patterns
    notes: tuple[str, ...] = field(default=())  # extra header comments (caveats the reader must know)


# --------------------------------------------------------------------------- start command

_SHELL_SYNTAX = re.compile(r"[|&;<>`$*?~(){}\[\]\\\n]|^\s*[A-Za-z_][A-Za-z0-9_]*=")
_COMPOUND = re.compile(r"&&|\|\||[;|&\n]")


def exec_form(command: str) -> tuple[tuple[str, ...], str | None]:
    """The command as an argv for exec-form CMD; a shell only when the command needs one (with why)."""
    if not _SHELL_SYNTAX.search(command):
        try:
            argv = tuple(shlex.split(command))
        except ValueError:
            argv = ()
        if argv:
            return argv, None
    body = command if _COMPOUND.search(command) else f"exec {command}"
    return ("/bin/sh", "-c", body), "the start command uses shell syntax (expansion, operators or globs)"


def json_argv(argv: tuple[str, ...] | list[str]) -> str:
    return json.dumps(list(argv))


def start_argv(command: str, port: int | None) -> tuple[tuple[str, ...], str | None, str | None]:
    """(argv, why a shell runs it, why its listening address changed) for a start command."""
    bound = bind_all(command, port)
    argv, shell = exec_form(bound.command)
    return argv, shell, bound.note


# --------------------------------------------------------------------------- health check

HEALTH_TIMING = "--interval=30s --timeout=5s --start-period=30s --retries=3"


def health_argv(probe: Probe, port: int, path: str | None) -> tuple[str, ...]:
    """A probe with a tool present in the final image: HTTP on the health path, else a TCP connect."""
    # Quoted so the path can sit inside the probe's string literal whatever it contains.
    url = f"http://127.0.0.1:{port}{quote('/' + path.lstrip('/'), safe='/_.~-')}" if path else None
    if probe in {"node", "bun"}:  # bun runs the same script (fetch, node:net, process.exit)
        if url:
            return (probe, "-e", f"fetch('{url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))")
        return (probe, "-e", f"require('node:net').connect({port}, '127.0.0.1')"
                ".on('connect', () => process.exit(0)).on('error', () => process.exit(1))")
    if probe == "python":
        if url:
            return ("python", "-c", f"import urllib.request; urllib.request.urlopen('{url}', timeout=4)")
        return ("python", "-c", f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=4).close()")
    if url:
        # No -T: builds without FEATURE_WGET_TIMEOUT reject it; HEALTHCHECK's own timeout bounds the probe.
        return (BUSYBOX_PATH, "wget", "-q", "-O", "/dev/null", url)
    # busybox's nc has -z (connect, send nothing) with its default netcat-1.10 compatibility.
    return (BUSYBOX_PATH, "nc", "-z", "-w", "4", "127.0.0.1", str(port))


def health_lines(svc: ServicePlan, probe: Probe) -> list[str]:
    """HEALTHCHECK (or an explicit NONE with the reason, so the omission reads as a decision)."""
    if svc.port is None:
        return [f"# No HTTP health check: this {svc.kind} listens on no port. The orchestrator restarts it",
                "# when the process exits; a liveness signal beyond that needs a heartbeat in the code.",
                "HEALTHCHECK NONE"]
    argv = health_argv(probe, svc.port, svc.health_path)
    why = (f"# Health: GET {svc.health_path} on port {svc.port}." if svc.health_path else
           f"# Health: no health route was found, so the check proves port {svc.port} accepts connections.")
    return [why, f"HEALTHCHECK {HEALTH_TIMING} \\", f"  CMD {json_argv(argv)}"]


# --------------------------------------------------------------------------- build-time values

_LOOKS_SECRET = re.compile(r"SECRET|PASSWORD|PASSWD|PRIVATE|TOKEN|API_?KEY|CREDENTIAL|AUTH", re.IGNORECASE)


def build_arg_lines(svc: ServicePlan) -> list[str]:
    """Public build-time values as ARG (visible to RUN in the build stage only, never in the image).

    Only names with a public prefix qualify: anything else wired `build` is listed, not passed."""
    names = sorted(e.name for e in svc.env if e.wiring == "build")
    public = [n for n in names if n.upper().startswith(PUBLIC_PREFIXES)]
    other = [n for n in names if n not in public]
    out: list[str] = []
    if public:
        out.append("# Public build-time values (inlined into the client bundle); pass them with --build-arg.")
    for name in public:
        if _LOOKS_SECRET.search(name):
            out.append("# hadolint ignore=DL3064")  # public by its prefix: the value ships to browsers anyway
        out.append(f"ARG {name}")
    if other:
        out.append(f"# Not passed (no public prefix, may be sensitive): {', '.join(other)}; use a build secret.")
    return out


# --------------------------------------------------------------------------- .dockerignore

COMMON_IGNORES = (
    "# Version control, CI and launchbay's own files",
    ".git",
    ".github",
    ".gitlab-ci.yml",
    ".launchbay",
    "deploy",
    "# Environment files: secrets never enter the build context",
    "**/.env*",
    "# Tests",
    "**/test",
    "**/tests",
    "**/__tests__",
    "**/*.test.*",
    "**/*.spec.*",
    "**/coverage",
    "# Editor and OS noise",
    "**/.DS_Store",
    "**/*.log",
)


def dockerignore_lines(recipe: Recipe) -> list[str]:
    return ["# Generated by launchbay: keeps the build context small and secrets out of image layers.",
            *COMMON_IGNORES, *recipe.ignores]


# --------------------------------------------------------------------------- paths and names


def component_prefix(component: str) -> str:
    return "" if component == "." else f"{component}/"


def all_components(design: Design) -> set[str]:
    return {s.component for s in design.services} | {c for c, _ in design.non_services}


def run(*steps: str) -> list[str]:
    """One RUN with its steps chained by `&&`, one per line."""
    if len(steps) == 1:
        return [f"RUN {steps[0]}"]
    return [f"RUN {steps[0]} \\", *(f" && {s} \\" for s in steps[1:-1]), f" && {steps[-1]}"]


def user_setup(extra: tuple[str, ...]) -> list[str]:
    """The non-root user (fixed uid/gid) and any root-only steps, in one RUN."""
    return run(f"groupadd --system --gid {APP_UID} app",
               f"useradd --system --no-log-init --uid {APP_UID} --gid app --create-home --home-dir /home/app "
               "--shell /usr/sbin/nologin app", *extra)


@dataclass(frozen=True)
class Subject:
    """The service being containerised, with what the Design implies about how to build it."""

    svc: ServicePlan
    design: Design
    runtime: str  # node | python | go | rust
    manager: str
    workspace: bool  # a pnpm workspace member: built from the repository root

    @property
    def component(self) -> str:
        return self.svc.component

    @property
    def build_command(self) -> str | None:
        return self.svc.runtime.build_command if self.svc.runtime else None

    @property
    def runtime_version(self) -> str | None:
        return self.svc.runtime.runtime_version if self.svc.runtime else None

    @property
    def file_store(self) -> bool:
        return any(s.role == "file" and self.svc.name in s.used_by for s in self.design.data_stores)

    @property
    def port_env(self) -> tuple[tuple[str, str], ...]:
        return (("PORT", str(self.svc.port)),) if self.svc.port is not None else ()

    def mentions(self, tool: str) -> bool:
        """Whether the build or start command runs `tool` (e.g. next), for framework-specific settings."""
        commands = (self.build_command or "", self.svc.start_command or "")
        return any(re.search(rf"(?:^|[\s/]){re.escape(tool)}(?:\s|$)", c) for c in commands)
