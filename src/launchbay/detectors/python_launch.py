"""Turn a Python component's launch files (Procfile, Makefile run targets, start/entrypoint scripts)
into start-command, port, role and migration facts.

Delegating launchers are followed: `web: ./start.sh` reports the process start.sh finally execs,
once with the Procfile line as evidence and once with the script line, so a reader can see each
hop. Following stops after a few hops and never revisits a file, so hostile loops are harmless.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.python_commands import (
    LAUNCH_SCRIPT,
    RUN_TARGETS,
    Command,
    analyze,
    makefile,
    procfile,
    shell_commands,
)
from launchbay.detectors.python_common import Loc, in_comp, join, make
from launchbay.models.profile import Fact

SCRIPT_PRIORITY = 58
MAX_HOPS = 4
# Heroku process-type conventions, used when the command itself does not say what it runs.
_PROCESS_ROLES = {"web": "http-server", "worker": "worker", "clock": "cron", "scheduler": "cron", "beat": "cron"}
_ROOT_SCRIPT_NAMES = {"entrypoint.sh", "docker-entrypoint.sh", "start.sh", "run.sh", "boot.sh", "serve.sh",
                      "server.sh", "launch.sh"}


@dataclass(frozen=True)
class Hop:
    """One step of a launch chain: the command seen, where, and how to name it in notes."""

    command: Command
    loc: Loc
    label: str


class Launch:
    """Launch-file facts for one component."""

    def __init__(self, ctx: DetectorContext, comp: str, scripts: list[str]) -> None:
        self.ctx = ctx
        self.comp = comp
        self.scripts = scripts
        self.facts: list[Fact] = []
        self._make: dict[str, list[tuple[Loc, str]]] | None = None

    def run(self) -> list[Fact]:
        self._procfile()
        self._makefile()
        self._scripts()
        return self.facts

    # ------------------------------------------------------------------ sources
    def _procfile(self) -> None:
        rel = join(self.comp, "Procfile")
        text = self.ctx.read(rel) if self.ctx.tree.exists(rel) else None
        if text is None:
            return
        for ptype, loc, raw in procfile(text, rel):
            label = f"Procfile {ptype}"
            if ptype == "release":
                self._migrations(analyze(raw), loc, label)
                continue
            chain = self._chain(Hop(analyze(raw), loc, label))
            self._emit(chain, 70 if ptype == "web" else 65)
            role = _PROCESS_ROLES.get(ptype)
            if role is not None and not any(h.command.roles for h in chain):
                self.facts.append(make(self.comp, "role", role, loc, note=f"Procfile {ptype} process"))

    def _makefile(self) -> None:
        targets = self._targets()
        for target, priority in RUN_TARGETS.items():
            hop = self._make_hop(target, targets)
            if hop is not None:
                self._emit(self._chain(hop), priority)
        for target, recipe in targets.items():
            if target not in RUN_TARGETS:
                for loc, raw in recipe:
                    self._migrations(analyze(raw), loc, f"Makefile target {target}")

    def _scripts(self) -> None:
        for rel in self.scripts:
            name = rel.rsplit("/", 1)[-1]
            hop = self._script_hop(rel)
            if hop is None:
                continue
            shallow = in_comp(self.comp, rel).count("/") <= 1
            priority = SCRIPT_PRIORITY if name in _ROOT_SCRIPT_NAMES and shallow else 50
            self._emit(self._chain(hop, seen=frozenset({rel})), priority)

    # ------------------------------------------------------------------ chains
    def _chain(self, first: Hop, seen: frozenset[str] = frozenset()) -> list[Hop]:
        chain = [first]
        while len(chain) < MAX_HOPS and chain[-1].command.hop is not None:
            kind, target = chain[-1].command.hop or ("", "")
            key = f"{kind}:{target}"
            if key in seen:
                break
            seen = seen | {key}
            nxt = self._script_hop(self._script_path(target, chain[-1].loc.rel)) if kind == "script" \
                else self._make_hop(target, self._targets())
            if nxt is None:
                break
            seen = seen | {nxt.loc.rel}
            chain.append(nxt)
        return chain

    def _emit(self, chain: list[Hop], priority: int) -> None:
        """Report the chain's final process at every hop (first hop at `priority`)."""
        final = next((h.command.value for h in reversed(chain) if h.command.value and h.command.launches), "")
        final = final or chain[-1].command.value
        labels = [h.label for h in chain]
        for i, hop in enumerate(chain):
            via = " → ".join(labels[i:])
            if final:
                self.facts.append(make(self.comp, "start_command", final, hop.loc,
                                       priority=priority if i == 0 else SCRIPT_PRIORITY, note=f"via {via}"))
            if hop.command.port is not None:
                self.facts.append(make(self.comp, "port", hop.command.port, hop.loc, priority=75,
                                       note=f"flag in {hop.label}"))
            for role in hop.command.roles:
                self.facts.append(make(self.comp, "role", role, hop.loc, note=f"process in {hop.label}"))
            self._migrations(hop.command, hop.loc, hop.label)

    def _migrations(self, command: Command, loc: Loc, label: str) -> None:
        for migration in command.migrations:
            self.facts.append(make(self.comp, "migration_command", migration, loc, note=f"run by {label}"))

    # ------------------------------------------------------------------ hops
    def _targets(self) -> dict[str, list[tuple[Loc, str]]]:
        if self._make is None:
            rel = join(self.comp, "Makefile")
            text = self.ctx.read(rel) if self.ctx.tree.exists(rel) else None
            self._make = makefile(text, rel) if text else {}
        return self._make

    def _make_hop(self, target: str, targets: dict[str, list[tuple[Loc, str]]]) -> Hop | None:
        lines = [(loc, analyze(raw)) for loc, raw in targets.get(target, [])]
        return _main_process(lines, f"Makefile target {target}", self)

    def _script_hop(self, rel: str | None) -> Hop | None:
        if rel is None:
            return None
        text = self.ctx.read(rel)
        if text is None:
            return None
        lines = [(loc, analyze(raw)) for loc, raw in shell_commands(text, rel)]
        return _main_process(lines, rel.rsplit("/", 1)[-1], self)

    def _script_path(self, target: str, from_rel: str) -> str | None:
        """Where `./start.sh` or `/app/entrypoint.sh` lives in this component."""
        target = target.strip("\"'")
        base = target.rsplit("/", 1)[-1]
        folder = from_rel.rsplit("/", 1)[0] if "/" in from_rel else ""
        candidates = [] if target.startswith("/") else [join(self.comp, target)]
        if folder and not target.startswith("/"):
            candidates.append(f"{folder}/{target.removeprefix('./')}")
        candidates.append(join(self.comp, base))
        candidates.extend(s for s in self.scripts if s.rsplit("/", 1)[-1] == base)
        return next((c for c in candidates if self.ctx.tree.exists(c)), None)


def _main_process(lines: list[tuple[Loc, Command]], label: str, launch: Launch) -> Hop | None:
    """The process a recipe or script ends up running: the last launching, foreground line.
    Migration steps on other lines are reported on their own lines."""
    main: tuple[Loc, Command] | None = None
    for loc, command in lines:
        if command.value and (command.launches or command.hop) and (main is None or not command.background
                                                                     or main[1].background):
            main = (loc, command)
    for loc, command in lines:
        if main is None or loc != main[0]:
            launch._migrations(command, loc, label)
    return Hop(main[1], main[0], label) if main else None


def is_launch_script(name: str) -> bool:
    return LAUNCH_SCRIPT.match(name) is not None
