"""Python images: uv, poetry or pip into a virtualenv at /opt/venv, on python:<x.y.z>-slim-bookworm.

deps builds the virtualenv from the lock alone (`uv sync --frozen --no-install-project`, `poetry
install --no-root`, `pip install -r`), so that layer changes only with the lock; build adds the
source (and, for uv, installs the project itself); runtime copies the virtualenv (owned by root:
the app cannot change its own dependencies) and the source, and puts the venv first on PATH so the
start command's tools (uvicorn, gunicorn, celery, arq) resolve. That is also why a `uv run` /
`poetry run` / `pipenv run` / `pdm run` prefix is dropped from the start command: the image has the
environment but not the tool that would activate it. A web server is told to listen on 0.0.0.0
(dockerfile_bind).
"""

from __future__ import annotations

import re

from launchbay.errors import LaunchbayError
from launchbay.renderers.dockerfile_common import APP_DIR, APP_UID, DATA_DIR, Recipe, Subject, run, start_argv
from launchbay.renderers.dockerfile_images import POETRY_VERSION, UV_VERSION, VersionChoice, pick

VENV = "/opt/venv"
PY_IGNORES = (
    "# Python: the virtualenv is rebuilt inside the image",
    "**/.venv",
    "**/venv",
    "**/__pycache__",
    "**/*.py[cod]",
    "**/.pytest_cache",
    "**/.mypy_cache",
    "**/.ruff_cache",
    "**/.tox",
    "**/*.egg-info",
)


# `uv run --frozen -- x`, `poetry run x`, at the start of the command or of any `&&` / `;` step.
_RUNNER = re.compile(r"(^|&&|\|\||;)(\s*)(?:(?:poetry|pipenv|pdm)\s+run|uv\s+run"
                     r"(?:\s+--(?:frozen|locked|no-sync|no-dev|offline|quiet|all-extras|no-project|active))*"
                     r"(?:\s+--(?=\s))?)\s+")


def python_version(subject: Subject) -> VersionChoice:
    return pick("python", subject.runtime_version)


def without_runner(command: str) -> str:
    """`uv run uvicorn app:app` → `uvicorn app:app`: the venv is already first on PATH."""
    return _RUNNER.sub(r"\1\2", command)


def _deps(subject: Subject) -> list[str]:
    manager = subject.manager
    pip = "pip install --no-cache-dir --root-user-action=ignore"
    if manager == "uv":
        return [
            f"ENV UV_PROJECT_ENVIRONMENT={VENV} UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1 \\",
            "    UV_PYTHON_DOWNLOADS=never",
            f"RUN {pip} uv=={UV_VERSION}",
            f"WORKDIR {APP_DIR}",
            "COPY pyproject.toml uv.lock ./",
            "RUN uv sync --frozen --no-dev --no-install-project",
        ]
    if manager == "poetry":
        return [
            f"ENV VIRTUAL_ENV={VENV} POETRY_NO_INTERACTION=1",
            *run(f"python -m venv {VENV}", "python -m venv /opt/poetry",
                 f"/opt/poetry/bin/{pip} poetry=={POETRY_VERSION}"),
            f"WORKDIR {APP_DIR}",
            "COPY pyproject.toml poetry.lock ./",
            "# Poetry installs into the activated virtualenv named by VIRTUAL_ENV.",
            "RUN /opt/poetry/bin/poetry install --only main --no-root --no-ansi",
        ]
    if manager == "pip":
        return [
            f"WORKDIR {APP_DIR}",
            "COPY requirements.txt ./",
            *run(f"python -m venv {VENV}", f"{VENV}/bin/{pip} -r requirements.txt"),
        ]
    raise LaunchbayError(f"{subject.component}: cannot generate a Dockerfile for package manager {manager!r}",
                         hint="write a Dockerfile for it (launchbay then uses yours), or use uv, poetry or pip")


def python_recipe(subject: Subject, build_args: list[str]) -> Recipe:
    choice = python_version(subject)
    image = f"python:{choice.version}-slim-bookworm"
    build_steps = ["uv sync --frozen --no-dev"] if subject.manager == "uv" else []
    if subject.build_command:
        build_steps.append(subject.build_command)
    stages = [
        f"FROM {image} AS deps",
        *_deps(subject),
        "",
        "FROM deps AS build",
        "COPY . .",
        *build_args,
        f"ENV PATH={VENV}/bin:$PATH",
    ]
    if build_steps:
        stages += run(*build_steps)
    argv, why, bind = start_argv(without_runner(subject.svc.start_command or ""), subject.svc.port)
    header = [f"# Base image: {image} ({choice.reason}; tag published {choice.line.published})."]
    if choice.eol_passed:
        header.append(f"# Python {choice.line.line} reached end of life in {choice.line.eol}: plan the move to a "
                      "maintained line.")
    return Recipe(
        header=tuple(header),
        stages=tuple(stages),
        runtime_image=image,
        probe="python",
        command=argv,
        command_note=why,
        bind_note=bind,
        # PYTHONPATH: a console script (arq, rq, celery) imports the app's modules from /app like `python -m`.
        runtime_env=(("PYTHONDONTWRITEBYTECODE", "1"), ("PYTHONUNBUFFERED", "1"), ("PYTHONPATH", APP_DIR),
                     *subject.port_env),
        runtime_path=f"{VENV}/bin",
        runtime_copy=(f"COPY --from=build {VENV} {VENV}",
                      f"COPY --from=build --chown={APP_UID}:{APP_UID} {APP_DIR} ./"),
        runtime_setup=(f"install -d -o {APP_UID} -g {APP_UID} {DATA_DIR}",) if subject.file_store else (),
        ignores=PY_IGNORES,
    )
