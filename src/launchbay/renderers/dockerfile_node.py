"""Node.js images: npm, pnpm (standalone or a workspace member) and yarn, on node:<x.y.z>-bookworm-slim.

deps installs exactly what the lockfile says (its layer changes only with the lockfile), build adds
the source, public build-time values and the build command, then drops dev dependencies; runtime gets
the application and its production node_modules and nothing else.

Dev dependencies are dropped unless the start or migration command runs a tool that is normally a
dev dependency (tsx, prisma, drizzle-kit...): the Design does not record which packages are dev-only,
so the safe reading keeps them rather than ship an image whose command is missing.

A Next.js server writes `.next/cache` at run time; under a read-only root that path is a link to
/tmp, the scratch mount every orchestrator provides.

A pnpm workspace member is built from the repository root: `pnpm fetch` needs only the lockfile, the
install is filtered to the member and its workspace dependencies (`--filter "<name>..."`), those are
built first, and `pnpm deploy --prod` copies the member with production dependencies (workspace
packages included) to /app. `force-legacy-deploy` keeps deploy working on pnpm 10, which otherwise
requires `inject-workspace-packages`; legacy deploy still installs the lockfile's versions.
"""

from __future__ import annotations

import itertools
import posixpath
import shlex

from launchbay.errors import LaunchbayError
from launchbay.renderers.dockerfile_common import (
    APP_DIR,
    APP_UID,
    DATA_DIR,
    SCRATCH_DIR,
    Recipe,
    Subject,
    run,
    start_argv,
)
from launchbay.renderers.dockerfile_images import COREPACK_VERSION, VersionChoice, pick

STORE = "/pnpm/store"
NODE_IGNORES = (
    "# Node.js: dependencies and build output are rebuilt inside the image",
    "**/node_modules",
    "**/.next",
    "**/.turbo",
    "**/.ponder",
    "**/.pnpm-store",
    "**/npm-debug.log*",
)


# CLIs that projects almost always install as devDependencies, yet start or migrate with.
DEV_TOOLS = frozenset({"tsx", "ts-node", "ts-node-dev", "tsnd", "nodemon", "vite", "vite-node", "drizzle-kit",
                       "prisma", "nest", "babel-node", "esno", "esrun"})
_RUNNERS = {"npx": 1, "bunx": 1}  # words to skip before the tool: `npx tsx`
_RUNNER_PAIRS = {("pnpm", "exec"), ("pnpm", "dlx"), ("npm", "exec"), ("yarn", "exec"), ("yarn", "dlx"), ("bun", "x")}
_NODE_LOADERS = {"--import", "--loader", "--experimental-loader", "-r", "--require"}


def node_version(subject: Subject) -> VersionChoice:
    return pick("node", subject.runtime_version)


def dev_tool(command: str | None) -> str | None:
    """The dev-only CLI a command runs (`tsx src/index.ts`, `npx prisma migrate deploy`,
    `node --import tsx app.ts`), or None."""
    try:
        words = shlex.split(command or "")
    except ValueError:
        return None
    while words and "=" in words[0] and not words[0].startswith("-"):
        words = words[1:]  # leading VAR=value assignments
    while words and (words[0] in _RUNNERS or tuple(words[:2]) in _RUNNER_PAIRS):
        words = words[2:] if tuple(words[:2]) in _RUNNER_PAIRS else words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]  # `npx --yes tsx`, `npm exec -- tsx`
    if not words:
        return None
    head = posixpath.basename(words[0])
    if head in DEV_TOOLS:
        return head
    if head == "node":
        for flag, value in itertools.pairwise(words):
            package = value.split("/", 1)[0]
            if flag in _NODE_LOADERS and package in DEV_TOOLS:
                return package
    return None


def kept_dev_tools(subject: Subject) -> tuple[str, ...]:
    """The dev-only tools the image must keep for its start and migration commands."""
    rt = subject.svc.runtime
    found = {dev_tool(subject.svc.start_command), dev_tool(rt.migration_command if rt else None)}
    return tuple(sorted(t for t in found if t))


def dev_note(tools: tuple[str, ...]) -> tuple[str, ...]:
    if not tools:
        return ()
    return (f"# Dev dependencies stay in the image: the start or migration command runs {' and '.join(tools)},",
            "# usually a devDependency (the Design does not record which packages are dev-only); listing it",
            "# under dependencies lets the image drop the rest.")


def next_cache_steps(subject: Subject, app_dir: str) -> tuple[str, ...]:
    """`.next/cache` → /tmp: `next start` writes optimised images and fetched data there at run time."""
    if not subject.mentions("next"):
        return ()
    cache = f"{app_dir}/.next/cache"
    return ("# Next.js writes .next/cache at run time; the root filesystem is read-only, so it lives in "
            f"{SCRATCH_DIR}.",
            *run(f"mkdir -p {app_dir}/.next", f"rm -rf {cache}", f"ln -s {SCRATCH_DIR} {cache}"))


def _corepack(choice: VersionChoice) -> str:
    """corepack from npm, pinned (Node 25+ no longer bundles it; old bundles carry stale signing keys)."""
    if int(choice.line.line) < 20:
        return "corepack enable"
    return f"npm install --global corepack@{COREPACK_VERSION} && corepack enable"


def _build_steps(subject: Subject) -> list[str]:
    cmd = subject.build_command
    if not cmd:
        return []
    steps = [cmd]
    if subject.mentions("next"):
        steps.append("rm -rf .next/cache")  # the compiler cache: not needed at run time
    return steps


def _next_env(subject: Subject) -> tuple[tuple[str, str], ...]:
    return (("NEXT_TELEMETRY_DISABLED", "1"),) if subject.mentions("next") else ()


def _env_line(pairs: tuple[tuple[str, str], ...]) -> list[str]:
    return [f"ENV {' '.join(f'{k}={v}' for k, v in pairs)}"] if pairs else []


def _pnpm_workspace(subject: Subject, image: str, build_args: list[str], keep_dev: bool) -> list[str]:
    name, comp = subject.svc.name, subject.component
    prod = "" if keep_dev else " --prod"
    steps = [f'pnpm --filter "{name}^..." run --if-present build', *_build_steps(subject),
             f'pnpm --filter "{name}" --config.force-legacy-deploy=true --config.deploy-all-files=true '
             f"deploy{prod} --store-dir {STORE} {APP_DIR}"]
    return [
        f"FROM {image} AS deps",
        "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0",
        f"RUN {_corepack(node_version(subject))}",
        "WORKDIR /repo",
        "# Only the lockfile decides what is fetched: this layer changes when the lockfile does.",
        "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./",
        f"RUN pnpm fetch --store-dir {STORE}",
        "",
        "FROM deps AS build",
        "COPY . .",
        f'RUN pnpm install --frozen-lockfile --offline --store-dir {STORE} --filter "{name}..."',
        *build_args,
        *_env_line(_next_env(subject)),
        f"WORKDIR /repo/{comp}",
        f"ENV PATH=/repo/{comp}/node_modules/.bin:$PATH",
        "# Workspace dependencies first, then this service; deploy copies it with "
        + ("all its deps" if keep_dev else "production deps") + " to /app.",
        *run(*steps),
    ]


def _pnpm(subject: Subject, image: str, build_args: list[str], keep_dev: bool) -> list[str]:
    built = bool(subject.build_command)
    prod = "" if built or keep_dev else " --prod"
    tail = [*_build_steps(subject)]
    if not keep_dev:
        tail.append(f"pnpm prune --prod --config.confirmModulesPurge=false --store-dir {STORE}")
    return [
        f"FROM {image} AS deps",
        "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0",
        f"RUN {_corepack(node_version(subject))}",
        f"WORKDIR {APP_DIR}",
        "COPY package.json pnpm-lock.yaml ./",
        f"RUN pnpm fetch{prod} --store-dir {STORE}",
        "",
        "FROM deps AS build",
        "COPY . .",
        *build_args,
        *_env_line(_next_env(subject)),
        f"ENV PATH={APP_DIR}/node_modules/.bin:$PATH",
        *run(f"pnpm install --frozen-lockfile --offline{prod} --store-dir {STORE}", *(tail if built else ())),
    ]


def _npm(subject: Subject, image: str, build_args: list[str], keep_dev: bool) -> list[str]:
    built = bool(subject.build_command)
    lines = [
        f"FROM {image} AS deps",
        f"WORKDIR {APP_DIR}",
        "COPY package.json package-lock.json ./",
        "RUN npm ci --no-audit --no-fund" + ("" if built or keep_dev else " --omit=dev"),
        "",
        "FROM deps AS build",
        "COPY . .",
    ]
    if built:
        lines += [*build_args, *_env_line(_next_env(subject)), f"ENV PATH={APP_DIR}/node_modules/.bin:$PATH",
                  *run(*_build_steps(subject), *(() if keep_dev else ("npm prune --omit=dev --no-audit --no-fund",)))]
    return lines


def _yarn(subject: Subject, image: str, build_args: list[str]) -> list[str]:
    install = ('case "$(yarn --version)" in '
               "1.*) yarn install --frozen-lockfile --non-interactive && yarn cache clean ;; "
               "*) yarn install --immutable ;; esac")
    lines = [
        f"FROM {image} AS deps",
        "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0",
        f"RUN {_corepack(node_version(subject))}",
        f"WORKDIR {APP_DIR}",
        "# Yarn keeps its release and plugins under .yarn/, so the whole context is needed to install.",
        "COPY . .",
        f"RUN {install}",
        "",
        "FROM deps AS build",
    ]
    if subject.build_command:
        lines += [*build_args, *_env_line(_next_env(subject)), f"ENV PATH={APP_DIR}/node_modules/.bin:$PATH",
                  *run(*_build_steps(subject))]
    else:
        lines.append("# No build command: the installed tree is the application.")
    return lines


def node_recipe(subject: Subject, build_args: list[str]) -> Recipe:
    choice = node_version(subject)
    image = f"node:{choice.version}-bookworm-slim"
    manager = subject.manager
    tools = kept_dev_tools(subject)
    keep_dev = bool(tools)
    if manager == "pnpm" and subject.workspace:
        stages = _pnpm_workspace(subject, image, build_args, keep_dev)
    elif manager == "pnpm":
        stages = _pnpm(subject, image, build_args, keep_dev)
    elif manager == "npm":
        stages = _npm(subject, image, build_args, keep_dev)
    elif manager == "yarn":
        stages = _yarn(subject, image, build_args)
    else:
        raise LaunchbayError(f"{subject.component}: cannot generate a Dockerfile for package manager {manager!r}",
                             hint="write a Dockerfile for it (launchbay then uses yours), "
                                  "or use npm, pnpm, yarn or bun")
    argv, why, bind = start_argv(subject.svc.start_command or "", subject.svc.port)
    setup: list[str] = []
    if subject.file_store:
        setup.append(f"install -d -o {APP_UID} -g {APP_UID} {DATA_DIR}")
    notes = [] if manager == "yarn" else list(dev_note(tools))
    if manager == "yarn":
        notes.append("# Yarn: dev dependencies stay installed (no portable prune); Plug'n'Play needs "
                     "nodeLinker: node-modules.")
    return Recipe(
        header=_header(choice, image),
        stages=tuple(stages),
        runtime_image=image,
        probe="node",
        command=without_corepack(argv),
        command_note=why,
        bind_note=bind,
        runtime_env=(("NODE_ENV", "production"), *_next_env(subject), *subject.port_env),
        runtime_path=f"{APP_DIR}/node_modules/.bin",
        runtime_copy=(f"COPY --from=build --chown={APP_UID}:{APP_UID} {APP_DIR} ./",),
        runtime_steps=next_cache_steps(subject, APP_DIR),
        runtime_setup=tuple(setup),
        ignores=NODE_IGNORES,
        notes=tuple(notes),
    )


def without_corepack(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`pnpm start` / `yarn run x` as npm equivalents: the runtime image carries npm, not corepack's tools."""
    if len(argv) < 2 or argv[0] not in {"pnpm", "yarn"}:
        return argv
    rest = argv[1:]
    if rest[0] == "exec":
        return rest[1:] or argv  # node_modules/.bin is on PATH
    script, extra = (rest[1], rest[2:]) if rest[0] == "run" and len(rest) > 1 else (rest[0], rest[1:])
    head = ("npm", script) if script in {"start", "test"} else ("npm", "run", script)
    return (*head, "--", *extra) if extra else head


def _header(choice: VersionChoice, image: str) -> tuple[str, ...]:
    lines = [f"# Base image: {image} ({choice.reason}; tag published {choice.line.published})."]
    if choice.eol_passed:
        lines.append(f"# Node.js {choice.line.line} reached end of life on {choice.line.eol}: no more security fixes; "
                     "plan the move to a maintained line.")
    return tuple(lines)
