"""Base images for generated Dockerfiles: exact tags, where each came from, and how a version is chosen.

Every tag below was read from docker-library/official-images (the `library/<image>` files that
define Docker Hub's official tags) at its snapshot of 2026-08-21; `published` is the date the tag
first appeared there. A tag is never a floating one (`20-slim`, `latest`): the build is repeatable
until someone edits this table, which is the one place to move a pin.

How a `runtime_version` from the Design picks a line (`VersionChoice.reason` says which rule fired):
- an exact release (`node 20.11.1`, `python 3.12.4`) is used as written when that release has a
  Debian 12 (bookworm) image, else the newest patch of its line;
- a line (`node 20`, `python 3.12`, `go 1.22`, `node lts/iron`) gets the newest patch of that line,
  even past its end of life (the Dockerfile then says so: the project chose it);
- a range (`>=18`, `>3.7`, `>=3.10,<3.12`, a bare `python 3`) gets the oldest line that satisfies it
  and is still maintained on `AS_OF`; an exclusive bound (`>`) never picks the release it excludes.
  Node's `^20.11` counts as its line; Python's `^3.9` / `~=3.9` (poetry, PEP 440: any later 3.x)
  are ranges, while `~=3.9.2` stays on 3.9;
- a line missing from the table gets the nearest one (`node 16` → 18, `go 1.30` → 1.27);
- nothing usable gets the default line (the newest maintained LTS).

`pick` is the one entry point: the Dockerfile's base image and the CI job's toolchain (ci_pins)
both come from it, so the image runs the version CI tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AS_OF = "2026-08-21"  # the official-images snapshot the table was read from


@dataclass(frozen=True)
class Line:
    """One release line: its newest patch with a bookworm image, when that tag was published, and EOL."""

    line: str
    patch: str
    published: str
    eol: str  # upstream end of life (YYYY-MM or YYYY-MM-DD); "" when not announced
    first_bookworm: str  # the oldest release of the line that has a bookworm tag


# Node.js: `node:<patch>-bookworm-slim`. EOL dates from the Node.js release schedule.
NODE: dict[str, Line] = {
    "18": Line("18", "18.20.8", "2025-03-27", "2025-04-30", "18.16.0"),
    "20": Line("20", "20.20.2", "2026-03-25", "2026-04-30", "20.3.0"),
    "22": Line("22", "22.23.2", "2026-07-29", "2027-04-30", "22.0.0"),
    "24": Line("24", "24.19.0", "2026-08-03", "2028-04-30", "24.0.0"),
    "26": Line("26", "26.7.0", "2026-08-05", "2029-04-30", "26.0.0"),
}
NODE_LTS_NAMES = {"hydrogen": "18", "iron": "20", "jod": "22", "krypton": "24"}
NODE_DEFAULT = "24"  # newest LTS line on AS_OF

# Python: `python:<patch>-slim-bookworm`. EOL: October of the fifth year (PEP 602).
PYTHON: dict[str, Line] = {
    "3.9": Line("3.9", "3.9.25", "2025-10-31", "2025-10", "3.9.17"),
    "3.10": Line("3.10", "3.10.21", "2026-08-13", "2026-10", "3.10.12"),
    "3.11": Line("3.11", "3.11.16", "2026-08-13", "2027-10", "3.11.4"),
    "3.12": Line("3.12", "3.12.14", "2026-08-13", "2028-10", "3.12.0"),
    "3.13": Line("3.13", "3.13.15", "2026-08-10", "2029-10", "3.13.0"),
    "3.14": Line("3.14", "3.14.7", "2026-08-05", "2030-10", "3.14.0"),
}
PYTHON_DEFAULT = "3.12"

# Go: `golang:<patch>-bookworm` (build only). Go supports the two newest minors; an older line is EOL
# from the release of the second minor after it.
GO: dict[str, Line] = {
    "1.22": Line("1.22", "1.22.12", "2025-02-04", "2025-02", "1.22.0"),
    "1.23": Line("1.23", "1.23.12", "2025-08-06", "2025-08", "1.23.0"),
    "1.24": Line("1.24", "1.24.13", "2026-02-04", "2026-02", "1.24.0"),
    "1.25": Line("1.25", "1.25.14", "2026-08-19", "2026-08", "1.25.0"),
    "1.26": Line("1.26", "1.26.7", "2026-08-19", "", "1.26.0"),
    "1.27": Line("1.27", "1.27.0", "2026-08-19", "", "1.27.0"),
}
GO_DEFAULT = "1.27"

# Rust: `rust:<patch>-slim-bookworm` (build only). Only the newest stable is maintained; a line
# (`rust 1.80`, usually package.rust-version, a minimum) gets that line's last patch.
RUST: dict[str, Line] = {
    f"1.{minor}": Line(f"1.{minor}", patch, published, "", f"1.{minor}.0")
    for minor, patch, published in (
        (75, "1.75.0", "2023-12-28"), (76, "1.76.0", "2024-02-08"), (77, "1.77.2", "2024-04-09"),
        (78, "1.78.0", "2024-05-02"), (79, "1.79.0", "2024-06-13"), (80, "1.80.1", "2024-08-08"),
        (81, "1.81.0", "2024-09-05"), (82, "1.82.0", "2024-10-17"), (83, "1.83.0", "2024-11-29"),
        (84, "1.84.1", "2025-01-30"), (85, "1.85.1", "2025-03-18"), (86, "1.86.0", "2025-04-03"),
        (87, "1.87.0", "2025-05-15"), (88, "1.88.0", "2025-06-26"), (89, "1.89.0", "2025-08-08"),
        (90, "1.90.0", "2025-09-18"), (91, "1.91.1", "2025-11-10"), (92, "1.92.0", "2025-12-11"),
        (93, "1.93.1", "2026-02-12"), (94, "1.94.1", "2026-03-26"), (95, "1.95.0", "2026-04-16"),
        (96, "1.96.1", "2026-06-30"), (97, "1.97.1", "2026-07-16"), (98, "1.98.0", "2026-08-20"),
    )
}
RUST_DEFAULT = "1.98"

# Bun: `oven/bun:<patch>-slim` (Debian). Only the newest minor gets fixes. Both tags were seen pinned by
# digest in public Dockerfiles; release dates from the npm registry's `bun` package (checked 2026-11-27).
# Bun publishes an image for every release (`<version>-slim`), so an exact release is used as written.
BUN: dict[str, Line] = {
    "1.3": Line("1.3", "1.3.14", "2026-05-13", "2026-08-20", "1.3.0"),
    "1.4": Line("1.4", "1.4.3", "2026-10-10", "", "1.4.0"),
}
BUN_DEFAULT = "1.4"

# Runtime bases for compiled services and the probe tool they borrow for HTTP health checks.
DEBIAN_SLIM = Line("bookworm", "bookworm-20260803-slim", "2026-08-04", "2028-06", "")
BUSYBOX = Line("1.38", "1.38.0-musl", "2026-05-22", "", "")  # statically linked: runs on any base

# Package-manager tools installed inside build stages (checked against PyPI / npm on 2026-11-27).
UV_VERSION = "0.13.9"
POETRY_VERSION = "2.5.1"
COREPACK_VERSION = "0.34.7"  # engines: node ^20.10 || ^22.11 || >=24 (Node 25+ no longer bundles it)


@dataclass(frozen=True)
class VersionChoice:
    line: Line
    version: str  # the exact release used in the tag
    reason: str

    @property
    def eol_passed(self) -> bool:
        return bool(self.line.eol) and self.line.eol < AS_OF


def _tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _spec(runtime_version: str | None, language: str) -> str:
    """The version text after the runtime name (`node 20` → `20`); '' when absent or for another runtime."""
    if not runtime_version:
        return ""
    head, _, rest = runtime_version.strip().partition(" ")
    return rest.strip() if head.lower() == language else ""


_NUM = re.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")
_UPPER = re.compile(r"<(=?)\s*v?(\d+(?:\.\d+)?)")


def _key(match: re.Match[str], minor_lines: bool) -> str:
    return f"{match.group(1)}.{match.group(2) or 0}" if minor_lines else match.group(1)


def _by_bounds(table: dict[str, Line], low: str, spec: str, minor_lines: bool,
               floor: str) -> tuple[str, str]:
    """The oldest maintained line at or above `low` (and under an upper bound, if the spec has one).

    `floor` is the bound as written (`3.7`, `18.17`): a line whose newest patch is below it (or equal
    to it, for an exclusive `>`) cannot satisfy the spec."""
    upper = _UPPER.search(spec)
    lines = sorted(table, key=_tuple)
    exclusive = spec.startswith(">") and not spec.startswith(">=")

    def above(k: str) -> bool:
        patch, least = _tuple(table[k].patch), _tuple(floor)
        return patch > least if exclusive else patch >= least

    def below(k: str) -> bool:
        if upper is None:
            return True
        cap = _tuple(upper.group(2) if minor_lines or "." not in upper.group(2) else upper.group(2).split(".")[0])
        return _tuple(k)[:len(cap)] <= cap if upper.group(1) else _tuple(k)[:len(cap)] < cap

    fitting = [k for k in lines if _tuple(k) >= _tuple(low) and above(k) and below(k)]
    maintained = [k for k in fitting if not table[k].eol or table[k].eol >= AS_OF]
    if maintained:
        return maintained[0], "the oldest maintained line that satisfies it"
    if fitting:
        return fitting[-1], "the newest line that satisfies it (past its end of life)"
    return lines[-1], "no known line satisfies it: the newest line"


def choose(table: dict[str, Line], language: str, runtime_version: str | None, default: str,
           minor_lines: bool) -> VersionChoice:
    """Pick a line and an exact release for `runtime_version` (rules in the module docstring)."""
    spec = _spec(runtime_version, language).lower().lstrip("v=")
    if language == "node" and spec.removeprefix("lts/") in NODE_LTS_NAMES:
        key = NODE_LTS_NAMES[spec.removeprefix("lts/")]
        return VersionChoice(table[key], table[key].patch, f"node {spec} is the {key} line")
    match = _NUM.search(spec)
    if not match:
        why = f"no usable version in {runtime_version!r}" if runtime_version else "no version found"
        return VersionChoice(table[default], table[default].patch, f"{why}: the default {language} {default} line")
    key = _key(match, minor_lines)
    # Python's caret and compatible-release on X.Y admit every later 3.x (`^3.9` = `>=3.9,<4`).
    any_minor = language == "python" and spec.startswith(("^", "~=")) and match.group(3) is None
    if spec.startswith((">", "*", "x")) or any_minor or (minor_lines and match.group(2) is None):
        chosen, why = _by_bounds(table, key, spec, minor_lines, match.group(0))
        return VersionChoice(table[chosen], table[chosen].patch, f"{language} {spec} is a range: {why}")
    if key not in table:
        lines = sorted(table, key=_tuple)
        pick = lines[0] if _tuple(key) < _tuple(lines[0]) else lines[-1]
        return VersionChoice(table[pick], table[pick].patch,
                             f"{language} {key} has no bookworm image in the table: the nearest line {pick}")
    line = table[key]
    if spec[0].isdigit() and match.group(3) is not None:
        exact = match.group(0)
        if _tuple(line.first_bookworm) <= _tuple(exact) <= _tuple(line.patch):
            return VersionChoice(line, exact, f"{language} {exact} as the project pins it")
        return VersionChoice(line, line.patch, f"{language} {exact} has no bookworm image: the newest {key} patch")
    return VersionChoice(line, line.patch, f"{language} {key} as the project pins it: its newest patch")


# runtime → (table, default line, whether lines are minor versions)
LINES: dict[str, tuple[dict[str, Line], str, bool]] = {
    "node": (NODE, NODE_DEFAULT, False),
    "python": (PYTHON, PYTHON_DEFAULT, True),
    "go": (GO, GO_DEFAULT, True),
    "rust": (RUST, RUST_DEFAULT, True),
    "bun": (BUN, BUN_DEFAULT, True),
}


def pick(runtime: str, runtime_version: str | None) -> VersionChoice:
    """The release a `runtime` (node, python, go, rust, bun) runs for the Design's `runtime_version`:
    the Dockerfile's base image and the CI job's toolchain both ask here, so they always agree."""
    table, default, minor_lines = LINES[runtime]
    return choose(table, runtime, runtime_version, default, minor_lines=minor_lines)
