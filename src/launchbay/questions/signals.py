"""Profile and answer look-ups shared by the deployment, blockchain, scale and security questions.

Every look-up returns the evidence together with the value, so a recommendation can always say
where its reason came from (`file:line`) and returns None when the profile holds no such reason.
"""

from __future__ import annotations

import re

from launchbay.models.profile import Component, DocFinding, Evidence, ProjectProfile, SigningKey
from launchbay.questions.base import Context, cite, doc_target, has_chain_facts

HTTP_ROLES = frozenset({"http-server", "frontend"})
DATA_STORES = ("postgres", "mysql", "mongodb", "sqlite", "s3", "ipfs")
PUBLIC_CLOUDS = ("aws", "gcp", "azure")

_TESTNET = re.compile(r"sepolia|holesky|hoodi|goerli|amoy|mumbai|fuji|chiado|devnet|testnet|ropsten|rinkeby|kovan")


# ----------------------------------------------------------------------------- answers


def text(ctx: Context, key: str) -> str | None:
    value = ctx.answer(key)
    return value if isinstance(value, str) else None


def names(ctx: Context, key: str) -> tuple[str, ...]:
    value = ctx.answer(key)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, tuple) else ()


def said(key: str, value: object) -> str:
    """How a rationale cites an earlier answer: `cloud=aws (deployment.cloud)`."""
    shown = ",".join(str(v) for v in value) if isinstance(value, tuple) else value
    return f"{key.split('.', 1)[1]}={shown} ({key})"


def chain_context(ctx: Context) -> bool:
    """Blockchain questions apply when review found chain facts or the user named chains."""
    return has_chain_facts(ctx.profile) or bool(names(ctx, "blockchain.chains"))


# ----------------------------------------------------------------------------- components


def tags(profile: ProjectProfile, field: str) -> list[tuple[Component, str, Evidence]]:
    """Every (component, value, first evidence) of a multi-valued field, in component order."""
    return [(c, str(t.value), t.evidence[0]) for c in profile.components for t in c.lists.get(field, ())
            if t.evidence]


def first_tags(profile: ProjectProfile, field: str) -> dict[str, Evidence]:
    """Distinct values of a multi-valued field with where each was first seen."""
    found: dict[str, Evidence] = {}
    for _, value, ev in tags(profile, field):
        found.setdefault(value, ev)
    return found


def label(comp: Component) -> str:
    """How a rationale names a component: its path, or its name for the repository root."""
    return comp.name if comp.path == "." else comp.path


def http_services(profile: ProjectProfile) -> tuple[Component, ...]:
    """Services that accept inbound HTTP (a web app or an API), as opposed to bots and workers."""
    return tuple(c for c in profile.services
                 if c.kind in ("web", "api") or HTTP_ROLES & set(map(str, c.values("role"))))


def stores(profile: ProjectProfile) -> dict[str, Evidence]:
    """Data stores (databases, object stores) any service depends on, with first evidence."""
    found: dict[str, Evidence] = {}
    for comp in profile.components:
        for bs in comp.backing_services:
            if bs.name in DATA_STORES and bs.evidence:
                found.setdefault(bs.name, bs.evidence[0])
    return found


def lone_sqlite(profile: ProjectProfile) -> Evidence | None:
    """The SQLite evidence when the project is one non-HTTP process whose only store is a local
    SQLite file: the right-sizing case (one small VM, one disk)."""
    data = stores(profile)
    if len(profile.services) != 1 or set(data) != {"sqlite"} or http_services(profile):
        return None
    return data["sqlite"]


def secret_reads(profile: ProjectProfile) -> list[tuple[str, Evidence]]:
    """Secret env vars the services read (what the store will hold), with their first read site."""
    return [(e.name, e.read[0]) for c in profile.services for e in c.env_vars
            if e.secret_class == "secret" and e.read]


def env_reads(profile: ProjectProfile, pattern: re.Pattern[str]) -> list[tuple[str, Evidence]]:
    """Env vars the services read whose name matches (tooling scripts and libraries do not count)."""
    return [(e.name, e.read[0]) for c in profile.services for e in c.env_vars
            if e.read and pattern.search(e.name)]


def service_tags(profile: ProjectProfile, field: str) -> list[tuple[Component, str, Evidence]]:
    return [t for t in tags(profile, field) if t[0].is_service]


def key_sites(profile: ProjectProfile) -> list[tuple[SigningKey, Evidence]]:
    return [(k, k.evidence[0]) for k in profile.signing_keys if k.evidence]


def key_phrase(profile: ProjectProfile) -> tuple[str, tuple[Evidence, ...]] | None:
    """`signing key X read at file:line (+N more)` and the evidence of every key."""
    sites = key_sites(profile)
    if not sites:
        return None
    key, ev = sites[0]
    more = f" (+{len(sites) - 1} more)" if len(sites) > 1 else ""
    return f"signing key {key.name} read at {cite(ev)}{more}", tuple(e for _, e in sites)


# ----------------------------------------------------------------------------- chains


def is_testnet(chain: str) -> bool:
    return bool(_TESTNET.search(chain))


def chains(profile: ProjectProfile) -> dict[str, Evidence]:
    return first_tags(profile, "chain")


# ----------------------------------------------------------------------------- planning docs


def findings(profile: ProjectProfile, category: str, pattern: re.Pattern[str] | None = None) -> list[DocFinding]:
    return [f for f in profile.doc_findings
            if f.category == category and (pattern is None or pattern.search(f.value + " " + f.evidence.quote))]


def any_finding(profile: ProjectProfile, pattern: re.Pattern[str]) -> DocFinding | None:
    """The first planning-doc finding of any category whose text matches `pattern`."""
    return next((f for f in profile.doc_findings if pattern.search(f.value + " " + f.evidence.quote)), None)


def integrations(profile: ProjectProfile, wanted: dict[str, str]) -> dict[str, Evidence]:
    """Integrations named in the docs (`wanted`: finding value -> our id), first mention each."""
    found: dict[str, Evidence] = {}
    for f in findings(profile, "integration"):
        if f.value in wanted:
            found.setdefault(wanted[f.value], f.evidence)
    return found


COMPLIANCE_IDS = {"SOC 2": "soc2", "ISO 27001": "iso27001", "GDPR": "gdpr", "HIPAA": "hipaa",
                  "PCI DSS": "pci-dss", "MiCA": "mica"}
_WAIVED = re.compile(
    r"\b(?:not (?:required|needed|applicable|in scope)|no (?:personal data|soc\s?2|iso|hipaa|pci|gdpr|mica)\b|"
    r"out of scope|limited to|n/a)", re.I)


def doc_compliance(profile: ProjectProfile) -> tuple[dict[str, Evidence], dict[str, Evidence]]:
    """Regimes the docs say apply, and regimes they explicitly waive ("No SOC 2 for the pilot").

    A regime waived anywhere is not counted as applying: a forward mention ("SOC 2 will ask")
    does not outweigh a decision written down in the PRD.
    """
    by_line: dict[tuple[str, int], str] = {}
    for f in profile.doc_findings:
        key = (f.evidence.file, f.evidence.line)
        by_line[key] = by_line.get(key, "") + " " + f.value + " " + f.evidence.quote
    applies: dict[str, Evidence] = {}
    waived: dict[str, Evidence] = {}
    for f in findings(profile, "compliance"):
        cid = COMPLIANCE_IDS.get(f.value)
        if cid is None:
            continue
        line_text = by_line.get((f.evidence.file, f.evidence.line), "")
        (waived if _WAIVED.search(line_text) else applies).setdefault(cid, f.evidence)
    return {k: v for k, v in applies.items() if k not in waived}, waived


def uptime(ctx: Context) -> tuple[float, str, tuple[Evidence, ...]] | None:
    """The uptime target as a number, how to cite it and its evidence: the answer, else the docs."""
    answered = text(ctx, "scale.uptime_target")
    if answered is not None:
        return float(answered), said("scale.uptime_target", answered), ()
    target = doc_target(ctx.profile, "uptime")
    if target is None:
        return None
    try:
        return float(str(target[0])), cite(target[1]), (target[1],)
    except ValueError:
        return None
