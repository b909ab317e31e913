"""Evidence look-ups shared by the budget, team, monitoring, CI/CD and backup questions.

Every helper returns the value together with the words a rationale needs to cite it
(`file:line` from the profile, or `field=value (topic.field)` for an earlier answer), so a
recommender can never state a reason it has no trace for. Earlier answers win over the
planning docs: the user's word is newer than the docs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from launchbay.models.profile import Component, DocFinding, Evidence, ProjectProfile, SigningKey, Tagged
from launchbay.questions.base import AnswerValue, Context, Recommendation, cite, doc_target

DATA_STORES = ("postgres", "mysql", "mongodb", "sqlite", "s3")
SERVER_DATABASES = frozenset({"postgres", "mysql", "mongodb"})
QUEUES = frozenset({"redis", "rabbitmq", "kafka", "nats"})
CI_FILES = {"github-actions": "github", "gitlab-ci": "gitlab"}
STRICT_COMPLIANCE = ("soc2", "iso27001", "pci-dss")


T = TypeVar("T")


@dataclass(frozen=True)
class Cited(Generic[T]):
    """A value and how to cite it in a one-line rationale."""

    value: T
    text: str
    evidence: tuple[Evidence, ...] = ()


def answered(ctx: Context, key: str) -> Cited[object] | None:
    """An earlier answer, cited by its key; None while unanswered."""
    value = ctx.answer(key)
    if value is None:
        return None
    shown: object = ",".join(value) if isinstance(value, tuple) else value
    if isinstance(value, float) and value.is_integer():
        shown = int(value)
    return Cited(value, f"{key.split('.', 1)[1]}={shown} ({key})")


def _target(ctx: Context, key: str, doc_name: str, words: str) -> Cited[float] | None:
    """A scale figure as a float: the answer if given, else the planning docs' target."""
    given = answered(ctx, key)
    if given is not None:
        return Cited(float(str(given.value)), given.text)
    found = doc_target(ctx.profile, doc_name)
    if found is None:
        return None
    value, ev = found
    return Cited(float(str(value)), f"docs target {words.format(value)} ({cite(ev)})", (ev,))


def uptime(ctx: Context) -> Cited[float] | None:
    return _target(ctx, "scale.uptime_target", "uptime", "{}% uptime")


def peak_rps(ctx: Context) -> Cited[float] | None:
    return _target(ctx, "scale.peak_rps", "rps", "peak {} RPS")


def latency_p95(ctx: Context) -> Cited[float] | None:
    return _target(ctx, "scale.latency_p95_ms", "latency_p95_ms", "p95 {} ms")


def monthly_budget(ctx: Context) -> Cited[object] | None:
    return answered(ctx, "budget.monthly_usd")


def compliance(ctx: Context, regimes: Iterable[str]) -> Cited[object] | None:
    """The compliance answer when it names one of `regimes`."""
    given = answered(ctx, "security.compliance")
    if given is None or not isinstance(given.value, tuple) or not set(given.value) & set(regimes):
        return None
    return given


def data_stores(profile: ProjectProfile) -> tuple[Cited[object], ...]:
    """Each stateful backing service once (by name), with its first evidence."""
    seen: dict[str, Cited[object]] = {}
    for comp in profile.components:
        for svc in comp.backing_services:
            if svc.name in DATA_STORES and svc.name not in seen and svc.evidence:
                ev = svc.evidence[0]
                seen[svc.name] = Cited(svc.name, f"{svc.name} ({cite(ev)})", (ev,))
    return tuple(seen[name] for name in DATA_STORES if name in seen)


def backing(profile: ProjectProfile, names: Iterable[str]) -> Cited[object] | None:
    """The first backing service (any kind) among `names`, cited."""
    wanted = set(names)
    for comp in profile.components:
        for svc in comp.backing_services:
            if svc.name in wanted and svc.evidence:
                return Cited(svc.name, f"{svc.name} ({cite(svc.evidence[0])})", svc.evidence[:1])
    return None


def has_data_store(ctx: Context) -> bool:
    return bool(data_stores(ctx.profile))


def data_store_or_multi_region(ctx: Context) -> bool:
    return has_data_store(ctx) or ctx.answer("deployment.multi_region") is True


def component_evidence(comp: Component) -> Evidence | None:
    """Why a component is what it is: its framework, else its role evidence."""
    sourced = comp.fields.get("framework")
    if sourced is not None and sourced.evidence:
        return sourced.evidence[0]
    roles = comp.lists.get("role", ())
    return roles[0].evidence[0] if roles and roles[0].evidence else None


def service(comp: Component) -> Cited[object]:
    ev = component_evidence(comp)
    where = f" ({cite(ev)})" if ev is not None else ""
    label = comp.name if comp.path == "." else comp.path
    return Cited(comp.path, f"{comp.kind} {label}{where}", () if ev is None else (ev,))


def services(profile: ProjectProfile) -> tuple[Cited[object], ...]:
    return tuple(service(c) for c in profile.services)


def roles(profile: ProjectProfile) -> set[str]:
    return {str(v) for c in profile.services for v in c.values("role")}


def signing_key(profile: ProjectProfile) -> Cited[object] | None:
    """The first signing key, cited at its read site."""
    key: SigningKey | None = profile.signing_keys[0] if profile.signing_keys else None
    if key is None or not key.evidence:
        return None
    ev = key.evidence[0]
    return Cited(key.name, f"signing key {key.name} read at {cite(ev)}", (ev,))


def contracts(profile: ProjectProfile) -> Cited[object] | None:
    for comp in profile.components:
        if comp.kind == "contracts":
            ev = component_evidence(comp)
            if ev is not None:
                return Cited(comp.path, f"contracts in {comp.path} ({cite(ev)})", (ev,))
    return None


def finding(profile: ProjectProfile, pattern: re.Pattern[str], categories: Iterable[str] = ()) -> Cited[object] | None:
    """The first planning-doc finding whose text matches `pattern` (optionally only some categories)."""
    wanted = set(categories)
    for item in profile.doc_findings:
        if (not wanted or item.category in wanted) and pattern.search(item.value):
            return _cite_finding(item)
    return None


def _cite_finding(item: DocFinding) -> Cited[object]:
    text = item.value if len(item.value) <= 60 else item.value[:57].rstrip() + "..."
    return Cited(item.value, f'"{text}" ({cite(item.evidence)})', (item.evidence,))


def integration(profile: ProjectProfile, name: str) -> Cited[object] | None:
    """A named integration the planning docs mention (e.g. "Sentry"), cited at its first mention."""
    for item in profile.doc_findings:
        if item.category == "integration" and item.value == name:
            return Cited(name, f"docs name {name} ({cite(item.evidence)})", (item.evidence,))
    return None


def env_var(profile: ProjectProfile, prefixes: Iterable[str]) -> Cited[object] | None:
    """An env var whose name starts with one of `prefixes`, cited where read (else documented)."""
    starts = tuple(prefixes)
    for comp in profile.components:
        for var in comp.env_vars:
            where = var.read or var.documented
            if var.name.startswith(starts) and where:
                return Cited(var.name, f"{var.name} ({cite(where[0])})", where[:1])
    return None


def ci_file(profile: ProjectProfile) -> Cited[object] | None:
    """The first CI definition that can take effect (root workflows, not inert copies)."""
    for item in profile.project_facts.get("deploy_file", ()):
        if str(item.value) in CI_FILES and item.detail is None and item.evidence:
            return _cite_tagged(item, f"{item.value} workflow")
    return None


def _cite_tagged(item: Tagged, words: str) -> Cited[object]:
    ev = item.evidence[0]
    return Cited(item.value, f"{words} ({ev.file}:{ev.line})", (ev,))


def recommend(value: AnswerValue, reason: str, *sources: Cited[object] | Cited[float] | None) -> Recommendation:
    """A recommendation whose one-line rationale is `<cites> → <reason>`."""
    present = [s for s in sources if s is not None]
    cites = ", ".join(s.text for s in present)
    evidence = tuple(ev for s in present for ev in s.evidence)
    return Recommendation(value, f"{cites} → {reason}" if cites else reason, evidence)
