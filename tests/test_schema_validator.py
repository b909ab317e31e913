"""The JSON Schema `launchbay schema` prints accepts every committed example answers file, checked by
the real validator (check-jsonschema), and rejects a file with an unknown key."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from launchbay.answers_schema import schema_text

ROOT = Path(__file__).resolve().parents[1]
TOOL = shutil.which("check-jsonschema")

pytestmark = [
    pytest.mark.validator,
    pytest.mark.skipif(TOOL is None and os.environ.get("LAUNCHBAY_STRICT") != "1",
                       reason="check-jsonschema missing (pip install check-jsonschema)"),
]


def _check(schema: Path, doc: Path) -> subprocess.CompletedProcess[str]:
    assert TOOL is not None, "check-jsonschema is required under LAUNCHBAY_STRICT"
    return subprocess.run([TOOL, "--schemafile", str(schema), str(doc)], capture_output=True, text=True,
                          timeout=60, check=False)


def test_examples_validate_against_the_schema(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(schema_text())
    for example in sorted((ROOT / "examples").iterdir()):
        result = _check(schema, example / "launchbay.yaml")
        assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ndeployment:\n  cloudd: aws\n")
    assert _check(schema, bad).returncode != 0
