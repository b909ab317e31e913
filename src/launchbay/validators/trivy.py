"""trivy misconfiguration scan of the Terraform tree, the Dockerfiles and the Helm charts of a kit.

HIGH and CRITICAL findings fail the check; a deliberate exception is an inline
`#trivy:ignore:AVD-...` comment (with its reason on the line above) in the generated file. A target
where trivy evaluated no check is a failure, never a pass. trivy renders charts itself (hooks, such as
a migration Job, are left out of its render: checkov scans them): each chart is scanned once per
environment, as a copy whose values.yaml holds that environment's values.
"""

from __future__ import annotations

import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.helm_charts import charts, kit_path, prepare
from launchbay.validators.iac_targets import TERRAFORM_DIR, dockerfiles, has_terraform
from launchbay.validators.scope import generated

SEVERITIES = ("HIGH", "CRITICAL")
RESOURCE = re.compile(r'^\s*resource\s+"[^"]+"\s+"[^"]+"', re.M)
FROM = re.compile(r"^\s*FROM\s", re.M | re.I)
DETECTED = re.compile(r"Detected config files\s+num=(\d+)")


WORKLOAD = re.compile(r"^kind:\s*(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod|ReplicaSet)\s*$", re.M)
MANIFEST = re.compile(r"^deploy/(?:.+/)?kubernetes/(?:.+/)?[^/]+\.ya?ml$")


def manifests(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    """Plain Kubernetes manifests of the kit that run workloads (chain nodes, gateway, signer, exporter):
    trivy's Kubernetes checks apply to them. Helm values files and CRD-only files are not workloads."""
    out = []
    for rel in files:
        if MANIFEST.match(rel) and "values" not in rel.rsplit("/", 1)[-1]:
            text = (root / rel).read_text(encoding="utf-8", errors="replace") if (root / rel).is_file() else ""
            if WORKLOAD.search(text):
                out.append(rel)
    return tuple(out)


def scannable(root: Path, target: str) -> int:
    """Resources (Terraform), build stages (Dockerfile) or workloads (manifest) in a target."""
    path = root / target
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return len(WORKLOAD.findall(path.read_text(encoding="utf-8", errors="replace")))
    if path.is_dir():
        return sum(len(RESOURCE.findall(p.read_text(encoding="utf-8", errors="replace")))
                   for p in sorted(path.rglob("*.tf")) if ".terraform" not in p.parts)
    return len(FROM.findall(path.read_text(encoding="utf-8", errors="replace"))) if path.is_file() else 0


class TrivyValidator:
    name = "trivy"
    tool: str | None = "trivy"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        files = generated(root, files)
        return (has_terraform(files) or bool(dockerfiles(files)) or bool(charts(files))
                or bool(manifests(root, files)))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        files = generated(root, files)  # the kit only: the user's own files are theirs
        exe = tool.path if tool and tool.path else "trivy"
        targets = ([TERRAFORM_DIR] if has_terraform(files) else []) + list(dockerfiles(files)) + list(
            manifests(root, files))

        def scan(target: str) -> tuple[str, list[Finding], int, int]:
            proc = run_tool([exe, "config", "--skip-check-update", "--format", "json", "--exit-code", "0", target],
                            root, 300)
            try:
                report: dict[str, Any] = json.loads(proc.stdout) if proc.stdout.strip() else {}
            except ValueError:
                report = {}
            if not report:
                return target, [(target, 1, f"trivy failed: {proc.stderr.strip()[-300:] or 'no output'}")], 0, 0
            detected = DETECTED.search(proc.stderr)
            if detected and detected.group(1) == "0":
                return target, [(target, 1, "trivy detected no config file here (0 resources scanned)")], 0, 0
            return (target, *_findings(report, target, (root / target).is_dir()))

        with tempfile.TemporaryDirectory(prefix="launchbay-trivy-helm-") as helm_tmp:
            prepared = prepare(root, files, Path(helm_tmp)) if charts(files) else {}
            if prepared:
                targets.append(helm_tmp)
            with ThreadPoolExecutor(max_workers=max(1, min(4, len(targets)))) as pool:
                results = list(pool.map(scan, targets))
        findings: list[Finding] = []
        evaluated = failed_low = 0
        for target, found, ok, low in results:
            if prepared and target == helm_tmp:  # a rendered copy → the chart in the kit
                found = [(kit_path(prepared, path), line, msg) for path, line, msg in found]
                target = ", ".join(charts(files))
            findings.extend(found)
            evaluated += ok
            failed_low += low
            count = len(prepared) if target == ", ".join(charts(files)) else scannable(root, target)
            if (ok == 0 or count == 0) and not found:
                findings.append((target, 1, "trivy scanned nothing here (0 resources): "
                                 "a scanner that checked nothing is a failure"))
        high = sum(1 for f in findings if f[2].startswith(SEVERITIES))
        summary = (f"{len(targets)} target(s), {evaluated} checks evaluated: {high} HIGH/CRITICAL, "
                   f"{failed_low} lower-severity finding(s) not counted")
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))


def _findings(report: dict[str, Any], target: str, is_dir: bool) -> tuple[list[Finding], int, int]:
    """(HIGH/CRITICAL findings, checks evaluated, lower-severity failures) of one trivy report."""
    out: list[Finding] = []
    evaluated = low = 0
    for res in report.get("Results") or []:
        summary = res.get("MisconfSummary") or {}
        evaluated += int(summary.get("Successes", 0)) + int(summary.get("Failures", 0))
        for mis in res.get("Misconfigurations") or []:
            if mis.get("Status") != "FAIL":
                continue
            if mis.get("Severity") not in SEVERITIES:
                low += 1
                continue
            where = str(res.get("Target") or "")
            path = f"{target}/{where}" if is_dir and where else target
            line = int((mis.get("CauseMetadata") or {}).get("StartLine") or 1)
            ident = mis.get("AVDID") or mis.get("ID")
            out.append((path, line,
                        f"{mis.get('Severity')} {ident}: {mis.get('Title')} — {mis.get('Message', '')}".strip()))
    return out, evaluated, low
