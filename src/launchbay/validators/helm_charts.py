"""The Helm charts of a kit and how the validators render them, shared by the helm, kubernetes,
checkov and trivy validators so every tool looks at the same manifests.

A chart is rendered once per environment values file (`values-<env>.yaml`) plus the values the
pipeline supplies at deploy time (image repository and tag), exactly as `helm upgrade` would install
it. Validators run in parallel, so each renders what it needs into its own temporary folder (a
render takes a fraction of a second) rather than waiting for another.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from launchbay.validators.base import run_tool

CHART_FILE = "Chart.yaml"
NAMESPACE = "launchbay-validate"  # any namespace but `default`, as an install would use
ACCOUNT = "123456789012"  # the documentation account id: stands for the cluster's account
SOURCE = "# Source: "


def charts(files: tuple[str, ...]) -> tuple[str, ...]:
    """Chart folders: those holding a Chart.yaml."""
    return tuple(sorted(f.rsplit("/", 1)[0] for f in files if f.endswith(f"/{CHART_FILE}")))


def env_files(files: tuple[str, ...], chart: str) -> tuple[str, ...]:
    """The chart's per-environment values files (values-<env>.yaml)."""
    return tuple(sorted(f for f in files if f.startswith(f"{chart}/values-") and f.count("/") == chart.count("/") + 1
                        and f.endswith((".yaml", ".yml"))))


def env_name(values_file: str) -> str:
    name = values_file.rsplit("/", 1)[-1]
    return name.removeprefix("values-").rsplit(".", 1)[0]


def deploy_values(chart: str, region: str = "us-east-1") -> dict[str, Any]:
    """What the pipeline sets at deploy time: an ECR image by an immutable tag."""
    name = chart.rsplit("/", 1)[-1]
    return {"image": {"repository": f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/launchbay-validate/{name}",
                      "tag": "0.0.0-validate"}}


def write_deploy_values(tmp: Path, chart: str, *, tag: bool = True) -> Path:
    """The deploy-time values as a file (`tag=False`: the repository only, as if the tag were forgotten)."""
    values = deploy_values(chart)
    if not tag:
        del values["image"]["tag"]
    path = tmp / f"deploy-values-{chart.replace('/', '_')}{'' if tag else '-untagged'}.yaml"
    path.write_text(yaml.safe_dump(values, sort_keys=True), encoding="utf-8")
    return path


@dataclass
class Rendered:
    """One chart rendered with one environment's values: template path (in the kit) → manifest text."""

    chart: str
    values_file: str
    sources: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def env(self) -> str:
        return env_name(self.values_file)


def render(helm: str, root: Path, chart: str, values_file: str, extra: Path | None) -> Rendered:
    """`helm template` of one chart with one values file (+ the deploy-time values)."""
    name = chart.rsplit("/", 1)[-1]
    args = [helm, "template", name, chart, "--namespace", NAMESPACE, "--values", values_file]
    if extra is not None:
        args += ["--values", str(extra)]
    proc = run_tool(args, root, 120)
    out = Rendered(chart=chart, values_file=values_file)
    if proc.returncode != 0:
        out.error = (proc.stderr.strip() or proc.stdout.strip() or f"helm exited {proc.returncode}")[-800:]
        return out
    current: str | None = None
    chunks: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith(SOURCE):
            # "<chart name>/templates/x.yaml" → the template's path in the kit
            current = f"{chart}/{line[len(SOURCE):].strip().split('/', 1)[-1]}"
            chunks.setdefault(current, [])
        elif current is not None:
            chunks[current].append(line)
    out.sources = {path: "\n".join(lines).strip() + "\n" for path, lines in chunks.items()}
    return out


def documents(rendered: Rendered) -> list[tuple[str, dict[str, Any]]]:
    """(template path, object) for every object the render produced."""
    out: list[tuple[str, dict[str, Any]]] = []
    for path, text in sorted(rendered.sources.items()):
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict):
                out.append((path, doc))
    return out


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of values: maps merge key by key, anything else is replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return data if isinstance(data, dict) else {}


def prepare(root: Path, files: tuple[str, ...], tmp: Path) -> dict[str, tuple[str, str]]:
    """Copies of every chart, one per environment, whose values.yaml is that environment's complete
    values, for scanners that render a chart with its defaults only (checkov's helm framework, trivy).
    Returns copy folder name → (chart, values file)."""
    out: dict[str, tuple[str, str]] = {}
    for chart in charts(files):
        for values_file in env_files(files, chart):
            name = f"{chart.replace('/', '_')}--{env_name(values_file)}"
            target = tmp / name
            shutil.copytree(root / chart, target, ignore=shutil.ignore_patterns("values-*.y*ml"))
            values = merge(merge(_load(root / chart / "values.yaml"), _load(root / values_file)),
                           deploy_values(chart))
            (target / "values.yaml").write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")
            out[name] = (chart, values_file)
    return out


def kit_path(prepared: dict[str, tuple[str, str]], scanned: str) -> str:
    """A path a scanner reports inside a prepared copy (`api--production/templates/x.yaml`, maybe with a
    leading `/` or folder) → the file in the kit (`deploy/helm/api/templates/x.yaml`)."""
    clean = scanned.replace("\\", "/").lstrip("./")
    for name, (chart, _) in prepared.items():
        marker = f"/{name}/"
        if marker in f"/{clean}":
            rest = f"/{clean}".split(marker, 1)[1]
            base = chart.rsplit("/", 1)[-1]
            if rest.startswith(f"{base}/") and not rest.startswith("templates/"):
                rest = rest[len(base) + 1:]  # helm's `<chart name>/templates/x.yaml`
            return f"{chart}/{rest}"
    return clean
