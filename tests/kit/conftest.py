"""Kit tests run the real validators: put the project's installed tools first on PATH."""

from __future__ import annotations

import os

import pytest

from tests.kit.support import TOOLS


@pytest.fixture(autouse=True)
def _tools_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    if TOOLS.is_dir():
        monkeypatch.setenv("PATH", f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}")
