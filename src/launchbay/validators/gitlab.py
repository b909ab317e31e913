"""GitLab CI: the generated `.gitlab-ci.yml` against GitLab's published schema (check-jsonschema's
vendored copy, offline), and every job's shell (before_script + script) through shellcheck, in the
shell the job's image runs (busybox ash on Alpine-based images, bash elsewhere)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated

PIPELINE = ".gitlab-ci.yml"
KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
            "before_script", "after_script"}
ALPINE_IMAGES = ("alpine:", "docker:")


def _lines(text: str) -> dict[str, int]:
    """Top-level key → its 1-based line, to place findings."""
    out: dict[str, int] = {}
    node = yaml.compose(text)
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            out[str(key.value)] = key.start_mark.line + 1
    return out


def _schema_findings(root: Path, tool: Tool | None, lines: dict[str, int]) -> tuple[list[Finding], str | None]:
    cmd = tool.path if tool and tool.path else "check-jsonschema"
    proc = run_tool([cmd, "--builtin-schema", "vendor.gitlab-ci", "--output-format", "json", PIPELINE], cwd=root)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return [], f"check-jsonschema exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[:300]}"
    findings: list[Finding] = []
    for err in [*data.get("errors", []), *data.get("parse_errors", [])]:
        path = str(err.get("path", "$"))
        top = path.split(".")[1] if path.count(".") >= 1 else ""
        best = err.get("best_match", {}).get("message")
        findings.append((PIPELINE, lines.get(top, 1), f"{path}: {best or err.get('message', err)}"))
    return findings, None


def _job_scripts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(job, shell, script) for each job that runs shell."""
    out = []
    default = doc.get("default") or {}
    for name, job in doc.items():
        if name in KEYWORDS or name.startswith(".") or not isinstance(job, dict) or "script" not in job:
            continue
        image = job.get("image", default.get("image", ""))
        image = image.get("name", "") if isinstance(image, dict) else str(image)
        shell = "busybox" if image.startswith(ALPINE_IMAGES) else "bash"
        parts = [*_items(job.get("before_script", default.get("before_script"))), *_items(job["script"])]
        out.append((name, shell, "\n".join(parts) + "\n"))
    return out


def _items(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _shellcheck(doc: dict[str, Any], lines: dict[str, int], shellcheck: str) -> list[Finding]:
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="launchbay-gitlab-") as tmp:
        for job, shell, body in _job_scripts(doc):
            path = Path(tmp) / "job.sh"
            path.write_text(body, encoding="utf-8")
            proc = subprocess.run([shellcheck, f"--shell={shell}", "--format=json1", str(path)],
                                  capture_output=True, text=True, timeout=60, check=False)
            try:
                comments = json.loads(proc.stdout or "{}").get("comments", [])
            except ValueError:
                comments = [{"code": 0, "message": proc.stderr.strip()[:200], "line": 0}]
            for c in comments:
                where = f"{job}: shellcheck SC{c.get('code')} (script line {c.get('line')})"
                findings.append((PIPELINE, lines.get(job, 1), f"{where}: {c.get('message')}"))
    return findings


class GitLabCIValidator:
    name = "gitlab-ci"
    tool: str | None = "check-jsonschema"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return PIPELINE in generated(root, files)

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        text = (root / PIPELINE).read_text(encoding="utf-8")
        try:
            doc = yaml.safe_load(text)
            lines = _lines(text)
        except yaml.YAMLError as err:
            return Result(self.name, "FAIL", "not YAML", ((PIPELINE, 1, str(err)),))
        if not isinstance(doc, dict):
            return Result(self.name, "FAIL", "not a mapping", ((PIPELINE, 1, "the pipeline must be a mapping"),))
        findings, broke = _schema_findings(root, tool, lines)
        if broke:
            return Result(self.name, "FAIL", broke)
        shellcheck = shutil.which("shellcheck")
        if shellcheck:
            findings += _shellcheck(doc, lines, shellcheck)
        jobs = len(_job_scripts(doc))
        scope = f"schema vendor.gitlab-ci, {jobs} job script(s) " + ("shellchecked" if shellcheck else
                                                                     "NOT shellchecked (no shellcheck)")
        if findings:
            return Result(self.name, "FAIL", f"{len(findings)} finding(s): {scope}", tuple(findings))
        return Result(self.name, "PASS", f"{scope}: no findings")
