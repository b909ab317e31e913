"""The ProjectProfile: what review found in a repository, every fact with its evidence.

Detectors emit flat `Fact`s; `assemble.py` folds them into this typed, frozen profile.
Nothing here is computed from guesses without a trace: each value carries the evidence
(detector, file, line, quoted text) it came from, and disagreeing evidence is kept as a
`Conflict` rather than silently resolved.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1


class Model(BaseModel):
    """Base for every profile model: frozen, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(Model):
    """Where a fact was seen.

    `quote` is text that appears verbatim on line `line` of `file` (a test holds every
    piece of evidence to that). `note` says how the value follows from the quote when that
    is not obvious (e.g. "framework default").
    """

    detector: str
    file: str
    line: int
    quote: str
    note: str | None = None


FactValue = str | int | bool


class Fact(Model):
    """One observation by one detector.

    `subject` is a component path ("." is the repository root) or "" for project-wide facts
    (planning-doc findings, deploy files). `priority` orders sources for single-valued kinds;
    below `FALLBACK_PRIORITY` a fact is a default that applies only when nothing else does and
    never conflicts.
    """

    subject: str
    kind: str
    value: FactValue
    detail: str | None = None
    priority: int = 50
    evidence: Evidence


FALLBACK_PRIORITY = 30

ComponentKind = Literal[
    "web", "api", "worker", "indexer", "cron", "bot",  # deployable services
    "library", "contracts", "research", "workspace", "tooling",  # not services
]
SERVICE_KINDS: frozenset[str] = frozenset({"web", "api", "worker", "indexer", "cron", "bot"})

SecretClass = Literal["secret", "non-secret", "public-build-time"]


class Sourced(Model):
    """A single value and the evidence behind it, plus any other values seen for it."""

    value: FactValue
    evidence: tuple[Evidence, ...]
    alternatives: tuple[Alternative, ...] = ()


class Alternative(Model):
    """A different value another source gave for the same field."""

    value: FactValue
    evidence: tuple[Evidence, ...]


class Tagged(Model):
    """A member of a multi-valued field (an endpoint, a library, a chain) with its evidence."""

    value: FactValue
    detail: str | None = None
    evidence: tuple[Evidence, ...]


class EnvVar(Model):
    """An environment variable: where the code reads it, where it is documented, its class."""

    name: str
    secret_class: SecretClass
    class_reason: str
    read: tuple[Evidence, ...] = ()
    documented: tuple[Evidence, ...] = ()
    has_default: bool = False
    warning: str | None = None

    @property
    def undocumented(self) -> bool:
        return bool(self.read) and not self.documented

    @property
    def unread(self) -> bool:
        return bool(self.documented) and not self.read


class BackingService(Model):
    """A database, cache, queue or store a component depends on."""

    name: str
    required: bool
    evidence: tuple[Evidence, ...]


class Component(Model):
    """A directory with its own manifest: a deployable service or something that is not one."""

    path: str
    name: str
    kind: ComponentKind
    kind_reason: str
    is_service: bool
    fields: dict[str, Sourced]
    lists: dict[str, tuple[Tagged, ...]]
    env_vars: tuple[EnvVar, ...]
    backing_services: tuple[BackingService, ...]

    def value(self, field: str) -> FactValue | None:
        """The chosen value of a single-valued field, or None when nothing was found."""
        sourced = self.fields.get(field)
        return None if sourced is None else sourced.value

    def values(self, field: str) -> tuple[FactValue, ...]:
        return tuple(t.value for t in self.lists.get(field, ()))


class DocFinding(Model):
    """A sentence from the planning docs, filed under a category."""

    category: str
    value: str
    evidence: Evidence


class PlanningDoc(Model):
    """A planning document that was found and what role it plays (prd, sdd, sprint, review...)."""

    path: str
    role: str


class Conflict(Model):
    """Two or more sources disagree about one field; review never picks silently."""

    subject: str
    field: str
    chosen: FactValue
    values: tuple[Alternative, ...]


class SigningKey(Model):
    """A private key, mnemonic, keypair file or keystore the code uses: a key-management risk."""

    name: str
    key_type: str
    component: str
    evidence: tuple[Evidence, ...]
    risk: str


class Skipped(Model):
    """A path the tree walker refused to read, and why (symlink escape, binary, too large)."""

    path: str
    reason: str


class ProjectProfile(Model):
    """Everything review learned about a project. Renderers and later stages read only this."""

    schema_version: int = SCHEMA_VERSION
    project: str
    files_scanned: int
    components: tuple[Component, ...]
    planning_docs: tuple[PlanningDoc, ...]
    doc_findings: tuple[DocFinding, ...]
    project_facts: dict[str, tuple[Tagged, ...]]
    signing_keys: tuple[SigningKey, ...]
    conflicts: tuple[Conflict, ...]
    skipped: tuple[Skipped, ...]

    @property
    def services(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.is_service)

    def component(self, path: str) -> Component:
        for comp in self.components:
            if comp.path == path:
                return comp
        raise KeyError(path)


Sourced.model_rebuild()
