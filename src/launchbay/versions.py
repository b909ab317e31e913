"""Small version comparisons for conflict checks: prefix agreement and simple ranges.

Only what review needs: "node 20" and "node 20.11.1" agree; "node 20.11.0" does not satisfy
"node >=22.0.0". Anything this cannot parse is treated as unknown (never a conflict).
"""

from __future__ import annotations

import re

_ECOSYSTEMS = ({"npm", "pnpm", "yarn", "bun"}, {"pip", "poetry", "uv", "pipenv"}, {"go"}, {"cargo"})
_RANGE_OPS = re.compile(r"[<>^~*|]|\bx\b|\.x\b")
_NUM = re.compile(r"\d+(?:\.\d+)*")


def agree(kind: str, a: object, b: object) -> bool:
    """True when two values of `kind` do not really contradict each other."""
    if kind == "runtime_version":
        ra, rb = str(a).split(" ", 1), str(b).split(" ", 1)
        if len(ra) == 2 and len(rb) == 2 and ra[0] == rb[0]:
            va, vb = ra[1].lstrip("v"), rb[1].lstrip("v")
            return _prefix(va, vb) or is_range(vb) or is_range(va)
        return len(ra) == 2 and len(rb) == 2 and ra[0] != rb[0]  # different runtimes: not the same question
    if kind == "package_manager":
        return not any(str(a) in group and str(b) in group for group in _ECOSYSTEMS)
    return a == b


def _prefix(a: str, b: str) -> bool:
    pa, pb = a.split("."), b.split(".")
    n = min(len(pa), len(pb))
    return pa[:n] == pb[:n]


def is_range(value: str) -> bool:
    version = value.split(" ", 1)[-1]
    return bool(_RANGE_OPS.search(version))


def _tuple(v: str) -> tuple[int, ...] | None:
    m = _NUM.search(v)
    return tuple(int(x) for x in m.group(0).split(".")) if m else None


def satisfies(value: str, range_value: str) -> bool | None:
    """Whether exact `value` ("node 20.11.0") meets `range_value` ("node >=22"); None when unknown."""
    runtime, _, version = value.partition(" ")
    r_runtime, _, spec = range_value.partition(" ")
    if runtime != r_runtime or is_range(version):
        return None
    have = _tuple(version)
    if have is None:
        return None
    results = []
    for alternative in spec.split("||"):
        ok = _all_clauses(have, alternative.strip())
        if ok is None:
            return None
        results.append(ok)
    return any(results)


def _all_clauses(have: tuple[int, ...], spec: str) -> bool | None:
    for clause in re.split(r"[\s,]+", spec):
        if not clause:
            continue
        m = re.fullmatch(r"(>=|<=|>|<|=|\^|~)?v?(\d+(?:\.\d+)*)(?:\.[x*])?", clause)
        if m is None:
            return None
        op, want = m.group(1) or "=", tuple(int(x) for x in m.group(2).split("."))
        if len(have) < len(want) and op != "=":
            return None  # "node 20" against ">=20.11": could be either
        cut = have[: len(want)] + (0,) * max(0, len(want) - len(have))
        if (op == ">=" and not have >= want) or (op == ">" and not have > want):
            return False
        if (op == "<=" and not cut <= want) or (op == "<" and not have < want):
            return False
        if op == "=" and cut != want:
            return False
        if op == "^" and (have < want or have[0] != want[0]):
            return False
        if op == "~" and (have < want or have[:2] != (*want, 0)[:2]):
            return False
    return True


def version_tuple(version: str) -> tuple[int, ...]:
    """`3.12.1` -> (3, 12, 1); stops at the first non-numeric part."""
    out: list[int] = []
    for part in version.split("."):
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out)
