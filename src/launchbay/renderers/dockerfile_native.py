"""Go and Rust images: compile on golang:<x.y.z>-bookworm / rust:<x.y.z>-slim-bookworm, run the binary
on a dated debian:bookworm-slim (same glibc as the builder, so cgo and dynamically linked crates work).

The runtime image has no shell tools beyond Debian's base: CA certificates come from the build stage,
and every service with a port gets a statically linked busybox at /usr/local/bin/busybox from a
pinned image, so its health check (`busybox wget` on the health path, else `busybox nc -z` on the
port) runs the same in the Dockerfile's HEALTHCHECK and in the VM's compose file.
The binary keeps the path the start command names (`./server`, `./target/release/app`, or an
absolute `/ethereum-service`, which is built as `ethereum-service` and copied there), so the command
in the image is the one in the Design.
"""

from __future__ import annotations

import posixpath
import re

from launchbay.errors import LaunchbayError
from launchbay.renderers.dockerfile_common import (
    APP_UID,
    BUSYBOX_PATH,
    DATA_DIR,
    Recipe,
    Subject,
    component_prefix,
    exec_form,
    run,
)
from launchbay.renderers.dockerfile_images import BUSYBOX, DEBIAN_SLIM, VersionChoice, pick

SRC = "/src"
CERTS = "/etc/ssl/certs/ca-certificates.crt"
_OUTPUT = re.compile(r"(?:^|\s)-o(?:=|\s+)(\S+)")


def _fail(subject: Subject, why: str) -> LaunchbayError:
    return LaunchbayError(
        f"{subject.component}: cannot generate a Dockerfile for {subject.svc.name}: {why}",
        hint=f"set the start command to the built binary (e.g. ./{subject.svc.name}), or write "
             f"{component_prefix(subject.component)}Dockerfile (launchbay then builds yours)")


def _go_build(build: str | None, name: str) -> tuple[str, str]:
    """(build command, where it leaves the binary) for a Go binary the start command names `name`."""
    if build and (out := _OUTPUT.search(build)):
        path = out.group(1)
        return build, path if path.startswith("/") else posixpath.normpath(f"{SRC}/{path}")
    if not build:
        return f"go build -o {name} .", f"{SRC}/{name}"
    if build.startswith("go build"):
        return f"go build -o {name}{build[len('go build'):]}", f"{SRC}/{name}"
    return build, f"{SRC}/{name}"  # a make target or script: expected to leave `name` at the source root


def _binary(subject: Subject, argv: tuple[str, ...], why: str | None,
            rust: bool) -> tuple[str, str, tuple[str, ...], str | None]:
    """(binary in the build stage, its path in the runtime image, start argv, build command).

    `go run ./cmd/x` becomes a build of ./cmd/x and a run of the binary it produces."""
    build = subject.build_command
    if len(argv) >= 3 and argv[0] == "go" and argv[1] == "run":
        name = posixpath.basename(argv[2].rstrip("/")).removesuffix(".go")
        name = "app" if name in {".", ""} else name
        return f"{SRC}/{name}", f"./{name}", (f"./{name}", *argv[3:]), f"go build -o {name} {argv[2]}"
    if why is not None:
        raise _fail(subject, f"its start command needs a shell ({why}), and the image has none to run it in")
    if argv and argv[0] in {"go", "cargo"}:
        raise _fail(subject, f"`{' '.join(argv[:2])}` compiles at start; the image runs a built binary")
    if not argv:
        raise _fail(subject, "its start command is empty")
    if argv[0].startswith("/"):
        name = posixpath.basename(argv[0])
        if rust:
            return f"{SRC}/target/release/{name}", argv[0], argv, build
        build, built = _go_build(build, name)
        return built, argv[0], argv, build
    rel = posixpath.normpath(argv[0])
    if rel.startswith(".."):
        raise _fail(subject, f"the binary {argv[0]!r} lies outside the component folder")
    if not rust and not build:
        build = f"go build -o {rel} ."
    return f"{SRC}/{rel}", f"./{rel}", argv, build


def native_recipe(subject: Subject, build_args: list[str]) -> Recipe:
    rust = subject.runtime == "rust"
    choice: VersionChoice = pick("rust" if rust else "go", subject.runtime_version)
    image = f"rust:{choice.version}-slim-bookworm" if rust else f"golang:{choice.version}-bookworm"
    argv, why = exec_form(subject.svc.start_command or "")
    built, target, command, build = _binary(subject, argv, why, rust)
    if rust:
        build = build or "cargo build --release"
        if build.startswith("cargo build") and "--locked" not in build:
            build += " --locked"
        deps = ["COPY . .", "RUN cargo fetch --locked", "", "FROM deps AS build"]
    else:
        deps = ["COPY go.mod go.sum* ./", "RUN go mod download", "", "FROM deps AS build", "COPY . ."]
    stages = [f"FROM {image} AS deps", f"WORKDIR {SRC}", *deps, *build_args, *run(build or "")]
    probe = subject.svc.port is not None
    copies = [f"COPY --from=build {CERTS} {CERTS}"]
    if probe:
        stages += ["", f"FROM busybox:{BUSYBOX.patch} AS probe"]
        copies.append(f"COPY --from=probe /bin/busybox {BUSYBOX_PATH}")
    copies.append(f"COPY --from=build --chown={APP_UID}:{APP_UID} {built} {target}")
    runtime_image = f"debian:{DEBIAN_SLIM.patch}"
    header = [f"# Build image: {image} ({choice.reason}; tag published {choice.line.published}).",
              f"# Runtime image: {runtime_image} (tag published {DEBIAN_SLIM.published})."]
    if probe:
        header.append(f"# Probe: busybox:{BUSYBOX.patch} (static; tag published {BUSYBOX.published}) for the "
                      "health check (the runtime image has no wget or nc of its own).")
    if choice.eol_passed:
        header.append(f"# {'Rust' if rust else 'Go'} {choice.line.line} no longer gets security fixes: "
                      "plan the move to a maintained release.")
    return Recipe(
        header=tuple(header),
        stages=tuple(stages),
        runtime_image=runtime_image,
        probe="busybox",
        command=command,
        runtime_env=subject.port_env,
        runtime_copy=tuple(copies),
        runtime_setup=(f"install -d -o {APP_UID} -g {APP_UID} {DATA_DIR}",) if subject.file_store else (),
        ignores=("# Build output is rebuilt inside the image", "**/target") if rust else (),
        notes=("# Crates that link system libraries (openssl-sys, libpq) need their -dev packages in the build "
               "stage and the runtime libraries in the final one.",) if rust else (),
    )
