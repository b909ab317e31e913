"""The kit: the files generate writes, as data (path relative to the project root, text, mode)."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator


class KitFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    content: str
    executable: bool = False

    @field_validator("path")
    @classmethod
    def _inside(cls, value: str) -> str:
        parts = value.split("/")
        if value.startswith("/") or ".." in parts or "" in parts or "\\" in value:
            raise ValueError(f"kit paths are relative and stay inside the project: {value!r}")
        return value

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()


class Kit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    files: tuple[KitFile, ...]


Finding = tuple[str, int, str]  # file, line, message
Status = Literal["PASS", "FAIL", "SKIPPED"]
