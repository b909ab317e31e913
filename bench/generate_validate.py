"""Benchmark: `generate` for the largest example (target < 1 s) and `validate` wall time with the
tools in parallel versus the slowest single validator (target ≤ 1.3×). Prints figures; not a test.
Usage: PATH=.tools/bin:$PATH .venv/bin/python bench/generate_validate.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from launchbay.answersfile import load_answers
from launchbay.generate import render_kit, write_kit
from launchbay.plan import build_design
from launchbay.review import review_project
from launchbay.validate import validate_kit

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--example", default="evm-dapp")
    args = parser.parse_args()
    source = ROOT / "examples" / args.example
    times = []
    files = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="launchbay-bench-") as tmp:
            project = Path(tmp) / args.example
            shutil.copytree(source, project)
            t0 = time.perf_counter()
            design = build_design(review_project(project), load_answers(project / "launchbay.yaml"))
            kit = render_kit(design)
            write_kit(kit, project)
            times.append(time.perf_counter() - t0)
            files = len(kit.files)
    print(f"generate {args.example} (review + plan + render + write, {files} files): median "
          f"{statistics.median(times):.2f} s over {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="launchbay-bench-") as tmp:
        project = Path(tmp) / args.example
        shutil.copytree(source, project)
        write_kit(render_kit(build_design(review_project(project), load_answers(project / "launchbay.yaml"))),
                  project)
        report = validate_kit(project, strict=False)
        slowest = max(report.results, key=lambda r: r.seconds)
        print(f"validate: wall {report.seconds:.1f} s for {len(report.results)} validators in parallel; slowest "
              f"single {slowest.validator} {slowest.seconds:.1f} s; ratio {report.seconds / slowest.seconds:.2f}")
        for r in report.results:
            print(f"  {r.status:<8}{r.validator:<14}{r.seconds:>6.1f} s  {r.summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
