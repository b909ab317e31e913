"""Benchmark: time `plan` (review + design) for the largest bundled example.

Target (issue 4): under 0.5 s for the plan itself. Prints the figures; not a timed test.
Usage: .venv/bin/python bench/plan_example.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from launchbay.answersfile import load_answers
from launchbay.plan import build_design
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    examples = sorted((p for p in (ROOT / "examples").iterdir() if (p / "launchbay.yaml").exists()),
                      key=lambda p: sum(1 for _ in p.rglob("*")), reverse=True)
    largest = examples[0]
    profile = review_project(largest)
    answers = load_answers(largest / "launchbay.yaml")
    build_design(profile, answers)  # warm caches (price tables, capacity data)
    plan_times, review_times = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        profile = review_project(largest)
        t1 = time.perf_counter()
        build_design(profile, answers)
        t2 = time.perf_counter()
        review_times.append(t1 - t0)
        plan_times.append(t2 - t1)
    print(f"{largest.name}: build_design median {statistics.median(plan_times) * 1000:.1f} ms "
          f"(max {max(plan_times) * 1000:.1f} ms); review median {statistics.median(review_times) * 1000:.1f} ms; "
          f"{args.runs} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
