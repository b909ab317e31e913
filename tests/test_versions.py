"""Version agreement and ranges used by the conflict checks."""

from __future__ import annotations

import pytest

from launchbay.versions import agree, is_range, satisfies


@pytest.mark.parametrize(("a", "b", "ok"), [
    ("go 1.18", "go 1.18.2", True),
    ("node 20", "node 20.11.1", True),
    ("node 20", "node 22", False),
    ("python 3.12", "node 20", True),
    ("node 20.11.0", "node >=22.0.0", True),  # ranges are judged by satisfies(), not here
])
def test_runtime_agreement(a: str, b: str, ok: bool) -> None:
    assert agree("runtime_version", a, b) is ok


def test_package_managers_conflict_only_within_an_ecosystem() -> None:
    assert agree("package_manager", "npm", "cargo")
    assert not agree("package_manager", "npm", "pnpm")
    assert not agree("package_manager", "uv", "poetry")


@pytest.mark.parametrize(("value", "spec", "expected"), [
    ("node 20.11.0", "node >=22.0.0", False),
    ("node 22.1.0", "node >=22.0.0", True),
    ("node 20.11.0", "node ^20.1.0", True),
    ("node 21.0.0", "node ^20.1.0", False),
    ("python 3.12", "python >=3.11,<4", True),
    ("node 18.19.0", "node 18.x || 20.x", True),
    ("node 20", "node >=20.11", None),
    ("python 3.12", "node >=20", None),
])
def test_satisfies(value: str, spec: str, expected: bool | None) -> None:
    assert satisfies(value, spec) is expected


def test_is_range() -> None:
    assert is_range("node >=22") and is_range("node ^20") and is_range("node 20.x")
    assert not is_range("node 20.11.1")
