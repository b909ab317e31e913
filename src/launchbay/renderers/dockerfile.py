"""Dockerfiles (and their ignore files) for every service that runs in a container but has none.

Reads only the Design: a service whose target is vm, containers or kubernetes and whose
`runtime.dockerfile` is None gets `<component>/Dockerfile`. Every image is multi-stage (deps → build
→ runtime), pinned to exact base tags (dockerfile_images), runs as a fixed non-root uid, starts the
Design's start command in exec form, exposes the Design's port and checks its health path with a
tool the final image already has. Secrets never enter the build: only public build-time values are
build arguments, and the ignore file keeps `.env*` out of the context.

Build context: the component folder, except for a pnpm or bun workspace member, which is built from
the repository root (`docker build -f <component>/Dockerfile .`). Its ignore file is then
`<component>/Dockerfile.dockerignore`, the name BuildKit reads for that Dockerfile whatever the
context; otherwise it is `<component>/.dockerignore`. `build_context` tells pipelines which.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design, ServicePlan
from launchbay.models.kit import KitFile
from launchbay.renderers.base import text_file
from launchbay.renderers.dockerfile_bun import bun_recipe
from launchbay.renderers.dockerfile_common import (
    APP_DIR,
    APP_UID,
    DATA_DIR,
    SCRATCH_DIR,
    Recipe,
    Subject,
    all_components,
    build_arg_lines,
    component_prefix,
    dockerignore_lines,
    health_lines,
    json_argv,
    user_setup,
)
from launchbay.renderers.dockerfile_native import native_recipe
from launchbay.renderers.dockerfile_node import node_recipe
from launchbay.renderers.dockerfile_python import python_recipe

CONTAINER_TARGETS = {"vm", "containers", "kubernetes"}
RUNTIME_OF_LANGUAGE = {"typescript": "node", "javascript": "node", "python": "python", "go": "go", "rust": "rust"}
RUNTIME_OF_MANAGER = {"npm": "node", "pnpm": "node", "yarn": "node", "bun": "node", "pip": "python",
                      "poetry": "python", "uv": "python", "pipenv": "python", "go": "go", "cargo": "rust"}
DEFAULT_MANAGER = {"node": "npm", "python": "pip", "go": "go", "rust": "cargo"}


def needs_dockerfile(svc: ServicePlan) -> bool:
    """A containerised service without a Dockerfile of its own."""
    return svc.target in CONTAINER_TARGETS and (svc.runtime is None or svc.runtime.dockerfile is None)


def dockerfile_path(svc: ServicePlan) -> str:
    """The Dockerfile a service is built from: its own, else the generated one."""
    if svc.runtime is not None and svc.runtime.dockerfile:
        return svc.runtime.dockerfile
    return f"{component_prefix(svc.component)}Dockerfile"


WORKSPACE_MANAGERS = {"pnpm", "bun"}  # one lockfile at the workspace root: members build from there


def is_workspace_member(design: Design, svc: ServicePlan) -> bool:
    """A pnpm or bun package below a repository root that is itself a component (the workspace root)."""
    manager = svc.runtime.package_manager if svc.runtime else None
    return manager in WORKSPACE_MANAGERS and svc.component != "." and "." in all_components(design)


def build_context(design: Design, svc: ServicePlan) -> str:
    """The folder `docker build` must be given for the generated Dockerfile (relative to the repo root)."""
    return "." if is_workspace_member(design, svc) else svc.component


def _subject(design: Design, svc: ServicePlan) -> Subject:
    rt = svc.runtime
    language = (rt.language or "").lower() if rt else ""
    manager = (rt.package_manager or "").lower() if rt else ""
    version_head = ((rt.runtime_version or "").split(" ", 1)[0].lower() if rt else "")
    runtime = (RUNTIME_OF_LANGUAGE.get(language) or RUNTIME_OF_MANAGER.get(manager)
               or (version_head if version_head in DEFAULT_MANAGER else None))
    if runtime is None:
        raise LaunchbayError(f"{svc.component}: cannot generate a Dockerfile for {svc.name} "
                             f"(language {language or 'unknown'})",
                             hint="write a Dockerfile for it; launchbay then builds and deploys yours")
    if not svc.start_command:
        raise LaunchbayError(f"{svc.component}: no start command found for {svc.name}, so no Dockerfile can run it",
                             hint="add a start script (or Procfile) so review finds it, or write a Dockerfile")
    return Subject(svc=svc, design=design, runtime=runtime, manager=manager or DEFAULT_MANAGER[runtime],
                   workspace=is_workspace_member(design, svc))


def _recipe(subject: Subject) -> Recipe:
    args = build_arg_lines(subject.svc)
    if subject.runtime == "node" and subject.manager == "bun":
        return bun_recipe(subject, args)
    if subject.runtime == "node":
        return node_recipe(subject, args)
    if subject.runtime == "python":
        return python_recipe(subject, args)
    return native_recipe(subject, args)


def _how_to_build(subject: Subject) -> list[str]:
    path = dockerfile_path(subject.svc)
    if subject.workspace:
        return [f"# Build from the repository root (the {subject.manager} workspace is the build context):",
                f"#   docker build -f {path} ."]
    if subject.component == ".":
        return ["# Build from the repository root:", "#   docker build ."]
    return ["# Build from the component folder:", f"#   docker build {subject.component}"]


def render_dockerfile(subject: Subject, recipe: Recipe) -> list[str]:
    svc = subject.svc
    lines = [f"# Generated by launchbay for {svc.name} ({svc.kind}, component {svc.component}).",
             *_how_to_build(subject), *recipe.header, *recipe.notes,
             "# Stages: deps (dependencies as locked) -> build (source, build command) -> runtime.", ""]
    lines += [*recipe.stages, "", f"FROM {recipe.runtime_image} AS runtime"]
    if recipe.runtime_env:
        lines.append("ENV " + " ".join(f"{k}={v}" for k, v in recipe.runtime_env))
    if recipe.runtime_path:
        lines.append(f"ENV PATH={recipe.runtime_path}:$PATH")
    if subject.file_store:
        lines.append(f"# {svc.name} keeps its file store (SQLite) in {DATA_DIR}: mount persistent storage there.")
    lines += [*user_setup(recipe.runtime_setup), f"WORKDIR {APP_DIR}", *recipe.runtime_copy, *recipe.runtime_steps]
    if recipe.runtime_workdir != APP_DIR:
        lines.append(f"WORKDIR {recipe.runtime_workdir}")
    lines += [f"USER {APP_UID}:{APP_UID}",
              f"# {SCRATCH_DIR} is the writable path under a read-only root: ECS mounts scratch storage there and",
              "# copies this volume's mode (1777) into it (a bare mount is root-only); Compose and Kubernetes",
              "# mount their own tmpfs / emptyDir over it.",
              f'VOLUME ["{SCRATCH_DIR}"]']
    if svc.port is not None:
        lines.append(f"EXPOSE {svc.port}")
    lines += health_lines(svc, recipe.probe)
    if recipe.command_note:
        lines.append(f"# A shell runs the start command: {recipe.command_note}.")
    if recipe.bind_note:
        lines.append(f"# Start command adjusted: {recipe.bind_note}.")
    lines.append(f"CMD {json_argv(recipe.command)}")
    return lines


class DockerfileRenderer:
    name = "dockerfile"

    def render(self, design: Design) -> Iterator[KitFile]:
        for svc in design.services:
            if not needs_dockerfile(svc):
                continue
            subject = _subject(design, svc)
            recipe = _recipe(subject)
            path = dockerfile_path(svc)
            yield text_file(path, render_dockerfile(subject, recipe))
            ignore = f"{path}.dockerignore" if subject.workspace else f"{component_prefix(svc.component)}.dockerignore"
            yield text_file(ignore, dockerignore_lines(recipe))
