"""Kubernetes schemas: every object the charts render (each environment's values) and every plain
manifest under `deploy/**/kubernetes/`, checked strictly (unknown fields rejected).

Built-in kinds go to `kubernetes-validate --strict` against Kubernetes 1.31; custom resources
(Argo Rollouts, External Secrets, Prometheus Operator, cert-manager) to `k8s-crd-validate`, which
checks them against their CRD schemas from the @kubernetes-models npm packages (scripts/setup). A
kind no schema knows is a failure, never a pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, find_tool, run_tool
from launchbay.validators.helm_charts import charts, documents, env_files, render, write_deploy_values
from launchbay.validators.scope import generated, read_text

K8S_VERSION = "1.31.0"
OUTPUT = re.compile(r"^(?P<level>ERROR|WARN)\s+(?P<file>\S+)\s+(?P<msg>.*)$")
DOC_START = re.compile(r"^---\s*$")


@dataclass(frozen=True)
class Obj:
    """One Kubernetes object and where it comes from (kit file, line, and for charts the values file)."""

    path: str
    line: int
    origin: str
    data: dict[str, Any]

    @property
    def label(self) -> str:
        meta = self.data.get("metadata") or {}
        name = meta.get("name", "?") if isinstance(meta, dict) else "?"
        return f"{self.data.get('kind', '?')}/{name}{self.origin}"


def plain_manifests(files: tuple[str, ...]) -> tuple[str, ...]:
    """deploy/**/kubernetes/**/*.yaml, outside any chart; Helm values files there (`values.yaml`,
    `<chart>-values.yaml`) are inputs of a chart, not objects, and are left to yamllint."""
    chart_dirs = charts(files)
    out = []
    for f in files:
        parts = f.split("/")
        name = parts[-1].rsplit(".", 1)[0]
        if parts[0] == "deploy" and "kubernetes" in parts[1:-1] and f.endswith((".yaml", ".yml")) \
                and not (name == "values" or name.startswith("values-") or name.endswith("-values")) \
                and not any(f.startswith(f"{c}/") for c in chart_dirs):
            out.append(f)
    return tuple(out)


def built_in(api_version: str) -> bool:
    """Core groups (v1, apps/v1, networking.k8s.io/v1 …); anything else is a custom resource."""
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    return group == "" or "." not in group or group.endswith(".k8s.io")


def _plain_objects(root: Path, path: str) -> tuple[list[Obj], list[Finding]]:
    text = read_text(root, path)
    if text is None:
        return [], [(path, 1, "unreadable manifest")]
    objs: list[Obj] = []
    start, chunk = 1, list[str]()
    for i, line in enumerate([*text.splitlines(), "---"], start=1):
        if DOC_START.match(line):
            try:
                data = yaml.safe_load("\n".join(chunk))
            except yaml.YAMLError as err:
                return objs, [(path, start, f"not YAML: {err}")]
            if isinstance(data, dict):
                first = next((n for n, c in enumerate(chunk) if c.strip() and not c.lstrip().startswith("#")), 0)
                objs.append(Obj(path, start + first, "", data))
            start, chunk = i + 1, []
        else:
            chunk.append(line)
    return objs, []


def _core(exe: str, objs: list[Obj], tmp: Path) -> list[Finding]:
    """kubernetes-validate --strict over the built-in objects, one file each so output maps back."""
    by_file: dict[str, Obj] = {}
    for i, obj in enumerate(objs):
        name = f"{i:04d}.yaml"
        (tmp / name).write_text(yaml.safe_dump(obj.data, sort_keys=False), encoding="utf-8")
        by_file[name] = obj
    if not by_file:
        return []
    proc = run_tool([exe, "--strict", "-k", K8S_VERSION, "--quiet", *sorted(by_file)], tmp, 300)
    found: list[Finding] = []
    for line in proc.stdout.splitlines() + proc.stderr.splitlines():
        m = OUTPUT.match(line.strip())
        if not m or m["file"] not in by_file:
            continue
        obj = by_file[m["file"]]
        msg = m["msg"]
        if "Couldn't find schema" in msg:
            kind = f"{obj.data.get('kind')} ({obj.data.get('apiVersion')})"
            msg = f"no schema for kind {kind} in Kubernetes {K8S_VERSION}"
        found.append((obj.path, obj.line, f"{obj.label}: {msg}"))
    if proc.returncode not in (0, 1) and not found:
        found.append((objs[0].path, 1, f"kubernetes-validate exited {proc.returncode}: {proc.stderr.strip()[-300:]}"))
    return found


def _custom(objs: list[Obj], root: Path) -> tuple[list[Finding], int]:
    """CRD schema checks; (findings, objects checked against a schema)."""
    if not objs:
        return [], 0
    tool = find_tool("k8s-crd-validate")
    if tool.path is None:
        return [(o.path, o.line, f"{o.label}: no schema for kind {o.data.get('kind')} ({o.data.get('apiVersion')}): "
                 f"k8s-crd-validate is not installed ({tool.hint})") for o in objs], 0
    proc = subprocess.run([tool.path], input=json.dumps([o.data for o in objs]), capture_output=True, text=True,
                          cwd=root, timeout=120, check=False)
    try:
        results: list[dict[str, Any]] = json.loads(proc.stdout)
    except ValueError:
        return [(objs[0].path, 1, f"k8s-crd-validate failed: {(proc.stderr or proc.stdout).strip()[-300:]}")], 0
    found: list[Finding] = []
    checked = 0
    for obj, res in zip(objs, results, strict=True):
        if res.get("schema") is None:
            found.append((obj.path, obj.line, f"{obj.label}: no schema for kind {obj.data.get('kind')} "
                          f"({obj.data.get('apiVersion')})"))
            continue
        checked += 1
        found += [(obj.path, obj.line, f"{obj.label}: {err}") for err in res.get("errors", [])]
        found += [(obj.path, obj.line, f"{obj.label}: unknown field {field}") for field in res.get("unknown", [])]
    return found, checked


class KubernetesValidator:
    name = "kubernetes"
    tool: str | None = "kubernetes-validate"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        files = generated(root, files)
        return bool(charts(files) or plain_manifests(files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        files = generated(root, files)
        exe = tool.path if tool and tool.path else "kubernetes-validate"
        helm = find_tool("helm")
        if charts(files) and helm.path is None:
            return Result(self.name, "SKIPPED", "helm not installed: the charts cannot be rendered", hint=helm.hint)
        objs: list[Obj] = []
        found: list[Finding] = []
        renders = 0
        with tempfile.TemporaryDirectory(prefix="launchbay-k8s-") as tmp_dir:
            tmp = Path(tmp_dir)
            jobs = [(c, v) for c in charts(files) for v in env_files(files, c)]
            extras = {c: write_deploy_values(tmp, c) for c in charts(files)}
            with ThreadPoolExecutor(max_workers=2) as pool:
                rendered = list(pool.map(lambda j: render(str(helm.path), root, j[0], j[1], extras[j[0]]), jobs))
            for r in rendered:
                if r.error:
                    found.append((r.values_file, 1, f"cannot render {r.chart} for {r.env}: {r.error}"))
                    continue
                renders += 1
                objs += [Obj(path, 1, f" [{r.env}]", data) for path, data in documents(r)]
            for path in plain_manifests(files):
                more, errors = _plain_objects(root, path)
                objs += more
                found += errors
            core = [o for o in objs if built_in(str(o.data.get("apiVersion", "")))]
            custom = [o for o in objs if not built_in(str(o.data.get("apiVersion", "")))]
            (tmp / "core").mkdir()
            found += _core(exe, core, tmp / "core")
            crd_found, crd_checked = _custom(custom, root)
            found += crd_found
        if not objs and not found:
            found.append((files[0] if files else ".", 1, "no Kubernetes object found to validate: a validator "
                          "that checked nothing is a failure"))
        kinds = sorted({str(o.data.get("kind")) for o in custom})
        summary = (f"{len(objs)} object(s) from {renders} chart render(s) and {len(plain_manifests(files))} plain "
                   f"manifest(s): {len(core)} built-in (Kubernetes {K8S_VERSION}, strict), {crd_checked} custom "
                   f"against CRD schemas ({', '.join(kinds) or 'none'})"
                   + (f"; {len(found)} finding(s)" if found else ""))
        return Result(self.name, "FAIL" if found else "PASS", summary, tuple(found))
