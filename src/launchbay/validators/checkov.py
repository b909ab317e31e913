"""checkov over the Terraform tree, the Dockerfiles, the CI workflows and the Helm charts of a kit.

Every failed check is a finding (checkov has no severities offline). A deliberate exception is an
inline `#checkov:skip=<ID>:<reason>` in the file, which checkov honours and reports as skipped. A run
that evaluated no check at all is a failure, never a pass (e.g. a framework that silently found nothing).
Charts are scanned by checkov's helm framework (it calls `helm template`), once per environment: each
is a copy whose values.yaml holds that environment's values; a skip there is a `checkov.io/skipN`
annotation on the workload.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, find_tool, run_tool
from launchbay.validators.helm_charts import NAMESPACE, charts, kit_path, prepare
from launchbay.validators.iac_targets import TERRAFORM_DIR, dockerfiles, has_terraform, relative, workflows
from launchbay.validators.scope import generated

ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "",
       "HELM_NAMESPACE": NAMESPACE}
FILE_FRAMEWORKS = ("dockerfile", "github_actions", "gitlab_ci")


def _reports(stdout: str) -> list[dict[str, Any]]:
    data = json.loads(stdout)
    items = data if isinstance(data, list) else [data]
    return [r for r in items if isinstance(r, dict) and "results" in r]


class CheckovValidator:
    name = "checkov"
    tool: str | None = "checkov"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        files = generated(root, files)
        return has_terraform(files) or bool(dockerfiles(files)) or bool(workflows(files)) or bool(charts(files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        files = generated(root, files)  # the kit only: the user's own files are theirs
        exe = tool.path if tool and tool.path else "checkov"
        base = [exe, "--skip-download", "--quiet", "-o", "json", "--compact"]
        jobs: list[tuple[str, list[str]]] = []
        if has_terraform(files):
            jobs.append(("terraform", [*base, "-d", TERRAFORM_DIR, "--framework", "terraform"]))
        singles = [*dockerfiles(files), *workflows(files)]
        if singles:
            args = [*base, "--framework", *FILE_FRAMEWORKS]
            for f in singles:
                args += ["-f", f]
            jobs.append(("files", args))
        where = {"terraform": TERRAFORM_DIR, "files": singles[0] if singles else "",
                 "helm": charts(files)[0] if charts(files) else ""}
        findings: list[Finding] = []
        with tempfile.TemporaryDirectory(prefix="launchbay-checkov-helm-") as helm_tmp:
            prepared = prepare(root, files, Path(helm_tmp)) if charts(files) else {}
            if prepared:
                jobs.append(("helm", [*base, "-d", helm_tmp, "--framework", "helm"]))
                if find_tool("helm").path is None:
                    findings.append((where["helm"], 1, "helm is not installed: checkov's helm framework scans "
                                     f"nothing without it ({find_tool('helm').hint})"))
            with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
                runs = list(pool.map(lambda job: (job[0], run_tool(job[1], root, 600, env=ENV)), jobs))
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for label, proc in runs:
            try:
                reports = _reports(proc.stdout) if proc.stdout.strip() else []
            except ValueError:
                findings.append((where[label], 1, f"checkov ({label}) output unreadable: {proc.stderr.strip()[-300:]}"))
                continue
            evaluated = 0
            for report in reports:
                summary = report.get("summary", {})
                for k in counts:
                    counts[k] += int(summary.get(k, 0))
                evaluated += sum(int(summary.get(k, 0)) for k in counts)
                findings.extend(_failed(report, label, prepared))
                if int(summary.get("parsing_errors", 0)):
                    findings.append((where[label], 1, f"checkov could not parse {summary['parsing_errors']} file(s)"))
            if evaluated == 0:
                target = {"terraform": TERRAFORM_DIR, "files": ", ".join(singles)}.get(label, ", ".join(charts(files)))
                findings.append((target.split(", ")[0], 1, f"checkov scanned nothing in {target} (0 checks run): "
                                 "a scanner that checked nothing is a failure"))
        scanned = [label for label in ("terraform",) if has_terraform(files)]
        if singles:
            scanned.append(f"{len(singles)} Dockerfile/workflow file(s)")
        if prepared:
            scanned.append(f"{len(charts(files))} Helm chart(s) × {len(prepared)} environment render(s)")
        summary = (f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped inline "
                   f"({', '.join(scanned)})")
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))


def _failed(report: dict[str, Any], label: str, prepared: dict[str, tuple[str, str]]) -> list[Finding]:
    out: list[Finding] = []
    for check in report.get("results", {}).get("failed_checks", []):
        path = str(check.get("repo_file_path") or check.get("file_path") or "")
        rel = relative(path, "")
        if label == "helm":  # a rendered copy → the chart's template (lines of a render do not map back)
            name = next((n for n in prepared if f"/{n}/" in f"/{rel}"), "")
            out.append((kit_path(prepared, rel), 1, f"{check.get('check_id')}: {check.get('check_name')} "
                        f"({check.get('resource')}, values-{name.rsplit('--', 1)[-1]}.yaml)"))
            continue
        if label == "terraform" and not rel.startswith(TERRAFORM_DIR + "/"):
            rel = f"{TERRAFORM_DIR}/{rel}"
        lines = check.get("file_line_range") or [1]
        message = f"{check.get('check_id')}: {check.get('check_name')} ({check.get('resource')})"
        out.append((rel, int(lines[0] or 1), message))
    return out
