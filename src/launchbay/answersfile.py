"""`launchbay.yaml`: load with every error collected at once, dump without losing comments.

The file is meant to be committed, so it is checked for secret values; it is edited by people, so
comments and key order survive a rewrite (ruamel round-trip), and unknown keys get a "did you mean".
"""

from __future__ import annotations

import difflib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from launchbay.contradictions import find_contradictions
from launchbay.errors import LaunchbayError
from launchbay.models.answers import ANSWERS_SCHEMA_VERSION, Answers, answer_keys, topic_model
from launchbay.secretscan import secret_kind

FILENAME = "launchbay.yaml"
SCHEMA_PATH = ".launchbay/launchbay.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_PATH}"
HEADER = (
    f"{MODELINE}\n"
    "# launchbay deployment answers. Commit this file: it never holds secret values.\n"
    "# Edit by hand or re-run `launchbay interview`; comments are kept.\n"
)
RESERVED = ("schema_version", "sources", "open_items")
Source = Literal["user", "accepted-recommendation", "cli"]
SOURCES: tuple[str, ...] = ("user", "accepted-recommendation", "cli")


class OpenItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str
    reason: str


class AnswersDocument(BaseModel):
    """The answers plus where each came from and what was left to decide later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = ANSWERS_SCHEMA_VERSION
    answers: Answers = Answers()
    sources: dict[str, Source] = {}
    open_items: tuple[OpenItem, ...] = ()

    def answered(self, key: str) -> bool:
        return self.answers.get(key) is not None

    def is_open(self, key: str) -> bool:
        return any(item.key == key for item in self.open_items)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, at a dotted key path."""

    path: str
    message: str


class AnswersFileError(LaunchbayError):
    """All problems found in an answers file, reported together."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        lines = "\n".join(f"  {p.path}: {p.message}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}",
                         hint="fix these and run again; nothing was written")
        self.problems = problems


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def read_raw(path: Path) -> CommentedMap:
    """Parse the file keeping comments; a missing file is an empty map."""
    if not path.exists():
        return CommentedMap()
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as err:
        raise AnswersFileError(str(path), [Problem("(file)", f"not valid YAML: {err}".replace("\n", " "))]) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise AnswersFileError(str(path), [Problem("(file)", "the top level must be a mapping of topics")])
    return data


def parse_document(raw: dict[str, Any], source: str) -> AnswersDocument:
    """Validate a raw mapping into an AnswersDocument, collecting every problem before failing."""
    problems: list[Problem] = []
    topics = tuple(Answers.model_fields)
    known_top = topics + RESERVED
    topic_values: dict[str, dict[str, Any]] = {}
    for key, value in raw.items():
        key = str(key)
        if key not in known_top:
            problems.append(Problem(key, f"unknown key{_did_you_mean(key, known_top)}"))
        elif key in topics:
            if not isinstance(value, dict):
                problems.append(Problem(key, "must be a mapping of answers"))
                continue
            topic_values[key] = _plain(value)
            fields = tuple(topic_model(key).model_fields)
            for field in value:
                if str(field) not in fields:
                    problems.append(Problem(f"{key}.{field}", f"unknown question{_did_you_mean(str(field), fields)}"))
    problems.extend(_secret_problems(topic_values))
    validated: dict[str, Any] = {}
    for topic, values in topic_values.items():
        model = topic_model(topic)
        known = {k: v for k, v in values.items() if k in model.model_fields}
        try:
            validated[topic] = model.model_validate(known)
        except ValidationError as err:
            for e in err.errors():
                loc = ".".join(str(p) for p in (topic, *e["loc"]))
                problems.append(Problem(loc, e["msg"]))
    answers = Answers(**validated)
    version = raw.get("schema_version", ANSWERS_SCHEMA_VERSION)
    if version != ANSWERS_SCHEMA_VERSION:
        problems.append(Problem("schema_version", f"must be {ANSWERS_SCHEMA_VERSION} (found {version!r})"))
    sources = _sources(raw.get("sources") or {}, problems)
    open_items = _open_items(raw.get("open_items") or [], problems)
    if not problems:
        problems.extend(Problem(c.keys, c.message) for c in find_contradictions(answers))
    if problems:
        raise AnswersFileError(source, problems)
    return AnswersDocument(answers=answers, sources=sources, open_items=open_items)


def load_answers(path: str | os.PathLike[str]) -> AnswersDocument:
    """Load and fully validate `launchbay.yaml` (a missing file is an empty document)."""
    p = Path(path)
    raw = read_raw(p)
    # YAML turns some pasted secrets into numbers (0x... is an int), so scan the text as written too.
    line_problems = [
        Problem(f"line {no}", f"looks like {kind}; never paste secret values into {p.name}")
        for no, line in enumerate(p.read_text(encoding="utf-8").splitlines() if p.exists() else [], start=1)
        if (kind := secret_kind(line.split("#", 1)[0]))
    ]
    try:
        doc = parse_document(raw, str(p))
    except AnswersFileError as err:
        raise AnswersFileError(str(p), line_problems + err.problems) from None
    if line_problems:
        raise AnswersFileError(str(p), line_problems)
    return doc


def _sources(raw: Any, problems: list[Problem]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    if not isinstance(raw, dict):
        problems.append(Problem("sources", "must be a mapping of question key to source"))
        return out
    keys = answer_keys()
    for key, value in raw.items():
        if key not in keys:
            problems.append(Problem(f"sources.{key}", f"unknown question{_did_you_mean(str(key), keys)}"))
        elif value not in SOURCES:
            problems.append(Problem(f"sources.{key}", f"must be one of {', '.join(SOURCES)}"))
        else:
            out[str(key)] = value
    return out


def _open_items(raw: Any, problems: list[Problem]) -> tuple[OpenItem, ...]:
    if not isinstance(raw, list):
        problems.append(Problem("open_items", "must be a list"))
        return ()
    items = []
    keys = answer_keys()
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "key" not in item:
            problems.append(Problem(f"open_items[{i}]", "must be a mapping with key and reason"))
            continue
        if item["key"] not in keys:
            problems.append(Problem(f"open_items[{i}].key", f"unknown question{_did_you_mean(str(item['key']), keys)}"))
            continue
        items.append(OpenItem(key=str(item["key"]), reason=str(item.get("reason", "decide later"))))
    return tuple(items)


def _secret_problems(topic_values: dict[str, dict[str, Any]]) -> list[Problem]:
    problems = []
    for topic, fields in topic_values.items():
        for field, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                kind = secret_kind(str(item)) if isinstance(item, str) else None
                if kind:
                    problems.append(Problem(
                        f"{topic}.{field}",
                        f"looks like {kind}; launchbay.yaml is committed, so name where the secret lives "
                        "(the secrets manager) instead of pasting it",
                    ))
    return problems


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _yaml_value(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, tuple):
        seq = CommentedSeq(list(value))
        if len(", ".join(map(str, value))) <= 60:  # short lists inline, long ones one item per line
            seq.fa.set_flow_style()
        return seq
    return value


def render_document(doc: AnswersDocument, raw: CommentedMap | None = None) -> str:
    """The file text for `doc`, updating `raw` in place so comments and order survive."""
    data = raw if raw is not None else CommentedMap()
    if "schema_version" not in data:
        data.insert(0, "schema_version", ANSWERS_SCHEMA_VERSION)
    for topic in Answers.model_fields:
        values = getattr(doc.answers, topic).model_dump(exclude_none=True)
        if not values:
            continue
        section = data.get(topic)
        if not isinstance(section, CommentedMap):
            section = CommentedMap()
            data[topic] = section
        for field in topic_model(topic).model_fields:
            if field in values and section.get(field) != _compare(values[field]):
                section[field] = _yaml_value(values[field])
    if doc.sources:
        sources = data.get("sources")
        if not isinstance(sources, CommentedMap):
            sources = CommentedMap()
            data["sources"] = sources
        for key in answer_keys():
            if key in doc.sources and sources.get(key) != doc.sources[key]:
                sources[key] = doc.sources[key]
    items = [CommentedMap([("key", i.key), ("reason", i.reason)]) for i in doc.open_items]
    if items or "open_items" in data:
        data["open_items"] = CommentedSeq(items)
    for reserved in ("sources", "open_items"):  # keep bookkeeping at the end
        if reserved in data:
            data.move_to_end(reserved)
    buf = io.StringIO()
    _yaml().dump(data, buf)
    text = buf.getvalue()
    return text if text.startswith(MODELINE) else HEADER + text


def _compare(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def write_document(path: str | os.PathLike[str], doc: AnswersDocument) -> None:
    """Write atomically: the old file stays intact until the new one is complete."""
    target = Path(path)
    text = render_document(doc, read_raw(target) if target.exists() else None)
    parse_document(_yaml().load(text) or {}, str(target))  # never write a file we could not load back
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
