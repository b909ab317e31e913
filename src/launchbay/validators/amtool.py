"""amtool check-config over the Alertmanager configuration: the kit's alertmanager.yml files and the
`alertmanager.config` embedded in kube-prometheus-stack values (written to a temporary file)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated, read_text


def configs(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(f for f in generated(root, files) if f.endswith(("/alertmanager/alertmanager.yml",
                                                                         "/alertmanager/alertmanager.yaml"))))


def stack_values(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(f for f in generated(root, files) if f.endswith("kube-prometheus-stack-values.yaml")))


def _message(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("Checking")]
    return " | ".join(lines)[:600] or "failed"


class AmtoolValidator:
    name = "amtool"
    tool: str | None = "amtool"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(configs(root, files) or stack_values(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        exe = (tool.path if tool else None) or "amtool"
        findings: list[Finding] = []
        checked = 0
        for f in configs(root, files):
            proc = run_tool([exe, "check-config", f], cwd=root, timeout=60)
            checked += 1
            if proc.returncode != 0:
                findings.append((f, 1, f"check-config: {_message(proc.stdout + proc.stderr)}"))
        for f in stack_values(root, files):
            text = read_text(root, f)
            try:
                config = (yaml.safe_load(text or "") or {}).get("alertmanager", {}).get("config")
            except (yaml.YAMLError, AttributeError) as exc:
                findings.append((f, 1, f"unreadable values: {exc}"))
                continue
            if not config:
                continue
            with tempfile.TemporaryDirectory(prefix="launchbay-am-") as tmp:
                path = Path(tmp) / "alertmanager.yml"
                path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
                proc = run_tool([exe, "check-config", str(path)], cwd=Path(tmp), timeout=60)
            checked += 1
            if proc.returncode != 0:
                findings.append((f, 1, f"alertmanager.config: {_message(proc.stdout + proc.stderr)}"))
        if checked == 0:
            return Result(self.name, "FAIL", "no Alertmanager configuration to check")
        return Result(self.name, "FAIL" if findings else "PASS",
                      f"{checked} Alertmanager configuration(s): {len(findings)} finding(s)", tuple(sorted(findings)))
