"""What the IaC scanners look at in a kit: the Terraform tree, Dockerfiles and CI workflows.

Shared by the checkov and trivy validators so both scan the same files.
"""

from __future__ import annotations

import re

TERRAFORM_DIR = "deploy/terraform"
DOCKERFILE = re.compile(r"(^|/)(Dockerfile|[^/]+\.Dockerfile|Dockerfile\.[^/]+)$")
WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
GITLAB = ".gitlab-ci.yml"


def has_terraform(files: tuple[str, ...]) -> bool:
    return any(f.startswith(TERRAFORM_DIR + "/") and f.endswith(".tf") for f in files)


def dockerfiles(files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in files if DOCKERFILE.search(f) and not f.endswith((".dockerignore", ".md")))


def workflows(files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in files if WORKFLOW.match(f) or f == GITLAB)


def relative(path: str, base: str) -> str:
    """A scanner's path (absolute, `/x` relative to its target, or `./x`) as a kit-relative path."""
    clean = path.replace("\\", "/")
    if base and clean.startswith(base.rstrip("/") + "/"):
        return clean[len(base.rstrip("/")) + 1:]
    while clean.startswith(("./", "/")):
        clean = clean.removeprefix("./").removeprefix("/")
    return clean
