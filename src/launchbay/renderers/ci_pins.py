"""Every third-party thing a generated pipeline runs, pinned in one place.

Actions are pinned by full commit SHA (a tag can be moved; a commit cannot) and the tag is kept
beside it for the reader and for update tools. Each SHA below was read from the action's own
repository (`git show-ref --tags`, annotated tags dereferenced to their commit). Job images and tool
versions are exact releases, never a floating tag. Updating a pin is a one-line change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchbay.renderers.dockerfile_images import BUN, BUN_DEFAULT, LINES, pick
from launchbay.renderers.dockerfile_images import COREPACK_VERSION as COREPACK_VERSION  # node ^20.10 and up


@dataclass(frozen=True)
class ActionPin:
    repo: str
    sha: str
    tag: str

    @property
    def ref(self) -> str:
        return f"{self.repo}@{self.sha}"


ACTIONS: dict[str, ActionPin] = {
    "checkout": ActionPin("actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "setup-node": ActionPin("actions/setup-node", "820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    "setup-python": ActionPin("actions/setup-python", "5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "setup-go": ActionPin("actions/setup-go", "b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0"),
    "setup-uv": ActionPin("astral-sh/setup-uv", "20cfd1bf945f4377ade1205e4dbc17946fc9a30d", "v10.0.1"),
    "setup-bun": ActionPin("oven-sh/setup-bun", "0c5077e51419868618aeaa5fe8019c62421857d6", "v2.2.0"),
    "setup-helm": ActionPin("Azure/setup-helm", "9bc31f4ebc9c6b171d7bfbaa5d006ae7abdb4310", "v5.0.1"),
    "aws-credentials": ActionPin("aws-actions/configure-aws-credentials",
                                 "e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "ecr-login": ActionPin("aws-actions/amazon-ecr-login", "03f1aad4c6c7ffd436567f42f9384779290529bd", "v2.1.7"),
    "trivy": ActionPin("aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0"),
    "foundry-toolchain": ActionPin("foundry-rs/foundry-toolchain", "908c540300062bd5a7e473851cdb4282204cee09",
                                   "v1.9.1"),
    "upload-artifact": ActionPin("actions/upload-artifact", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}

# Tool releases the pipelines install (each checked against its project's tags or its registry).
TRIVY_VERSION = "0.74.0"
HELM_VERSION = "4.2.4"
UV_VERSION = "0.13.9"
POETRY_VERSION = "2.5.1"
PIPENV_VERSION = "2026.10.3"

# The bun the generated images run (oven/bun:<version>-slim), so CI tests with the same one.
BUN_VERSION = BUN[BUN_DEFAULT].patch
FOUNDRY_VERSION = "v1.5.1"  # forge/cast release (getfoundry.sh/releases, 2025-12-19)
FOUNDRY_IMAGE = f"ghcr.io/foundry-rs/foundry:{FOUNDRY_VERSION}"  # the release's image (GitLab jobs)
RUNNER = "ubuntu-24.04"  # a named runner image, not ubuntu-latest

# GitLab job images (exact tags of official images).
DOCKER_CLI_IMAGE = "docker:29.7.2-cli"
DOCKER_DIND_IMAGE = "docker:29.7.2-dind"
ALPINE_IMAGE = "alpine:3.24.1"
TRIVY_IMAGE = f"aquasec/trivy:{TRIVY_VERSION}"

_USES = re.compile(r"^(\s*(?:-\s+)?uses:\s+)(\S+)\s*$")


def exact_version(runtime_version: str | None, language: str | None) -> tuple[str, str]:
    """("node", "20.20.2") from "node 20": the release the generated image's base runs
    (dockerfile_images.pick), so the CI job tests exactly what ships."""
    runtime, _, written = (runtime_version or "").partition(" ")
    runtime = runtime.lower()
    if not runtime:
        runtime = {"typescript": "node", "javascript": "node", "python": "python", "go": "go",
                   "rust": "rust"}.get(language or "", "node")
    if runtime not in LINES:
        return runtime, written.strip().lstrip("v^~>=")
    return runtime, pick(runtime, runtime_version if written else None).version


def comment_tags(text: str) -> str:
    """Annotate each pinned `uses:` line with its tag (YAML dumpers cannot write comments)."""
    by_ref = {pin.ref: pin.tag for pin in ACTIONS.values()}
    out = []
    for line in text.split("\n"):
        match = _USES.match(line)
        if match and match.group(2) in by_ref:
            line = f"{line}  # {by_ref[match.group(2)]}"
        out.append(line)
    return "\n".join(out)
