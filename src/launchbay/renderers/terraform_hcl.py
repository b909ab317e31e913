"""HCL values written the way `terraform fmt` would write them, so the kit passes `fmt -check`
without running Terraform at render time.

The one layout rule that matters: consecutive single-line `key = value` lines are aligned on `=`;
a line that opens a multi-line value (`key = {`) breaks the run and keeps a single space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
INDENT = "  "


@dataclass(frozen=True)
class Raw:
    """An HCL expression written as is (a reference such as `module.network.vpc_id`)."""

    expr: str


HclValue = str | int | bool | Decimal | Raw | None | Sequence["HclValue"] | Mapping[str, "HclValue"]


def quote(text: str) -> str:
    """A quoted HCL string; `${` and `%{` are escaped so a value is never read as a template."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def key(name: str) -> str:
    return name if IDENT.match(name) else quote(name)


def _scalar(value: HclValue) -> str | None:
    if isinstance(value, Raw):
        return value.expr
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    return None


def value(val: HclValue, level: int = 0) -> str:
    """The HCL text of a value; nested lines are indented for a value that starts at `level`."""
    scalar = _scalar(val)
    if scalar is not None:
        return scalar
    if isinstance(val, Mapping):
        if not val:
            return "{}"
        inner = attributes(val, level + 1)
        return "{\n" + "\n".join(inner) + "\n" + INDENT * level + "}"
    if not isinstance(val, list | tuple):
        raise TypeError(f"no HCL form for {type(val).__name__}")
    items = list(val)
    if not items:
        return "[]"
    parts = [_scalar(i) for i in items]
    if all(p is not None for p in parts):
        one_line = "[" + ", ".join(p for p in parts if p is not None) + "]"
        if len(one_line) + 2 * level <= 100:
            return one_line
    pad = INDENT * (level + 1)
    lines = [pad + value(i, level + 1) + "," for i in items]
    return "[\n" + "\n".join(lines) + "\n" + INDENT * level + "]"


def attributes(pairs: Mapping[str, HclValue], level: int) -> list[str]:
    """`key = value` lines at `level`, aligned in runs the way `terraform fmt` aligns them."""
    rendered = [(key(k), value(v, level)) for k, v in pairs.items()]
    return align(rendered, level)


def align(pairs: Iterable[tuple[str, str]], level: int) -> list[str]:
    pad = INDENT * level
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        out.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for k, v in pairs:
        if "\n" in v:
            flush()
            out.append(f"{pad}{k} = {v}")
        else:
            run.append((k, v))
    flush()
    return out


def block(pairs: Mapping[str, HclValue], level: int) -> str:
    """Attributes as one text (for templates): lines joined, no trailing newline."""
    return "\n".join(attributes(pairs, level))


@cache
def environment() -> Environment:
    """The Jinja environment for Terraform templates (HCL and Markdown only); one per process, so each
    template compiles once however many kits are rendered."""
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/terraform"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["q"] = quote
    env.filters["hcl"] = value
    env.globals["attrs"] = block
    env.globals["raw"] = Raw
    return env
