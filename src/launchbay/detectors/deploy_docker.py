"""Dockerfile facts: what the image runs (CMD/ENTRYPOINT), listens on (EXPOSE), probes
(HEALTHCHECK) and is built from (FROM).

Only the final stage matters for what runs, so the parser keeps stages apart and follows
`FROM <earlier stage>` chains the way Docker does (a stage inherits CMD/ENTRYPOINT/EXPOSE from
the stage it starts from). The runtime version falls back to a build stage because the final
stage of a Go or Rust image is usually `scratch`, `alpine` or distroless.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

from launchbay.detectors.deploy_common import (
    Source,
    expand,
    image_repo,
    image_tag,
    join_argv,
    port_number,
    url_path,
)
from launchbay.detectors.deploy_scripts import (
    Heredoc,
    destination,
    in_workdir,
    last_process,
    port_flags,
    script_of,
)
from launchbay.models.profile import Fact
from launchbay.versions import version_tuple

START_PRIORITY = 60
PORT_PRIORITY = 60
RUNTIME_PRIORITY = 50
SATISFIES_PRIORITY = 25  # below FALLBACK_PRIORITY: shown only when nothing explicit exists
_DEV_PENALTY = 15

_ESCAPE_DIRECTIVE = re.compile(r"#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_OP = re.compile(r"([A-Za-z]+)(?:\s+|$)")
_HEREDOC_OPS = frozenset({"RUN", "COPY", "ADD"})
_HEREDOC = re.compile(r"<<(-?)\s*[\"']?([A-Za-z_]\w*)[\"']?")
_AS = re.compile(r"\s+as\s+(\S+)\s*$", re.IGNORECASE)
_HC_CMD = re.compile(r"\bCMD\b", re.IGNORECASE)

# Official images whose repository name is the runtime, and the name we report it under.
_RUNTIMES = {"node": "node", "python": "python", "golang": "go", "rust": "rust", "bun": "bun", "deno": "deno"}
_VERSION = re.compile(r"v?(\d+(?:\.\d+)*)")
_DISTROLESS_NODE = re.compile(r"nodejs(\d+)(?:-|$)")
_UV_PYTHON = re.compile(r"python(3\.\d+)")


@dataclass
class Instr:
    """One instruction with its continuation lines joined; `line` is where it starts.

    `heredocs` are its inline documents (`COPY <<EOF /entrypoint.sh`); their bodies are filled in
    as the lines after the instruction are read."""

    op: str
    args: str
    line: int
    heredocs: list[Heredoc] = field(default_factory=list)


@dataclass
class Stage:
    image: str
    name: str
    line: int
    parent: int | None = None
    instrs: list[Instr] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    scripts: dict[str, Heredoc] = field(default_factory=dict)  # absolute path -> inline script

    def last(self, op: str) -> Instr | None:
        return next((i for i in reversed(self.instrs) if i.op == op), None)


def parse(text: str) -> list[Stage]:
    """The stages of a Dockerfile, with ARG defaults and ENV values substituted into FROM/EXPOSE."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for ins in _instructions(text):
        if ins.op == "FROM":
            stages.append(_stage(ins, global_args, stages))
        elif not stages:
            if ins.op == "ARG":
                global_args.update(_arg(ins.args, {}))
        else:
            stage = stages[-1]
            stage.instrs.append(ins)
            if ins.op == "ARG":
                stage.env.update(_arg(ins.args, global_args))
            elif ins.op == "ENV":
                stage.env.update(_env(ins.args))
            elif ins.op == "WORKDIR" and ins.args:
                stage.workdir = in_workdir(expand(ins.args.strip().strip("\"'"), stage.env), stage.workdir)
            elif len(ins.heredocs) == 1:
                dest = destination(ins.op, ins.args)
                if dest:
                    stage.scripts[in_workdir(dest, stage.workdir)] = ins.heredocs[0]
    return stages


def _instructions(text: str) -> Iterator[Instr]:
    """Instructions with `\\` continuations joined, comments dropped and heredoc bodies skipped."""
    escape = "\\"
    for raw in text.split("\n")[:5]:
        m = _ESCAPE_DIRECTIVE.match(raw.strip())
        if m and m.group(1) in "\\`":
            escape = m.group(1)
    parts: list[str] = []
    start = 0
    heredocs: list[tuple[Heredoc, bool]] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        if heredocs:
            doc, dash = heredocs[0]
            if (raw.lstrip("\t") if dash else raw) == doc.name:
                heredocs.pop(0)
            else:
                doc.lines.append((no, raw))
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not parts:
            start = no
        body = raw.rstrip()
        if body.endswith(escape):
            parts.append(body[:-1].strip())
            continue
        parts.append(body.strip())
        ins = _joined(parts, start)
        parts = []
        if ins is not None:
            if ins.op in _HEREDOC_OPS:
                heredocs = [(Heredoc(h.group(2)), h.group(1) == "-") for h in _HEREDOC.finditer(ins.args)]
                ins.heredocs = [doc for doc, _ in heredocs]
            yield ins
    last = _joined(parts, start)  # a continuation left open at the end of the file
    if last is not None:
        yield last


def _joined(parts: list[str], start: int) -> Instr | None:
    m = _OP.match(" ".join(p for p in parts if p))
    if m is None:
        return None
    return Instr(m.group(1).upper(), m.string[m.end():].strip(), start)


def _stage(ins: Instr, global_args: dict[str, str], stages: list[Stage]) -> Stage:
    args = " ".join(t for t in ins.args.split() if not t.startswith("--"))
    name = ""
    m = _AS.search(args)
    if m:
        name = m.group(1).lower()
        args = args[: m.start()]
    image = expand(args.strip(), global_args)
    named = [i for i, st in enumerate(stages) if st.name and st.name == image.lower()]
    parent = named[-1] if named else None
    env = dict(stages[parent].env) if parent is not None else {}
    stage = Stage(image=image, name=name, line=ins.line, parent=parent, env=env)
    if parent is not None:
        stage.workdir, stage.scripts = stages[parent].workdir, dict(stages[parent].scripts)
    return stage


def _arg(args: str, known: dict[str, str]) -> dict[str, str]:
    name, eq, default = args.strip().partition("=")
    name = name.strip()
    if eq:
        return {name: default.strip().strip("\"'")}
    return {name: known[name]} if name in known else {}


def _env(args: str) -> dict[str, str]:
    try:
        tokens = shlex.split(args)
    except ValueError:
        return {}
    if not tokens:
        return {}
    if "=" not in tokens[0]:
        return {tokens[0]: " ".join(tokens[1:])}
    return dict(t.split("=", 1) for t in tokens if "=" in t)


def _chain(stages: list[Stage]) -> list[Stage]:
    """The final stage and the stages it starts from, final first."""
    out: list[Stage] = []
    idx: int | None = len(stages) - 1
    while idx is not None and len(out) < len(stages):
        out.append(stages[idx])
        idx = stages[idx].parent
    return out


# ---------------------------------------------------------------------------- facts
def dockerfile_facts(
    src: Source, subject: str, *, dev: bool, minimums: dict[str, str] | None = None
) -> Iterator[Fact | None]:
    """start_command, port, health_endpoint and runtime_version for the image's component.

    `minimums` are versions the component's manifest declares as a floor (go.mod's `go 1.18`):
    a base image that satisfies one (`golang:1.18.2`) is reported below the fallback line, so
    the two never show as a conflict; an image older than the floor still does."""
    stages = parse(src.text)
    if not stages:
        return
    chain = _chain(stages)
    penalty = _DEV_PENALTY if dev else 0
    note = "development Dockerfile" if dev else None
    yield from _start(src, subject, chain, START_PRIORITY - penalty, note)
    yield from _ports(src, subject, chain, PORT_PRIORITY - penalty, note)
    yield from _health(src, subject, chain)
    yield from _runtime(src, subject, stages, chain, RUNTIME_PRIORITY - penalty, minimums or {})


def _argv(ins: Instr) -> list[str] | None:
    """The exec-form list of CMD/ENTRYPOINT, or None for shell form."""
    if not ins.args.startswith("["):
        return None
    try:
        value = json.loads(ins.args)
    except ValueError:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    return None


def _effective(chain: list[Stage]) -> tuple[Instr | None, Instr | None]:
    """(ENTRYPOINT, CMD) in effect: a stage that sets ENTRYPOINT drops a CMD it inherited."""
    entry: Instr | None = None
    cmd: Instr | None = None
    entry_done = cmd_done = False
    for stage in chain:
        own_entry, own_cmd = stage.last("ENTRYPOINT"), stage.last("CMD")
        if not entry_done and own_entry is not None:
            entry, entry_done = own_entry, True
            if not cmd_done:
                cmd, cmd_done = own_cmd, True
        if not cmd_done and own_cmd is not None:
            cmd, cmd_done = own_cmd, True
        if entry_done and cmd_done:
            break
    return entry, cmd


def _start(
    src: Source, subject: str, chain: list[Stage], priority: int, note: str | None
) -> Iterator[Fact | None]:
    entry, cmd = _effective(chain)
    used = [i for i in (entry, cmd) if i is not None]
    entry_argv = _argv(entry) if entry is not None else None
    cmd_argv = _argv(cmd) if cmd is not None else None
    cmd_text = (join_argv(cmd_argv) if cmd_argv is not None else cmd.args) if cmd is not None else ""
    if entry is None:
        value = cmd_text
    elif entry_argv is None:
        value, used = entry.args, [entry]  # shell-form ENTRYPOINT ignores CMD
    else:
        value = " ".join(p for p in (join_argv(entry_argv), cmd_text) if p)
    if not value.strip():
        return
    if len(used) == 2:
        note = "; ".join(n for n in (note, "ENTRYPOINT and CMD combined") if n)
    inline = _inline_script(chain, entry_argv, entry, cmd_argv, cmd_text)
    if inline is not None:
        value, path, proc_line = inline
        note = "; ".join(n for n in (note, f"what the inline script {path} runs") if n)
        yield src.fact(subject, "start_command", value, proc_line, priority=priority, note=note)
        for port in port_flags(value):
            yield src.fact(subject, "port", port, proc_line, priority=priority, note="set in the start command")
    for ins in used:
        yield src.fact(subject, "start_command", value.strip(), ins.line, priority=priority, note=note)


def _inline_script(
    chain: list[Stage], entry_argv: list[str] | None, entry: Instr | None, cmd_argv: list[str] | None, cmd_text: str
) -> tuple[str, str, int] | None:
    """(command, script path, body line) when the image starts a heredoc-written script.

    A script ending in `exec "$@"` hands over to CMD, which is then the command."""
    if entry is not None:
        argv = entry_argv if entry_argv is not None else _words(entry.args)
    else:
        argv = cmd_argv if cmd_argv is not None else _words(cmd_text)
    found = script_of(argv)
    if found is None:
        return None
    path = in_workdir(found[0], chain[0].workdir)
    doc = chain[0].scripts.get(path)
    proc = last_process(doc.lines) if doc is not None else None
    if proc is None:
        return None
    command = proc.command
    if proc.hands_over:
        if entry is None or not cmd_text.strip():
            return None
        command = cmd_text.strip()
    elif "$@" in command:  # `exec node server.js "$@"`: CMD's words are the arguments
        args = cmd_text.strip() if entry is not None else ""
        command = " ".join(args if w in ('"$@"', "$@") else w for w in command.split(" ")).strip()
        command = " ".join(command.split())
    return command, path, proc.line


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def _ports(
    src: Source, subject: str, chain: list[Stage], priority: int, note: str | None
) -> Iterator[Fact | None]:
    """The first EXPOSEd port is the service's `port`; any others (a metrics or websocket port,
    `EXPOSE 8899 8900`) are `extra_port`s, so one image never conflicts with itself."""
    seen: set[int] = set()
    for stage in chain:
        for ins in stage.instrs:
            if ins.op != "EXPOSE":
                continue
            for token in ins.args.split():
                port = port_number(expand(token, chain[0].env | stage.env))
                if port is not None and port not in seen:
                    kind = "extra_port" if seen else "port"
                    seen.add(port)
                    yield src.fact(subject, kind, port, ins.line, priority=priority, note=note)


def _health(src: Source, subject: str, chain: list[Stage]) -> Iterator[Fact | None]:
    for stage in chain:
        ins = stage.last("HEALTHCHECK")
        if ins is None:
            continue
        m = _HC_CMD.search(ins.args)
        path = url_path(ins.args[m.end():]) if m else None
        if path:
            yield src.fact(subject, "health_endpoint", path, ins.line, note="Dockerfile HEALTHCHECK")
        return


def runtime_of(image: str) -> str | None:
    """"node:20-alpine" -> "node 20"; images that are not a language runtime -> None."""
    repo = image_repo(image).lower()
    last = repo.rsplit("/", 1)[-1]
    tag = image_tag(image)
    m = _DISTROLESS_NODE.match(last)
    if m:
        return f"node {m.group(1)}"
    if last == "uv":
        m = _UV_PYTHON.search(tag)
        return f"python {m.group(1)}" if m else None
    runtime = _RUNTIMES.get(last)
    if runtime is None:
        return None
    m = _VERSION.match(tag)
    return f"{runtime} {m.group(1)}" if m else None


def _runtime(
    src: Source, subject: str, stages: list[Stage], chain: list[Stage], priority: int, minimums: dict[str, str]
) -> Iterator[Fact | None]:
    for stage in [*chain, *reversed(stages)]:
        value = runtime_of(stage.image)
        if value is not None:
            note = "Dockerfile base image"
            runtime, _, version = value.partition(" ")
            floor = minimums.get(runtime)
            if floor is not None and satisfies(version, floor):
                priority, note = SATISFIES_PRIORITY, f"{note}; satisfies {runtime} {floor} declared by the manifest"
            yield src.fact(subject, "runtime_version", value, stage.line, priority=priority, note=note)
            return


def satisfies(version: str, floor: str) -> bool:
    """Whether image version `version` ("1.18.2", "1.22") is at least `floor` ("1.18"), compared
    to the image tag's precision (`golang:1.21` is the newest 1.21.x, so it meets `go 1.21.5`)."""
    have = version_tuple(version)
    need = version_tuple(floor)
    return bool(have) and bool(need) and have >= need[: len(have)]

