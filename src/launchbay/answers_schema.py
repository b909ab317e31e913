"""The JSON Schema of `launchbay.yaml`, for `launchbay schema` and editors (via the file's modeline)."""

from __future__ import annotations

import json
from typing import Any

from launchbay.answersfile import SOURCES
from launchbay.models.answers import ANSWERS_SCHEMA_VERSION, Answers, answer_keys


def answers_file_schema() -> dict[str, Any]:
    """Topics at the top level (as in the file), plus schema_version, sources and open_items."""
    base = Answers.model_json_schema()
    props: dict[str, Any] = dict(base["properties"])
    for topic in props.values():
        topic.pop("default", None)
    props["schema_version"] = {"const": ANSWERS_SCHEMA_VERSION}
    props["sources"] = {
        "type": "object",
        "propertyNames": {"enum": list(answer_keys())},
        "additionalProperties": {"enum": list(SOURCES)},
    }
    props["open_items"] = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"key": {"enum": list(answer_keys())}, "reason": {"type": "string"}},
            "required": ["key"],
            "additionalProperties": False,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "launchbay.yaml",
        "description": "launchbay deployment answers (never secret values)",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "$defs": base.get("$defs", {}),
    }


def schema_text() -> str:
    return json.dumps(answers_file_schema(), indent=2, sort_keys=True) + "\n"
