"""`terraform fmt -check` over deploy/terraform, then `terraform validate` of every root (each
environment and the bootstrap) against an offline provider mirror.

Each root is initialised in a temporary copy of the tree (`init -backend=false -plugin-dir=<mirror>`),
so no `.terraform/` folder or lock file is ever left in the kit. The mirror comes from
LAUNCHBAY_TF_PLUGIN_DIR, else from the usual plugin folders; without one, init uses the registry.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.iac_targets import TERRAFORM_DIR, has_terraform
from launchbay.validators.scope import generated

MIRROR_ENV = "LAUNCHBAY_TF_PLUGIN_DIR"
PROVIDER = Path("registry.terraform.io") / "hashicorp" / "aws"
HUNK = re.compile(r"^@@ -(\d+)")
CLEAN_ENV = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0"}


def plugin_mirror() -> Path | None:
    """A filesystem mirror holding hashicorp/aws: the setting first, then the usual plugin folders."""
    stated = os.environ.get(MIRROR_ENV)
    if stated:
        return Path(stated) if Path(stated).is_dir() else None
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME", home / ".local" / "share"))
    candidates = [home / ".terraform.d" / "plugins", data / "terraform" / "plugins",
                  Path("/usr/local/share/terraform/plugins"), Path("/usr/share/terraform/plugins")]
    opt = Path("/opt")
    if opt.is_dir():
        candidates += sorted(p for p in opt.iterdir() if p.is_dir())
    for base in candidates:
        if any((base / PROVIDER).glob("*/*/terraform-provider-aws*")):
            return base
    return None


def roots(files: tuple[str, ...]) -> tuple[str, ...]:
    """Every environment root and the bootstrap root that hold .tf files."""
    dirs = {f.rsplit("/", 1)[0] for f in files if f.endswith(".tf")}
    envs = sorted(d for d in dirs if re.fullmatch(rf"{TERRAFORM_DIR}/envs/[^/]+", d))
    boot = [d for d in (f"{TERRAFORM_DIR}/bootstrap",) if d in dirs]
    return (*envs, *boot)


class TerraformValidator:
    name = "terraform"
    tool: str | None = "terraform"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        files = generated(root, files)
        return has_terraform(files)

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        files = generated(root, files)  # the kit only: the user's own files are theirs
        exe = tool.path if tool and tool.path else "terraform"
        findings = list(_fmt(exe, root))
        todo = roots(files)
        mirror = plugin_mirror()
        with tempfile.TemporaryDirectory(prefix="launchbay-tf-") as tmp:
            shutil.copytree(root / TERRAFORM_DIR, Path(tmp) / TERRAFORM_DIR,
                            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"))
            with ThreadPoolExecutor(max_workers=max(1, min(4, len(todo)))) as pool:
                for found in pool.map(lambda r: _validate(exe, Path(tmp), r, mirror), todo):
                    findings.extend(found)
        where = f"mirror {mirror}" if mirror else f"registry (no plugin mirror found; set {MIRROR_ENV})"
        names = ", ".join(r.removeprefix(TERRAFORM_DIR + "/") for r in todo)
        summary = f"fmt, and validate of {len(todo)} root(s) ({names}): {len(findings)} finding(s); providers: {where}"
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))


def _fmt(exe: str, root: Path) -> list[Finding]:
    """One finding per unformatted file, at its first line `terraform fmt` would change."""
    proc = run_tool([exe, "fmt", "-check", "-recursive", "-diff", "-no-color", TERRAFORM_DIR], root, 120,
                    env=CLEAN_ENV)
    if proc.returncode == 0:
        return []
    first: dict[str, int] = {}
    current: str | None = None
    line = 0
    for text in proc.stdout.splitlines():
        if text.startswith("--- old/"):
            current, line = text.removeprefix("--- old/").strip(), 0
            first.setdefault(current, 1)
        elif current is None or text.startswith("+++ "):
            continue
        elif m := HUNK.match(text):
            line = int(m.group(1))
        elif line and text.startswith(" "):
            line += 1
        elif line and text.startswith(("-", "+")):
            first[current] = line
            current = None
    out: list[Finding] = [(f, n, "not formatted as `terraform fmt` writes it") for f, n in sorted(first.items())]
    if not out:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        out.append((TERRAFORM_DIR, 1, f"terraform fmt failed: {tail}"))
    return out


def _validate(exe: str, tmp: Path, rel: str, mirror: Path | None) -> list[Finding]:
    cwd = tmp / rel
    init = [exe, "init", "-backend=false", "-input=false", "-no-color"]
    if mirror is not None:
        init.append(f"-plugin-dir={mirror}")
    proc = run_tool(init, cwd, 180, env=CLEAN_ENV)
    if proc.returncode != 0:
        errors = [x.strip(" │╷╵") for x in proc.stderr.splitlines() if x.strip(" │╷╵")]
        message = next((x for x in errors if x.startswith("Error")), errors[0] if errors else "init failed")
        return [(rel, 1, f"terraform init: {message}")]
    proc = run_tool([exe, "validate", "-json", "-no-color"], cwd, 180, env=CLEAN_ENV)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        return [(rel, 1, "terraform validate: unreadable output: " + proc.stderr.strip()[:200])]
    out: list[Finding] = []
    for diag in report.get("diagnostics", []):
        rng = diag.get("range") or {}
        fname = rng.get("filename")
        path = os.path.normpath(f"{rel}/{fname}") if fname else rel
        detail = f"{diag.get('severity', 'error')}: {diag.get('summary', '')}"
        if diag.get("detail"):
            detail += f" — {diag['detail'].splitlines()[0]}"
        out.append((path, int((rng.get("start") or {}).get("line", 1)), f"{detail} (root {rel})"))
    if not report.get("valid", False) and not out:
        out.append((rel, 1, "terraform validate reported the root invalid"))
    return out
