"""Deterministic YAML for pipelines: insertion order kept, multi-line scripts as literal blocks,
no anchors, no line folding, and each pinned action annotated with its tag."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from launchbay.renderers.ci_pins import comment_tags


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any], header: str = "") -> str:
    """YAML text of `data` (dicts in insertion order) with an optional leading comment block."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=1000, allow_unicode=True, indent=2)
    lines = []
    for line in header.strip().splitlines():
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        lines += [f"# {part}".rstrip() for part in textwrap.wrap(line, 110, subsequent_indent=indent,
                                                                  break_on_hyphens=False)] or ["#"]
    text = "\n".join([*lines, comment_tags(body.rstrip("\n"))])
    return text + "\n"


def script(*lines: str) -> str:
    """A shell script body: lines joined with LF, ending in a newline (a literal block in YAML)."""
    return "\n".join(lines) + "\n"
