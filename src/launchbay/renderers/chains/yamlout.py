"""Deterministic YAML for the chain kit: insertion order, sequences indented under their key, multi-line
strings as literal blocks (scripts, embedded configs), no aliases, `---` before every document."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class Quoted(str):
    """A string always written double-quoted (values eRPC substitutes from the environment before parsing)."""


def _quoted(dumper: yaml.SafeDumper, value: Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Quoted, _quoted)


def dump(data: Any, header: str = "") -> str:
    return dump_all([data], header)


def dump_all(docs: Iterable[Any], header: str = "") -> str:
    """`---`-separated documents, with an optional `# ` comment header at the top."""
    parts = [f"# {part}".rstrip() for line in header.strip().splitlines()
             for part in (textwrap.wrap(line, 110, break_on_hyphens=False) or [""])]
    for doc in docs:
        parts.append("---")
        parts.append(yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000,
                               allow_unicode=True).rstrip("\n"))
    return "\n".join(parts) + "\n"
