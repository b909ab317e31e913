"""Follow a package.json script to the command that really runs.

Why: `npm start` tells a deployer nothing. Projects chain scripts (`start` → `pnpm serve` →
`node scripts/launch.js`) and launcher files spawn the real process (`spawn('node',
['dist/server.js'])`). Each hop is kept with its own evidence so the profile can show the
whole path, and every hop reports the same final command.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

from launchbay.detectors.node_pkg import PackageJson, join, line_at
from launchbay.tree import ProjectTree

MAX_HOPS = 8

# `npm run x`, `pnpm x`, `yarn run x -- --flag`, `bun run x`.
PM_RUN = re.compile(r"^(npm|pnpm|yarn|bun)\s+(?:(?:run|run-script)\s+)?([\w:.@/-]+)(\s.*)?$")
NPM_BARE = frozenset({"start", "test", "stop", "restart"})
# Flags that send the script to another workspace package: not a local chain.
ELSEWHERE = frozenset({"-w", "--workspace", "--workspaces", "--filter", "-F", "--prefix", "-C", "--dir", "-r"})

RUNNERS = frozenset({"node", "tsx", "ts-node", "bun"})
RUNNER_VALUE_FLAGS = frozenset({
    "-r", "--require", "--import", "--loader", "--experimental-loader", "--conditions", "-C",
    "--env-file", "--tsconfig", "-P", "--project",
})
SOURCE_EXTS = ("", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", "/index.js", "/index.ts")
BUILD_DIRS = frozenset({"dist", "build", "out", "lib"})

# child_process / execa calls whose first argument names what runs.
CALL = re.compile(
    r"(?<![\w$])(spawnSync|spawn|execFileSync|execFile|execSync|exec|fork|execaSync|execaNode|execa)"
    r"\s*\(\s*(?:(process\.execPath)|(['\"`])([^'\"`\n]{1,300})\3)"
    r"(?:\s*,\s*\[([^\]]{0,500})\])?"
)
# A launcher only starts things; a file that serves or handles events is the app itself.
APP_MARKERS = (".listen(", "createServer(", "new Hono(", "Fastify(", "express()", "new Koa(", ".launch(", ".login(")
# Programs that run and exit: never the long-running process a launcher hands over to.
ONE_SHOT = frozenset({
    "git", "prisma", "rm", "cp", "mv", "mkdir", "echo", "ls", "cat", "chmod", "which", "open", "xdg-open",
    "kill", "curl", "wget", "tar", "tsc", "forge", "cast", "docker", "make",
})
SYNC_CALLS = frozenset({"spawnSync", "execFileSync", "execSync", "execaSync"})
CONCURRENTLY_CALL = re.compile(r"(?<![\w$])concurrently\s*\(\s*\[([^\]]{0,2000})\]")
STRING = re.compile(r"(['\"`])([^'\"`\n]*)\1")
COMMAND_KEY = re.compile(r"command\s*:\s*(['\"`])([^'\"`\n]*)\1")
ARGV_SPREAD = re.compile(r"\.\.\.\s*process\.argv\.slice\(\s*\d*\s*\)")
CONCURRENTLY_VALUE_FLAGS = frozenset({
    "-n", "--names", "-c", "--prefix-colors", "-p", "--prefix", "-s", "--success", "--restart-tries",
    "--restart-after", "-l", "--prefix-length", "-t", "--timestamp-format", "--default-input-target",
})

PORT_FLAG = re.compile(r"(?:^|\s)(?:-p|--port|-l|--listen)(?:=|\s+)(\d{2,5})(?=\s|$)")
PORT_ENV = re.compile(r"(?:^|\s)PORT=(\d{2,5})(?=\s|$)")


@dataclass(frozen=True)
class Hop:
    """One step on the way to the real command, with the line that shows it."""

    rel: str
    line: int
    text: str
    note: str
    command: str


@dataclass
class Resolved:
    command: str
    hops: list[Hop] = field(default_factory=list)


def tokens(command: str) -> list[str] | None:
    try:
        return shlex.split(command)
    except ValueError:
        return None


def is_compound(command: str) -> bool:
    return any(op in command for op in ("&&", "||", ";", "|", "\n"))


class ScriptResolver:
    """Resolves scripts of one package.json; reads launcher files through the tree (cached)."""

    def __init__(self, tree: ProjectTree, pkg: PackageJson) -> None:
        self.tree = tree
        self.pkg = pkg
        self.scripts = pkg.scripts

    def script(self, name: str) -> Resolved | None:
        """The command behind script `name`, followed through chains and launchers."""
        if name not in self.scripts:
            return None
        hop = self._script_hop(name, self.scripts[name])
        if hop is None:
            return None
        return self.follow(self.scripts[name], [hop], seen={f"script:{name}"})

    def follow(self, command: str, hops: list[Hop], seen: set[str] | None = None) -> Resolved:
        """Follow `command` (already reached through `hops`) as far as it goes."""
        seen = set() if seen is None else seen
        for _ in range(2 * MAX_HOPS):
            step = self._chain(command, seen) or self._launcher(command, seen)
            if step is None or len(hops) >= MAX_HOPS:
                break
            command, hop = step
            if hop is not None:
                hops.append(hop)
        return Resolved(command=command, hops=hops)

    # ------------------------------------------------------------------ one hop
    def _script_hop(self, name: str, command: str) -> Hop | None:
        where = self.pkg.at("scripts", name)
        if where is None:
            return None
        return Hop(self.pkg.rel, where[0], where[1], f"via package.json script {name}", command)

    def _chain(self, command: str, seen: set[str]) -> tuple[str, Hop | None] | None:
        """`npm run x` / `pnpm x` / a one-command `concurrently` → what it runs."""
        single = concurrently_single(command)
        if single is not None:
            return single, None
        m = None if is_compound(command) else PM_RUN.match(command)
        if m is None:
            return None
        pm, name, rest = m.group(1), m.group(2), (m.group(3) or "").strip()
        explicit_run = command.split()[1] in {"run", "run-script"}
        if pm == "npm" and not explicit_run and name not in NPM_BARE:
            return None
        if name not in self.scripts or f"script:{name}" in seen:
            return None
        extra = tokens(rest) if rest else []
        if extra is None or any(t.split("=")[0] in ELSEWHERE for t in extra):
            return None
        if pm == "npm":
            extra = extra[extra.index("--") + 1:] if "--" in extra else []
        elif extra[:1] == ["--"]:
            extra = extra[1:]
        seen.add(f"script:{name}")
        target = self.scripts[name]
        if extra:
            target = f"{target} {shlex.join(extra)}"
        return target, self._script_hop(name, target)

    def _launcher(self, command: str, seen: set[str]) -> tuple[str, Hop] | None:
        """`node scripts/launch.js` where that file spawns exactly one long-running command."""
        rel = self._runner_file(command)
        if rel is None or f"file:{rel}" in seen:
            return None
        seen.add(f"file:{rel}")
        text = self.tree.read(rel)
        if text is None:
            return None
        found = spawned_command(text)
        if found is None:
            return None
        spawned, pos = found
        line, line_text = line_at(text, pos)
        return spawned, Hop(rel, line, line_text, f"launcher {rel} starts it", spawned)

    def _runner_file(self, command: str) -> str | None:
        arg = runner_arg(command)
        return self._existing(arg) if arg else None

    def entry_file(self, command: str) -> str | None:
        """The source file `command` runs (`node dist/main.js` → src/main.ts when dist is not built)."""
        arg = runner_arg(command)
        if not arg:
            return None
        found = self._existing(arg)
        if found is None:
            parts = posixpath.normpath(arg).split("/")
            if len(parts) > 1 and parts[0] in BUILD_DIRS:
                stem = posixpath.splitext("/".join(parts[1:]))[0]
                found = self._existing("src/" + stem) or self._existing(stem)
        return found

    def _existing(self, path: str) -> str | None:
        if path in {".", "./"}:  # `node .` runs the package's main
            path = self.pkg.get_str("main") or "index.js"
        base = posixpath.normpath(join(self.pkg.folder, path))
        if base.startswith("..") or base.startswith("/"):
            return None
        for ext in SOURCE_EXTS:
            if self.tree.exists(base + ext):
                return base + ext
        return None


def runner_arg(command: str) -> str | None:
    """The file argument of `node x.js` / `tsx watch src/x.ts` / `bun run src/x.ts` (None otherwise)."""
    if is_compound(command):
        return None
    toks = tokens(command)
    if not toks:
        return None
    toks = strip_env_prefix(toks)
    if not toks or toks[0] not in RUNNERS:
        return None
    args = toks[1:]
    if toks[0] == "bun" and args[:1] == ["run"]:
        args = args[1:]
    if toks[0] == "tsx" and args[:1] == ["watch"]:
        args = args[1:]
    skip_next = False
    for tok in args:
        if skip_next:
            skip_next = False
        elif tok.startswith("-"):
            skip_next = tok in RUNNER_VALUE_FLAGS
        else:
            return tok
    return None


def strip_env_prefix(toks: list[str]) -> list[str]:
    """Drop `cross-env A=b`, `env A=b`, `dotenv -e .env --` and bare `A=b` in front of a command."""
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in {"cross-env", "env", "cross-env-shell"} or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", tok):
            i += 1
        elif tok in {"dotenv", "dotenvx"}:
            j = toks.index("--", i) if "--" in toks[i:] else -1
            if j == -1:
                return []
            i = j + 1
        else:
            break
    return toks[i:]


def concurrently_single(command: str) -> str | None:
    """The one command a `concurrently "..."` script runs (None when not exactly one)."""
    if not command.startswith("concurrently ") and not command.startswith("npx concurrently "):
        return None
    toks = tokens(command)
    if toks is None:
        return None
    toks = toks[1:] if toks[0] == "concurrently" else toks[2:]
    commands: list[str] = []
    skip_next = False
    for tok in toks:
        if skip_next:
            skip_next = False
        elif tok.startswith("-"):
            skip_next = tok in CONCURRENTLY_VALUE_FLAGS
        else:
            commands.append(tok)
    if len(commands) != 1:
        return None
    return _npm_shorthand(commands[0])


def _npm_shorthand(command: str) -> str:
    """concurrently's `npm:start:api` means `npm run start:api`."""
    for pm in ("npm", "pnpm", "yarn", "bun"):
        if command.startswith(pm + ":"):
            return f"{pm} run {command[len(pm) + 1:]}"
    return command


def spawned_command(text: str) -> tuple[str, int] | None:
    """The single long-running command a launcher file starts, and where; None if unclear.

    Synchronous calls (`execSync('prisma migrate deploy')`) are set-up steps when an
    asynchronous one follows; a launcher with several long-running children is ambiguous.
    """
    if not any(word in text for word in ("child_process", "execa", "concurrently")):
        return None
    if any(marker in text for marker in APP_MARKERS):
        return None  # the file is the app itself; what it execs is a side task
    async_calls: dict[str, int] = {}
    sync_calls: dict[str, int] = {}
    for m in CALL.finditer(text):
        cmd = _call_command(m)
        if cmd is not None and cmd.split(" ", 1)[0] not in ONE_SHOT:
            (sync_calls if m.group(1) in SYNC_CALLS else async_calls).setdefault(cmd, m.start())
    for m in CONCURRENTLY_CALL.finditer(text):
        body = m.group(1)
        items = [s.group(2) for s in COMMAND_KEY.finditer(body)] or [s.group(2) for s in STRING.finditer(body)]
        for item in items:
            if item.strip() and "${" not in item:
                async_calls.setdefault(_npm_shorthand(item.strip()), m.start())
    chosen = async_calls or sync_calls
    if len(chosen) != 1:
        return None
    return next(iter(chosen.items()))


def _call_command(m: re.Match[str]) -> str | None:
    name, exec_path, first = m.group(1), m.group(2), m.group(4)
    if first is not None and "${" in first:
        return None
    program = "node" if exec_path or first is None else first.strip()
    args: list[str] = []
    array = m.group(5)
    if array is not None:
        array = ARGV_SPREAD.sub("", array)
        args = [s.group(2) for s in STRING.finditer(array)]
        leftover = STRING.sub("", array)
        if re.search(r"[A-Za-z_$]", leftover) or any("${" in a for a in args):
            return None  # arguments built from variables: cannot say what runs
    if name == "fork" or name == "execaNode":
        program, args = "node", [program, *args]
    if program in {"sh", "bash"} and len(args) == 2 and args[0] == "-c":
        return args[1].strip() or None
    return " ".join([program, *(shlex.quote(a) if " " in a else a for a in args)])


def port_flags(command: str) -> list[int]:
    """Ports a command line sets: `-p 4000`, `--port=4000`, `PORT=4000 node ...`."""
    ports = [int(m.group(1)) for m in PORT_FLAG.finditer(command)]
    ports += [int(m.group(1)) for m in PORT_ENV.finditer(command)]
    return [p for p in ports if 0 < p < 65536]
