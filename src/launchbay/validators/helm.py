"""Helm: lint (strict) and render every chart of the kit with each environment's values file, as the
pipeline installs it; `values.schema.json` is enforced by both. Two more checks a chart must pass:
its schema refuses unknown keys, and it refuses to render without a deploy-time image tag (so no
release can silently run a default or `latest` image).

The helm executable is the real one or launchbay's shim over helm-python-sdk (scripts/setup).
"""

from __future__ import annotations

import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.helm_charts import NAMESPACE, charts, env_files, render, write_deploy_values
from launchbay.validators.scope import generated

LINT_LINE = re.compile(r"^\[(?P<level>ERROR|WARNING)\] (?P<path>[^:]*): (?P<msg>.*)$")


def _lint(exe: str, root: Path, chart: str, values_file: str, extra: Path) -> list[Finding]:
    proc = run_tool([exe, "lint", chart, "--strict", "--namespace", NAMESPACE, "--values", values_file,
                     "--values", str(extra)], root, 120)
    found: list[Finding] = []
    for line in proc.stdout.splitlines():
        m = LINT_LINE.match(line.strip())
        if m:
            where = f"{chart}/{m['path'].rstrip('/')}" if m["path"] else chart
            found.append((where, 1, f"helm lint ({values_file.rsplit('/', 1)[-1]}): [{m['level']}] {m['msg']}"))
    if proc.returncode != 0 and not found:
        found.append((chart, 1, f"helm lint failed: {(proc.stderr or proc.stdout).strip()[-400:]}"))
    return found


def _schema(root: Path, chart: str) -> list[Finding]:
    path = f"{chart}/values.schema.json"
    try:
        schema = json.loads((root / path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [(f"{chart}/Chart.yaml", 1, "no values.schema.json: values are not checked before install")]
    except ValueError as err:
        return [(path, 1, f"values.schema.json is not JSON: {err}")]
    if not isinstance(schema, dict) or schema.get("additionalProperties") is not False:
        return [(path, 1, "values.schema.json accepts unknown top-level keys (additionalProperties is not false)")]
    return []


class HelmValidator:
    name = "helm"
    tool: str | None = "helm"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(charts(generated(root, files)))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        files = generated(root, files)
        exe = tool.path if tool and tool.path else "helm"
        found: list[Finding] = []
        jobs: list[tuple[str, str]] = []
        for chart in charts(files):
            found += _schema(root, chart)
            envs = env_files(files, chart)
            if not envs:
                found.append((f"{chart}/Chart.yaml", 1, "no values-<environment>.yaml: nothing says how to install it"))
            jobs += [(chart, v) for v in envs]
        with tempfile.TemporaryDirectory(prefix="launchbay-helm-") as tmp:
            extras = {chart: write_deploy_values(Path(tmp), chart) for chart in charts(files)}
            untagged_extras = {chart: write_deploy_values(Path(tmp), chart, tag=False) for chart in charts(files)}

            def check(job: tuple[str, str]) -> list[Finding]:
                chart, values_file = job
                out = _lint(exe, root, chart, values_file, extras[chart])
                rendered = render(exe, root, chart, values_file, extras[chart])
                if rendered.error:
                    out.append((values_file, 1, f"helm template failed: {rendered.error}"))
                elif not rendered.sources:
                    out.append((values_file, 1, "helm template rendered no manifest"))
                return out

            def untagged(chart: str) -> list[Finding]:
                values_file = env_files(files, chart)[0]
                if not render(exe, root, chart, values_file, untagged_extras[chart]).error:
                    return [(f"{chart}/values.yaml", 1, "the chart renders without a deploy-time image tag: a "
                             "default tag (or `latest`) could be installed; require image.tag in the schema")]
                return []

            with ThreadPoolExecutor(max_workers=2) as pool:
                for result in pool.map(check, jobs):
                    found += result
                for result in pool.map(untagged, [c for c in charts(files) if env_files(files, c)]):
                    found += result
        summary = (f"{len(charts(files))} chart(s) × their environments ({len(jobs)} lint + render run(s)): "
                   + (f"{len(found)} finding(s)" if found else "clean"))
        return Result(self.name, "FAIL" if found else "PASS", summary, tuple(found))
