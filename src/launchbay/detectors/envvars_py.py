"""Env-var reads in Python: os.environ / os.getenv / environ helpers, and pydantic-settings.

Plain reads are found with literal-first regexes (fast in `re`) and checked around the match.
pydantic-settings classes name variables through field names, `env_prefix` and aliases, which
a regex cannot follow; for files that mention `BaseSettings` we parse the source with `ast`
(parsing only, nothing is executed).
"""

from __future__ import annotations

import ast
import re
from itertools import accumulate, islice

from launchbay.detectors.envvars_common import MAX_MATCHES, NAME, Hit, helper_hits, rest_of_call

_ENVIRON = re.compile(r"environ\b")
_ENVIRON_ACCESS = re.compile(r"(?P<meth>\[|\.get\(|\.setdefault\()\s*(?P<q>[\"'])(?P<name>" + NAME + r")(?P=q)")
_MEMBER = re.compile(r"(?P<q>[\"'])(?P<name>" + NAME + r")(?P=q)\s+(?:not\s+)?in\s+(?:os\.)?$")
_GETENV = re.compile(r"getenv\(\s*(?P<q>[\"'])(?P<name>" + NAME + r")(?P=q)")
_ENVIRONS = re.compile(r"env\.(?P<etype>[a-z_]+)\(\s*(?P<q>[\"'])(?P<name>[A-Z][A-Z0-9_]*)(?P=q)")
_WRITE = re.compile(r"\s*\]\s*=(?!=)")
_OR_AFTER = re.compile(r"\s*[)\]]?\s*or\b")
_KW = re.compile(r"\s*(?P<kw>\w+)\s*=(?!=)")
_SETTINGS_CLASS = re.compile(r"class\s+\w+\s*\([^)]{0,300}BaseSettings")
_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")


def scan_python(text: str) -> list[Hit]:
    """Every env-var read in a Python source text."""
    hits: list[Hit] = []
    if "environ" in text:
        for m in islice(_ENVIRON.finditer(text), MAX_MATCHES):
            if not _os_attr(text, m.start()):
                continue
            access = _ENVIRON_ACCESS.match(text, m.end())
            if access is not None:
                hit = _os_read(text, access, subscript=access.group("meth") == "[")
                if hit is not None:
                    hits.append(hit)
                continue
            at = m.start() - 3 if text[max(0, m.start() - 3):m.start()] == "os." else m.start()
            member = _MEMBER.search(text, text.rfind("\n", max(0, at - 120), at) + 1 or max(0, at - 120), at)
            if member is not None:
                hits.append(Hit(member.group("name"), member.start("name"), member.end("name") + 1))
    if "getenv" in text:
        hits.extend(h for m in islice(_GETENV.finditer(text), MAX_MATCHES) if _os_attr(text, m.start())
                    for h in [_os_read(text, m, subscript=False)] if h is not None)
    if "env." in text:
        hits.extend(Hit(m.group("name"), m.start("name"), m.end(), _positional_or_kw_default(text, m.end()))
                    for m in islice(_ENVIRONS.finditer(text), MAX_MATCHES)
                    if m.start() == 0 or text[m.start() - 1] not in _WORD)
    hits.extend(helper_hits(text))
    if "BaseSettings" in text and _SETTINGS_CLASS.search(text):
        hits.extend(_pydantic(text))
    return hits


def _os_attr(text: str, pos: int) -> bool:
    """`os.environ` / `os.getenv`, or the bare name imported from os (not `self.environ`)."""
    if text[max(0, pos - 3):pos] == "os.":
        pos -= 3
    return pos == 0 or text[pos - 1] not in _WORD


def _os_read(text: str, m: re.Match[str], *, subscript: bool) -> Hit | None:
    end = m.end()
    if subscript:
        if _WRITE.match(text, end):
            return None  # os.environ["X"] = ... sets it
        default = False
    else:
        rest = rest_of_call(text, end).strip()
        default = bool(rest) and rest != "None"
    if not default:
        close = text.find("]" if subscript else ")", end, end + 3)
        default = close != -1 and _OR_AFTER.match(text, close + 1) is not None
    return Hit(m.group("name"), m.start("name"), end + 1, default)


def _positional_or_kw_default(text: str, pos: int) -> bool:
    """environs/django-environ `env.str("X", "d")` or `env.int("X", default=3)`."""
    rest = rest_of_call(text, pos)
    if not rest.strip():
        return False
    kw = _KW.match(rest)
    return kw is None or "default=" in rest


# ------------------------------------------------------------------ pydantic-settings

def _pydantic(text: str) -> list[Hit]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = text.split("\n")
    starts = list(accumulate((len(x) + 1 for x in lines), initial=0))
    settings: dict[str, tuple[str, bool]] = {}  # class name -> (prefix, case_sensitive)
    hits: list[Hit] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        parent = _settings_parent(node, settings)
        if parent is None:
            continue
        prefix, case_sensitive = _config(node, settings.get(parent, ("", False)))
        settings[node.name] = (prefix, case_sensitive)
        for stmt in node.body:
            hits.extend(_field_hits(stmt, prefix, case_sensitive, lines, starts))
    return hits


def _settings_parent(node: ast.ClassDef, known: dict[str, tuple[str, bool]]) -> str | None:
    """The base that makes `node` a settings class: BaseSettings or a settings class above it."""
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
        if name == "BaseSettings" or name in known:
            return name
    return None


def _config(node: ast.ClassDef, inherited: tuple[str, bool]) -> tuple[str, bool]:
    """env_prefix and case_sensitive from `model_config = SettingsConfigDict(...)` or `class Config`."""
    prefix, case_sensitive = inherited
    for stmt in node.body:
        pairs: list[tuple[str, ast.expr]] = []
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and _target_name(stmt) == "model_config":
            value = stmt.value
            if isinstance(value, ast.Call):
                pairs = [(k.arg, k.value) for k in value.keywords if k.arg]
            elif isinstance(value, ast.Dict):
                pairs = [(k.value, v) for k, v in zip(value.keys, value.values, strict=False)
                         if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        elif isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            for inner in stmt.body:
                name = _target_name(inner)
                if name and isinstance(inner, ast.Assign | ast.AnnAssign) and inner.value is not None:
                    pairs.append((name, inner.value))
        for key, val in pairs:
            if key == "env_prefix" and isinstance(val, ast.Constant) and isinstance(val.value, str):
                prefix = val.value
            elif key == "case_sensitive" and isinstance(val, ast.Constant):
                case_sensitive = bool(val.value)
    return prefix, case_sensitive


def _target_name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _field_hits(
    stmt: ast.stmt, prefix: str, case_sensitive: bool, lines: list[str], starts: list[int]
) -> list[Hit]:
    """The variable(s) one annotated field reads, placed on the field's line."""
    if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
        return []
    field = stmt.target.id
    if field == "model_config" or field.startswith("_") or "ClassVar" in ast.dump(stmt.annotation):
        return []
    calls = [c for c in (stmt.value, *_annotated_extras(stmt.annotation)) if isinstance(c, ast.Call)]
    field_call = next((c for c in calls if _call_name(c) == "Field"), None)
    aliases = _aliases(field_call) if field_call is not None else []
    default = stmt.value is not None
    if field_call is not None and field_call is stmt.value:
        first = field_call.args[0] if field_call.args else None
        default = (
            (first is not None and not (isinstance(first, ast.Constant) and first.value is Ellipsis))
            or any(k.arg in {"default", "default_factory"} for k in field_call.keywords)
        )
    names = aliases or [prefix + field]
    if not case_sensitive:
        names = [n.upper() for n in names]
    line = stmt.target.lineno
    if line > len(lines):
        return []
    text_line = lines[line - 1]
    start = _char_col(text_line, stmt.target.col_offset)
    end = start + len(field)
    if stmt.annotation.end_lineno == line and stmt.annotation.end_col_offset is not None:
        end = max(end, _char_col(text_line, stmt.annotation.end_col_offset))
    base = starts[line - 1]
    return [Hit(n, base + start, base + end, default) for n in names if re.fullmatch(NAME, n)]


def _char_col(line: str, byte_col: int) -> int:
    """ast columns count UTF-8 bytes; convert to characters for non-ASCII lines."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _annotated_extras(ann: ast.expr) -> list[ast.expr]:
    """The metadata of `Annotated[T, Field(...)]`."""
    if isinstance(ann, ast.Subscript) and _call_name_of(ann.value) == "Annotated" and isinstance(ann.slice, ast.Tuple):
        return list(ann.slice.elts[1:])
    return []


def _call_name(call: ast.Call) -> str:
    return _call_name_of(call.func)


def _call_name_of(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _aliases(call: ast.Call) -> list[str]:
    """Names from Field(validation_alias=...) (incl. AliasChoices), else alias=..., or v1 env=...

    validation_alias wins over alias when reading, and neither takes env_prefix.
    """
    out: list[str] = []
    keys = {k.arg for k in call.keywords}
    wanted = {"validation_alias", "env"} if "validation_alias" in keys else {"alias", "env"}
    for kw in call.keywords:
        if kw.arg not in wanted:
            continue
        val = kw.value
        if isinstance(val, ast.Constant) and isinstance(val.value, str):
            out.append(val.value)
        elif isinstance(val, ast.Call) and _call_name(val) == "AliasChoices":
            out.extend(a.value for a in val.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
        elif isinstance(val, ast.List | ast.Tuple):
            out.extend(a.value for a in val.elts if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return list(dict.fromkeys(out))
