"""Phase 4 (checks): run every validator that applies to a kit, in parallel, and report per tool.

`validate_kit` is the verb. Status per validator is PASS, FAIL or SKIPPED (tool missing: the install
hint is shown; under strict a skip is an error).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.validators import REGISTRY
from launchbay.validators.base import Result, Validator, find_tool

SKIP_DIRS = {".git", ".launchbay", "node_modules", ".terraform", ".venv"}
EVIDENCE = ".launchbay/evidence/validation.json"
# The handover's own outputs record evidence, so they change after a validation by design: they are not
# part of the kit a validation vouches for.
HANDOVER_OUTPUTS = ("HANDOVER.md", "deployment-report.md", "architecture.dot", "architecture.svg")


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[Result, ...]
    strict: bool
    seconds: float

    @property
    def failed(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results
                     if r.status == "FAIL" or (self.strict and r.status == "SKIPPED"))


def kit_files(root: Path) -> tuple[str, ...]:
    """Every file under the kit root (relative POSIX paths), skipping tool and dependency folders."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        out.extend(name if rel_dir == "." else f"{rel_dir}/{name}" for name in filenames)
    return tuple(sorted(out))


def validate_kit(root: str | Path, *, strict: bool = False,
                 validators: Mapping[str, Validator] | None = None) -> ValidationReport:
    """Run every applicable validator over the kit under `root`, in parallel."""
    base = Path(root)
    if not base.is_dir():
        raise LaunchbayError(f"{root}: not a directory", hint="validate a project or --out folder")
    files = kit_files(base)
    chosen = [v for v in (REGISTRY if validators is None else validators).values() if v.applies(base, files)]
    started = time.perf_counter()

    def one(v: Validator) -> Result:
        tool = find_tool(v.tool) if v.tool else None
        if tool is not None and tool.path is None:
            return Result(v.name, "SKIPPED", f"{v.tool} not installed", hint=tool.hint)
        t0 = time.perf_counter()
        try:
            result = v.run(base, files, tool)
        except Exception as err:  # a validator crash is a failed check, reported with its cause
            result = Result(v.name, "FAIL", f"validator error: {type(err).__name__}: {err}")
        return replace(result, seconds=round(time.perf_counter() - t0, 2))

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(chosen)))) as pool:
        results = list(pool.map(one, chosen))
    return ValidationReport(results=tuple(sorted(results, key=lambda r: r.validator)), strict=strict,
                            seconds=round(time.perf_counter() - started, 2))


def kit_digest(root: Path) -> str | None:
    """A digest of the generated files as they are on disk now (from the manifest), or None without one.

    Evidence carries it, so a handover can tell a validation of this kit from one of an older kit."""
    manifest = root / ".launchbay" / "manifest.json"
    if not manifest.exists():
        return None
    try:
        paths = sorted(json.loads(manifest.read_text(encoding="utf-8")).get("files", {}))
    except (ValueError, AttributeError):
        return None
    digest = hashlib.sha256()
    for rel in paths:
        if rel.rsplit("/", 1)[-1] in HANDOVER_OUTPUTS:
            continue
        path = root / rel
        content = path.read_bytes() if path.is_file() else b"<missing>"
        digest.update(rel.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def write_evidence(report: ValidationReport, root: Path) -> Path:
    """Record this run under `.launchbay/evidence/` (state, not kit) for the handover checklist."""
    path = root / EVIDENCE
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "strict": report.strict,
            "kit_digest": kit_digest(root), "failed": [r.validator for r in report.failed],
            "results": [asdict(r) for r in report.results]}
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
