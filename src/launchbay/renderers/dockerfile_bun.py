"""Bun images: every stage on oven/bun:<x.y.z>-slim (Debian; bun is the runtime, no Node.js needed).

deps installs exactly what bun.lock (or the older bun.lockb) says, `--production` unless a build
needs the dev dependencies; build adds the source, public build-time values and the build command,
then reinstalls production dependencies only (bun has no prune). Dev dependencies stay when the
start or migration command runs a dev-only tool (dockerfile_node.dev_tool).

A workspace (a root with member packages, or a member built from the repository root) copies the
whole tree before installing: the one lockfile covers every member, so `--frozen-lockfile` needs all
their package.json files. A member then runs from its own folder.
"""

from __future__ import annotations

from launchbay.renderers.dockerfile_common import (
    APP_DIR,
    APP_UID,
    DATA_DIR,
    Recipe,
    Subject,
    all_components,
    run,
    start_argv,
)
from launchbay.renderers.dockerfile_images import VersionChoice, pick
from launchbay.renderers.dockerfile_node import NODE_IGNORES, dev_note, kept_dev_tools, next_cache_steps

FROZEN = "bun install --frozen-lockfile"


def bun_version(subject: Subject) -> VersionChoice:
    return pick("bun", subject.runtime_version)


def _whole_tree(subject: Subject) -> bool:
    """A workspace member, or a root component with packages below it: install needs every manifest."""
    if subject.workspace:
        return True
    return subject.component == "." and any(c != "." for c in all_components(subject.design))


def _stages(subject: Subject, image: str, build_args: list[str], keep_dev: bool) -> list[str]:
    built = bool(subject.build_command)
    prod = "" if built or keep_dev else " --production"
    lines = [f"FROM {image} AS deps", f"WORKDIR {APP_DIR}"]
    if _whole_tree(subject):
        lines += ["# A workspace: the lockfile covers every member, so the whole tree is needed to install.",
                  "COPY . .", f"RUN {FROZEN}{prod}", "", "FROM deps AS build"]
    else:
        lines += ["# Only the lockfile decides what is installed: this layer changes when the lockfile does.",
                  "COPY package.json bun.lock* bun.lockb* ./", f"RUN {FROZEN}{prod}", "",
                  "FROM deps AS build", "COPY . ."]
    if not built:
        return [*lines, "# No build command: the installed tree is the application."]
    workdir = f"{APP_DIR}/{subject.component}" if subject.workspace else APP_DIR
    steps = [subject.build_command or ""]
    if subject.mentions("next"):
        steps.append("rm -rf .next/cache")
    if workdir != APP_DIR:
        lines.append(f"WORKDIR {workdir}")
    next_env = ["ENV NEXT_TELEMETRY_DISABLED=1"] if subject.mentions("next") else []
    lines += [*build_args, *next_env, *run(*steps)]
    if keep_dev:
        return lines
    if workdir != APP_DIR:
        lines.append(f"WORKDIR {APP_DIR}")
    return [*lines, "# bun has no prune: drop every node_modules and install production dependencies only.",
            *run(f"find {APP_DIR} -name node_modules -type d -prune -exec rm -rf {{}} +", f"{FROZEN} --production")]


def without_other_managers(argv: tuple[str, ...]) -> tuple[str, ...]:
    """`npm start` / `pnpm run x` / `yarn x` as `bun run …`: the image carries bun alone."""
    if argv[:1] == ("npx",) and len(argv) > 1:
        return argv[1:]  # node_modules/.bin is on PATH
    if len(argv) < 2 or argv[0] not in {"npm", "pnpm", "yarn"}:
        return argv
    rest = argv[1:]
    if rest[0] == "exec" and len(rest) > 1:
        return rest[1:]
    if rest[0] in {"run", "run-script"} and len(rest) > 1:
        rest = rest[1:]
    elif argv[0] == "npm" and rest[0] not in {"start", "test"}:
        return argv  # another npm command (npm exec, npm ci): not a script to run
    return ("bun", "run", *rest)


def bun_recipe(subject: Subject, build_args: list[str]) -> Recipe:
    choice = bun_version(subject)
    image = f"oven/bun:{choice.version}-slim"
    tools = kept_dev_tools(subject)
    member_dir = f"{APP_DIR}/{subject.component}" if subject.workspace else APP_DIR
    argv, why, bind = start_argv(subject.svc.start_command or "", subject.svc.port)
    header = [f"# Base image: {image} ({choice.reason}; tag published {choice.line.published})."]
    if choice.eol_passed:
        header.append(f"# Bun {choice.line.line} no longer gets fixes (only the newest minor does): plan the move.")
    path = f"{APP_DIR}/node_modules/.bin"
    if member_dir != APP_DIR:
        path = f"{member_dir}/node_modules/.bin:{path}"
    env = (("NODE_ENV", "production"), *((("NEXT_TELEMETRY_DISABLED", "1"),) if subject.mentions("next") else ()),
           *subject.port_env)
    return Recipe(
        header=tuple(header),
        stages=tuple(_stages(subject, image, build_args, bool(tools))),
        runtime_image=image,
        probe="bun",
        command=without_other_managers(argv),
        command_note=why,
        bind_note=bind,
        runtime_env=env,
        runtime_path=path,
        runtime_copy=(f"COPY --from=build --chown={APP_UID}:{APP_UID} {APP_DIR} ./",),
        runtime_steps=next_cache_steps(subject, member_dir),
        runtime_setup=(f"install -d -o {APP_UID} -g {APP_UID} {DATA_DIR}",) if subject.file_store else (),
        runtime_workdir=member_dir,
        ignores=NODE_IGNORES,
        notes=dev_note(tools),
    )
