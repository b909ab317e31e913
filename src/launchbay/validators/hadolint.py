"""hadolint over the kit's Dockerfiles (its own checks plus ShellCheck on every RUN).

Which files: those named `Dockerfile` or `*.Dockerfile`. When the kit has a manifest
(`.launchbay/manifest.json`), only the Dockerfiles launchbay generated are checked: a Dockerfile the
user wrote is theirs to lint (launchbay uses it, never rewrites it). Without a manifest, every
Dockerfile under the root is checked. hadolint runs from the root, so a `.hadolint.yaml` there
(ignored rules, trusted registries) applies. Every finding hadolint prints counts, at any level.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from launchbay.generate import MANIFEST
from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool


def is_dockerfile(path: str) -> bool:
    name = PurePosixPath(path).name
    return name == "Dockerfile" or name.endswith(".Dockerfile")


def dockerfiles(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    """The Dockerfiles to lint: generated ones when a manifest says which, else all."""
    manifest = root / MANIFEST
    if manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        except (ValueError, AttributeError):
            recorded = None
        if isinstance(recorded, dict):
            return tuple(sorted(p for p in recorded if is_dockerfile(p) and (root / p).is_file()))
    return tuple(p for p in files if is_dockerfile(p))


def _first_line(message: object) -> str:
    lines = str(message or "").strip().splitlines()
    return lines[0] if lines else ""


def parse(stdout: str, root: Path) -> list[Finding]:
    """hadolint's JSON (a list of {file, line, code, level, message}) as (file, line, message)."""
    findings: list[Finding] = []
    for item in json.loads(stdout or "[]"):
        file = str(item.get("file", ""))  # as given: relative to the root, where hadolint runs
        if Path(file).is_absolute() and Path(file).is_relative_to(root.resolve()):
            file = Path(file).relative_to(root.resolve()).as_posix()
        findings.append((file, int(item.get("line", 0)),
                         f"{item.get('code', '?')} ({item.get('level', '?')}): {_first_line(item.get('message'))}"))
    return findings


class HadolintValidator:
    name = "hadolint"
    tool: str | None = "hadolint"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(dockerfiles(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = dockerfiles(root, files)
        if not targets:
            return Result(self.name, "FAIL", "no Dockerfile to check")
        proc = run_tool([tool.path if tool and tool.path else "hadolint", "--no-color", "--format", "json",
                         *targets], cwd=root, timeout=120)
        try:
            findings = parse(proc.stdout, root)
        except (ValueError, TypeError, AttributeError):
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            return Result(self.name, "FAIL", f"hadolint failed (exit {proc.returncode}): "
                          f"{detail[0] if detail else 'no output'}")
        if proc.returncode != 0 and not findings:
            return Result(self.name, "FAIL", f"hadolint exited {proc.returncode}: {proc.stderr.strip()[:200]}")
        count = f"{len(targets)} Dockerfile{'s' if len(targets) != 1 else ''}"
        if findings:
            return Result(self.name, "FAIL", f"{len(findings)} finding(s) in {count}", tuple(sorted(findings)))
        return Result(self.name, "PASS", f"{count}, no findings")
