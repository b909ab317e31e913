"""Fold the detectors' flat facts into a ProjectProfile.

This is the one place that decides: which value a single-valued field takes (highest
priority), which disagreements are conflicts, what each component *is*, and how each env var
is classified. Detectors only observe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from launchbay import envclass, versions
from launchbay.models.profile import (
    FALLBACK_PRIORITY,
    SERVICE_KINDS,
    Alternative,
    BackingService,
    Component,
    ComponentKind,
    Conflict,
    DocFinding,
    EnvVar,
    Evidence,
    Fact,
    FactValue,
    PlanningDoc,
    ProjectProfile,
    SigningKey,
    Skipped,
    Sourced,
    Tagged,
)

SINGLE_KINDS = frozenset({
    "language", "runtime_version", "framework", "package_manager", "build_command",
    "start_command", "port", "test_command", "name",
})
# Fields where two sources giving different values is a problem worth showing the user.
CONFLICT_KINDS = frozenset({"port", "runtime_version", "package_manager"})

# Which role makes a component which kind, strongest first.
ROLE_ORDER: tuple[tuple[str, ComponentKind], ...] = (
    ("contracts", "contracts"),
    ("indexer", "indexer"),
    ("bot", "bot"),
    ("frontend", "web"),
    ("http-server", "api"),
    ("worker", "worker"),
    ("cron", "cron"),
    ("research", "research"),
    ("cli", "tooling"),
    ("workspace", "workspace"),
    ("library", "library"),
)

KEY_RISK = {
    "private-key": "raw private key in an env var: anyone with the host or its env can sign; "
                   "move signing to KMS/HSM or a remote signer",
    "mnemonic": "seed phrase in an env var controls every derived account; use a KMS/HSM-backed signer",
    "keypair-file": "keypair file on disk: anyone who can read it can sign; use a remote signer or KMS",
    "keystore": "encrypted keystore: its password must come from a secret store, never a file beside it",
}


def assemble_profile(
    project: str,
    files_scanned: int,
    components: tuple[str, ...],
    facts: Iterable[Fact],
    skipped: tuple[Skipped, ...],
) -> ProjectProfile:
    """Build the profile from every fact the detectors reported."""
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    for f in _dedupe(facts):
        subject = f.subject if f.subject in components else ""
        by_subject[subject].append(f)

    conflicts: list[Conflict] = []
    built = [_component(path, project, by_subject.get(path, []), conflicts) for path in components]

    project_facts = by_subject.get("", [])
    findings = tuple(
        DocFinding(category=f.kind[4:], value=str(f.value), evidence=f.evidence)
        for f in sorted(project_facts, key=_fact_order)
        if f.kind.startswith("doc.")
    )
    docs = tuple(sorted(
        {PlanningDoc(path=f.evidence.file, role=str(f.value)) for f in project_facts if f.kind == "planning_doc"},
        key=lambda d: (d.path, d.role),
    ))
    other = [f for f in project_facts if not f.kind.startswith("doc.") and f.kind != "planning_doc"]
    targets = [f for f in other if f.kind.startswith("target.")]
    for kind in sorted({f.kind for f in targets}):
        _pick([f for f in targets if f.kind == kind], "", kind, conflicts, check=True)

    return ProjectProfile(
        project=project,
        files_scanned=files_scanned,
        components=tuple(built),
        planning_docs=docs,
        doc_findings=findings,
        project_facts=_lists(other),
        signing_keys=_signing_keys(by_subject),
        conflicts=tuple(sorted(conflicts, key=lambda c: (c.subject, c.field))),
        skipped=skipped,
    )


def _component(path: str, project: str, facts: list[Fact], conflicts: list[Conflict]) -> Component:
    single: dict[str, Sourced] = {}
    for kind in sorted({f.kind for f in facts if f.kind in SINGLE_KINDS}):
        sourced = _pick([f for f in facts if f.kind == kind], path, kind, conflicts, check=kind in CONFLICT_KINDS)
        if sourced is not None:
            single[kind] = sourced
    multi = [f for f in facts if f.kind not in SINGLE_KINDS]
    lists = _lists(f for f in multi if f.kind not in {"env_read", "env_documented", "backing_service"})
    kind, reason = _classify(lists.get("role", ()), single)
    default_name = project if path == "." else PurePosixPath(path).name
    name = str(single["name"].value) if "name" in single else default_name
    return Component(
        path=path,
        name=name,
        kind=kind,
        kind_reason=reason,
        is_service=kind in SERVICE_KINDS,
        fields=single,
        lists=lists,
        env_vars=_env_vars(multi),
        backing_services=_backing(multi),
    )


def _pick(facts: list[Fact], subject: str, kind: str, conflicts: list[Conflict], *, check: bool) -> Sourced | None:
    """The highest-priority value; other explicit values become alternatives (and a conflict when
    they really disagree: `versions.agree` forgives "1.18" vs "1.18.2" and npm vs cargo)."""
    if not facts:
        return None
    explicit = [f for f in facts if f.priority >= FALLBACK_PRIORITY] or facts
    grouped: dict[FactValue, list[Fact]] = defaultdict(list)
    for f in explicit:
        grouped[_norm(f.value)].append(f)
    ranked = sorted(grouped.items(), key=lambda kv: (-max(f.priority for f in kv[1]), _key(kv[0])))
    chosen_value, chosen_facts = ranked[0]
    alternatives = tuple(
        Alternative(value=v, evidence=_evidence(fs)) for v, fs in ranked[1:]
    )
    disagreeing = [a for a in alternatives if not versions.agree(kind, chosen_value, a.value)]
    if kind == "runtime_version":  # a pinned version outside the declared range (engines, requires-python)
        ranges = [f for f in facts if f.priority < FALLBACK_PRIORITY and versions.is_range(str(f.value))]
        for f in ranges:
            if versions.satisfies(str(chosen_value), str(f.value)) is False:
                disagreeing.append(Alternative(value=f.value, evidence=(f.evidence,)))
    if check and disagreeing:
        conflicts.append(Conflict(
            subject=subject,
            field=kind,
            chosen=chosen_value,
            values=(Alternative(value=chosen_value, evidence=_evidence(chosen_facts)), *disagreeing),
        ))
    return Sourced(value=chosen_value, evidence=_evidence(chosen_facts), alternatives=alternatives)


def _lists(facts: Iterable[Fact]) -> dict[str, tuple[Tagged, ...]]:
    grouped: dict[str, dict[tuple[str, str], list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for f in facts:
        grouped[f.kind][(_key(f.value), f.detail or "")].append(f)
    out: dict[str, tuple[Tagged, ...]] = {}
    for kind in sorted(grouped):
        items = []
        for (_, detail), fs in sorted(grouped[kind].items()):
            items.append(Tagged(value=fs[0].value, detail=detail or None, evidence=_evidence(fs)))
        out[kind] = tuple(items)
    return out


def _classify(roles: tuple[Tagged, ...], single: dict[str, Sourced]) -> tuple[ComponentKind, str]:
    present = {str(t.value): t for t in roles}
    if "library" in present and "start_command" not in single:
        # A package that exports code and starts nothing is a library, whatever SDKs it depends on.
        ev = present["library"].evidence[0]
        return "library", f"role 'library' and no start command ({ev.detector} at {ev.file}:{ev.line})"
    for role, kind in ROLE_ORDER:
        if role in present:
            ev = present[role].evidence[0]
            return kind, f"role {role!r} ({ev.detector} at {ev.file}:{ev.line})"
    if "start_command" in single:
        ev = single["start_command"].evidence[0]
        return "worker", f"has a start command but no server framework ({ev.file}:{ev.line})"
    return "library", "no start command and no service framework found"


def _env_vars(facts: list[Fact]) -> tuple[EnvVar, ...]:
    read: dict[str, list[Fact]] = defaultdict(list)
    documented: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.kind == "env_read":
            read[str(f.value)].append(f)
        elif f.kind == "env_documented":
            documented[str(f.value)].append(f)
    out = []
    for name in sorted(set(read) | set(documented)):
        secret_class, reason = envclass.classify(name)
        out.append(EnvVar(
            name=name,
            secret_class=secret_class,
            class_reason=reason,
            read=_evidence(read.get(name, [])),
            documented=_evidence(documented.get(name, [])),
            has_default=any(f.detail == "default" for f in read.get(name, [])),
            warning=("public build-time variable with a credential name: its value ships to every browser"
                     if envclass.public_looks_secret(name) else None),
        ))
    return tuple(out)


def _backing(facts: list[Fact]) -> tuple[BackingService, ...]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.kind == "backing_service":
            grouped[str(f.value)].append(f)
    return tuple(
        BackingService(
            name=name,
            # Required unless every source says the code runs without it.
            required=not all(f.detail == "optional" for f in fs),
            evidence=_evidence(fs),
        )
        for name, fs in sorted(grouped.items())
    )


def _signing_keys(by_subject: dict[str, list[Fact]]) -> tuple[SigningKey, ...]:
    keys: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for subject, facts in by_subject.items():
        for f in facts:
            if f.kind == "signing_key":
                keys[(subject, str(f.value))].append(f)
    out = []
    for (subject, name), fs in sorted(keys.items()):
        key_type = fs[0].detail or "private-key"
        out.append(SigningKey(
            name=name, key_type=key_type, component=subject, evidence=_evidence(fs),
            risk=KEY_RISK.get(key_type, KEY_RISK["private-key"]),
        ))
    return tuple(out)


def _dedupe(facts: Iterable[Fact]) -> list[Fact]:
    seen: dict[tuple[object, ...], Fact] = {}
    for f in facts:
        k = (f.subject, f.kind, f.value, f.detail, f.evidence.file, f.evidence.line, f.evidence.detector)
        if k not in seen or f.priority > seen[k].priority:
            seen[k] = f
    return list(seen.values())


def _evidence(facts: Iterable[Fact]) -> tuple[Evidence, ...]:
    unique = {(f.evidence.file, f.evidence.line, f.evidence.detector, f.evidence.quote): f.evidence for f in facts}
    return tuple(unique[k] for k in sorted(unique))


def _norm(value: FactValue) -> FactValue:
    return value.strip() if isinstance(value, str) else value


def _key(value: FactValue) -> str:
    return f"{type(value).__name__}:{value}"


def _fact_order(f: Fact) -> tuple[str, str, int, str]:
    return (f.kind, f.evidence.file, f.evidence.line, str(f.value))
