"""Go and Rust images: compile on golang:<x.y.z>-bookworm / rust:<x.y.z>-slim-bookworm, run the binary
on a dated debian:bookworm-slim (same glibc as the builder, so cgo and dynamically linked crates work).

The runtime image has no shell tools beyond Debian's base: CA certificates come from the build stage,
and an HTTP health check borrows a statically linked busybox (`wget`) from a pinned image.
The binary keeps the relative path the start command names (`./server`, `./target/release/app`), so
the command in the image is the one in the Design.
"""

from __future__ import annotations

import posixpath

from launchbay.errors import LaunchbayError
from launchbay.renderers.dockerfile_common import APP_UID, DATA_DIR, Recipe, Subject, exec_form, run
from launchbay.renderers.dockerfile_images import (
    BUSYBOX,
    DEBIAN_SLIM,
    GO,
    GO_DEFAULT,
    RUST,
    RUST_DEFAULT,
    VersionChoice,
    choose,
)

SRC = "/src"
CERTS = "/etc/ssl/certs/ca-certificates.crt"


def _binary(subject: Subject, argv: tuple[str, ...]) -> tuple[str, tuple[str, ...], str | None]:
    """(binary path relative to the source root, start argv, build command) from the start command.

    `go run ./cmd/x` becomes a build of ./cmd/x and a run of the binary it produces."""
    if len(argv) >= 3 and argv[0] == "go" and argv[1] == "run":
        name = posixpath.basename(argv[2].rstrip("/")) or "app"
        name = "app" if name in {".", ""} else name
        return name, (f"./{name}", *argv[3:]), f"go build -o {name} {argv[2]}"
    if argv and argv[0] not in {"/bin/sh", "go", "cargo"}:
        rel = posixpath.normpath(argv[0])
        if not rel.startswith(("/", "..")):
            return rel, argv, subject.build_command
    raise LaunchbayError(f"{subject.component}: cannot tell which binary {subject.svc.start_command!r} runs",
                         hint="write a Dockerfile for it (launchbay then uses yours)")


def native_recipe(subject: Subject, build_args: list[str]) -> Recipe:
    rust = subject.runtime == "rust"
    choice: VersionChoice = (choose(RUST, "rust", subject.runtime_version, RUST_DEFAULT, minor_lines=True) if rust
                             else choose(GO, "go", subject.runtime_version, GO_DEFAULT, minor_lines=True))
    image = f"rust:{choice.version}-slim-bookworm" if rust else f"golang:{choice.version}-bookworm"
    argv, why = exec_form(subject.svc.start_command or "")
    binary, command, build = _binary(subject, argv)
    if rust:
        build = build or "cargo build --release"
        if build.startswith("cargo build") and "--locked" not in build:
            build += " --locked"
        deps = ["COPY . .", "RUN cargo fetch --locked", "", "FROM deps AS build"]
    else:
        build = build or f"go build -o {binary} ."
        deps = ["COPY go.mod go.sum* ./", "RUN go mod download", "", "FROM deps AS build", "COPY . ."]
    stages = [f"FROM {image} AS deps", f"WORKDIR {SRC}", *deps, *build_args, *run(build)]
    http = subject.svc.port is not None and subject.svc.health_path is not None
    copies = [f"COPY --from=build {CERTS} {CERTS}"]
    if http:
        stages += ["", f"FROM busybox:{BUSYBOX.patch} AS probe"]
        copies.append("COPY --from=probe /bin/busybox /usr/local/bin/busybox")
    copies.append(f"COPY --from=build --chown={APP_UID}:{APP_UID} {SRC}/{binary} ./{binary}")
    runtime_image = f"debian:{DEBIAN_SLIM.patch}"
    header = [f"# Build image: {image} ({choice.reason}; tag published {choice.line.published}).",
              f"# Runtime image: {runtime_image} (tag published {DEBIAN_SLIM.published})."]
    if http:
        header.append(f"# Probe: busybox:{BUSYBOX.patch} (static; tag published {BUSYBOX.published}) for the "
                      "HTTP health check.")
    if choice.eol_passed:
        header.append(f"# {'Rust' if rust else 'Go'} {choice.line.line} no longer gets security fixes: "
                      "plan the move to a maintained release.")
    return Recipe(
        header=tuple(header),
        stages=tuple(stages),
        runtime_image=runtime_image,
        probe="busybox",
        command=command,
        command_note=why,
        runtime_env=subject.port_env,
        runtime_copy=tuple(copies),
        runtime_setup=(f"install -d -o {APP_UID} -g {APP_UID} {DATA_DIR}",) if subject.file_store else (),
        ignores=("# Build output is rebuilt inside the image", "**/target") if rust else (),
        notes=("# Crates that link system libraries (openssl-sys, libpq) need their -dev packages in the build "
               "stage and the runtime libraries in the final one.",) if rust else (),
    )
