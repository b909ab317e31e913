"""Phase 4 (checks): run every validator that applies to a kit, in parallel, and report per tool.

`validate_kit` is the verb. Status per validator is PASS, FAIL or SKIPPED (tool missing: the install
hint is shown; under strict a skip is an error).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.validators import REGISTRY
from launchbay.validators.base import Result, Validator, find_tool

SKIP_DIRS = {".git", ".launchbay", "node_modules", ".terraform", ".venv"}


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
