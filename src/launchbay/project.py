"""Load a project's Design the way `plan` does (review + launchbay.yaml), for commands after plan."""

from __future__ import annotations

import subprocess
from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design


def load_design(path: str | Path, rps_override: dict[str, int] | None = None) -> Design:
    from launchbay.answersfile import FILENAME, load_answers
    from launchbay.plan import build_design
    from launchbay.review import review_project

    answers_path = Path(path) / FILENAME
    if not answers_path.exists():
        raise LaunchbayError(f"{answers_path}: no answers yet", hint=f"run `launchbay interview {path}` first")
    return build_design(review_project(path), load_answers(answers_path), rps_override=rps_override)


def current_version(path: str | Path) -> str:
    """The project's commit (short SHA, `-dirty` when the tree has changes), or `unversioned`."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=path, capture_output=True, text=True,
                             timeout=10, check=False)
        if sha.returncode != 0:
            return "unversioned"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=path,
                               capture_output=True, text=True, timeout=30, check=False)
        return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unversioned"
