"""Benchmark: build a synthetic 20,000-file monorepo and time `review` over it.

Target (issue 2): under 3 s on a 2-core machine. Prints the figures; not a timed test.
Usage: .venv/bin/python bench/review_monorepo.py [--files 20000] [--runs 3] [--git]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TS_FILE = """import {{ z }} from "zod";
const limit = Number(process.env.RATE_LIMIT_{n} ?? 100);
export function handler{n}(input: string): string {{
  return input.repeat(limit % 3);
}}
"""
PY_FILE = """import os

TIMEOUT = int(os.getenv("TIMEOUT_{n}", "30"))


def job_{n}(x: int) -> int:
    return x * TIMEOUT
"""
GO_FILE = """package pkg

import "os"

func Value{n}() string {{ return os.Getenv("GO_VALUE_{n}") }}
"""


def build(root: Path, total: int) -> int:
    """Write `total` files spread over TypeScript, Python and Go packages; returns files written."""
    written = 0
    pkg = 0
    (root / "package.json").write_text(json.dumps({"name": "mono", "private": True, "workspaces": ["apps/*"]}))
    (root / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    docs = root / "docs"
    docs.mkdir()
    (docs / "prd.md").write_text("# PRD\n\n## Goals\n- Serve 5,000 daily active users at 99.9% uptime.\n")
    written += 4
    while written < total:
        kind = ("ts", "py", "go")[pkg % 3]
        base = root / "apps" / f"svc{pkg:03d}"
        (base / "src").mkdir(parents=True)
        if kind == "ts":
            (base / "package.json").write_text(json.dumps({
                "name": f"svc{pkg}", "scripts": {"start": "node dist/index.js", "build": "tsc"},
                "dependencies": {"fastify": "^4.0.0", "pg": "^8.0.0", "viem": "^2.0.0"}}))
            (base / "src" / "index.ts").write_text(
                "import Fastify from 'fastify';\nconst app = Fastify();\napp.get('/health', async () => 'ok');\n"
                "app.listen({ port: Number(process.env.PORT ?? 3000) });\n")
        elif kind == "py":
            (base / "pyproject.toml").write_text(
                f"[project]\nname = 'svc{pkg}'\nrequires-python = '>=3.12'\ndependencies = ['fastapi', 'asyncpg']\n")
            (base / "src" / "main.py").write_text(
                "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/healthz')\ndef h():\n    return 1\n")
        else:
            (base / "go.mod").write_text(f"module example.com/svc{pkg}\n\ngo 1.22\n")
            (base / "src" / "main.go").write_text(
                'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n')
        written += 2
        per_pkg = min(498, total - written)
        for n in range(per_pkg):
            sub = base / "src" / f"m{n // 50}"
            sub.mkdir(exist_ok=True)
            if kind == "ts":
                (sub / f"f{n}.ts").write_text(TS_FILE.format(n=n))
            elif kind == "py":
                (sub / f"f{n}.py").write_text(PY_FILE.format(n=n))
            else:
                (sub / f"f{n}.go").write_text(GO_FILE.format(n=n))
        written += per_pkg
        pkg += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--git", action="store_true", help="make the tree a git repo (git ls-files path)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="launchbay-bench-"))
    try:
        root = tmp / "mono"
        root.mkdir()
        t0 = time.perf_counter()
        count = build(root, args.files)
        print(f"built {count} files in {time.perf_counter() - t0:.1f} s at {root}")
        if args.git:
            subprocess.run(["git", "init", "-q", str(root)], check=True)
            subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        cli = [sys.executable, "-m", "launchbay.cli", "review", str(root), "--json", "--out", str(tmp / "p.json")]
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cli, check=True)
            times.append(time.perf_counter() - t0)
        profile = json.loads((tmp / "p.json").read_text())
        services = sum(1 for c in profile["components"] if c["is_service"])
        print(f"launchbay review (whole CLI process, {'git' if args.git else 'walk'} listing): "
              f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s "
              f"over {args.runs} runs; {profile['files_scanned']} files scanned, "
              f"{len(profile['components'])} components, {services} services")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
