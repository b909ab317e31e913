"""The kit over a matrix of answers (hypothesis): example × cloud × target × CI × strategy × environments.

Two properties:
- cheap (render only, many examples): rendering is deterministic, every path stays inside the project,
  no `latest`, no secret value, every env var of every service is wired, files are clean text;
- full (write the kit, run every validator with strict=True, ~5–20 s per kit): zero failures and zero
  HIGH/CRITICAL scanner findings. Every target × CI pair is an explicit example (deterministic); a few
  drawn examples add strategies, environments and examples on top. No shrinking: one shrink step is a
  full validation, and the failing example is printed anyway.

Answers the plan refuses (PlanError) or that land on another platform than the one forced are filtered
(`reject`, hypothesis' `assume(False)`); each property counts them and fails if everything was filtered.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, Phase, example, given, reject, settings
from hypothesis import strategies as st

from launchbay.errors import LaunchbayError
from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.plan import PlanError
from launchbay.secretscan import secret_kind
from launchbay.validate import validate_kit
from tests.kit.support import ROOT, design

EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")
TARGETS = ("vm", "containers", "kubernetes")
ENVIRONMENTS = (("production",), ("staging", "production"))
# Answers that push the platform rule (planning/decide.py) to each target.
FORCING: dict[str, dict[str, dict[str, Any]]] = {
    "vm": {"scale": {"peak_rps": 5}, "backup": {"rpo_minutes": 60}},  # one or two small processes
    "containers": {"scale": {"peak_rps": 50}, "backup": {"rpo_minutes": 5}},  # PITR needs a managed database
    "kubernetes": {"scale": {"peak_rps": 1500}, "team": {"size": 4}},  # 1,000+ RPS with a team of 3+
}
# A full validation takes 5–25 s on 2 shared CPUs: a few drawn kits on top of the six explicit ones
# keeps the whole matrix under ~4 minutes.
FULL_DRAWN = 3


class Combo(NamedTuple):
    example: str
    cloud: str
    target: str
    git_host: str
    strategy: str
    environments: tuple[str, ...]


combos = st.builds(Combo, st.sampled_from(EXAMPLES), st.sampled_from(("aws", "self-hosted")),
                   st.sampled_from(TARGETS), st.sampled_from(("github", "gitlab")),
                   st.sampled_from(("rolling", "blue-green", "canary")), st.sampled_from(ENVIRONMENTS))

# One explicit kit per target × CI pair, each a combination that really lands on its target.
EXPLICIT = (
    Combo("discord-bot", "self-hosted", "vm", "github", "rolling", ("production",)),
    Combo("evm-dapp", "self-hosted", "vm", "gitlab", "blue-green", ("staging", "production")),
    Combo("evm-dapp", "aws", "containers", "github", "canary", ("staging", "production")),
    Combo("py-web3", "aws", "containers", "gitlab", "rolling", ("production",)),
    Combo("py-web3", "aws", "kubernetes", "github", "canary", ("staging", "production")),
    Combo("evm-dapp", "aws", "kubernetes", "gitlab", "blue-green", ("production",)),
)


def changes(c: Combo) -> dict[str, frozenset[tuple[str, Any]]]:
    topics: dict[str, dict[str, Any]] = {
        "deployment": {"cloud": c.cloud, "environments": c.environments},
        "cicd": {"git_host": c.git_host, "deploy_strategy": c.strategy},
    }
    if c.cloud == "aws":
        topics["deployment"]["primary_region"] = "us-east-1"
        topics["security"] = {"secrets_manager": "aws-secrets-manager"}
    for topic, fields in FORCING[c.target].items():
        topics.setdefault(topic, {}).update(fields)
    return {topic: frozenset(fields.items()) for topic, fields in topics.items()}


def planned(c: Combo, stats: Counter[str]) -> Design:
    """The combination's Design; refused or off-target combinations are counted and filtered."""
    try:
        d = design(c.example, **changes(c))
    except PlanError:
        stats["refused by plan"] += 1
        reject()
    if d.platform != c.target:
        stats[f"planned {d.platform} instead of {c.target}"] += 1
        reject()
    stats[f"{c.target}/{c.git_host}"] += 1
    return d


def rendered(d: Design, stats: Counter[str]) -> dict[str, str]:
    try:
        return {f.path: f.content for f in render_kit(d).files}
    except LaunchbayError as err:  # generate refuses what it cannot wire: a stated refusal, never a crash
        stats["refused by generate"] += 1
        assert err.hint, err.message
        reject()


def test_explicit_examples_land_on_their_target() -> None:
    assert {(c.target, c.git_host) for c in EXPLICIT} == {(t, g) for t in TARGETS for g in ("github", "gitlab")}
    for c in EXPLICIT:
        d = design(c.example, **changes(c))
        assert (d.platform, d.cicd["git_host"], d.environments) == (c.target, c.git_host, c.environments), c


# --- cheap property: render only ----------------------------------------------------------------

LATEST = re.compile(r"[:@]latest\b|^\s*(?:-\s+)?runs-on:.*-latest\b|^\s*(?:-\s+)?image:\s*[^:\s]+\s*$")
TIMESTAMP = re.compile(r"\b20\d\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def check_invariants(c: Combo, d: Design, files: dict[str, str]) -> None:
    replanned = design.__wrapped__(c.example, **changes(c))  # uncached: plan and render again from scratch
    again = {f.path: f.content for f in render_kit(replanned).files}
    assert again == files, "two plans and renders of the same answers differ"
    project = Path("/project")
    for path, text in files.items():
        pure = PurePosixPath(path)
        assert not pure.is_absolute() and ".." not in pure.parts, path
        assert (project / path).resolve().is_relative_to(project), path
        assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text, path
        assert str(ROOT) not in text, path  # no path of the machine that generated it
        assert not TIMESTAMP.search(text), path
        for n, line in enumerate(text.splitlines(), 1):
            assert not LATEST.search(line), f"{path}:{n}: {line}"
            kind = secret_kind(DIGEST.sub("sha256:<digest>", line))
            assert kind is None, f"{path}:{n}: looks like {kind}"
    # Wired = named in a file that delivers it (config, secret reference, build argument, boot-time
    # render); a doc, the wiring summary or an example env file only lists names. A raw signing key
    # (`signer`) is not delivered at all: the signer configuration that replaces it must name it.
    delivering = {p: t for p, t in files.items() if not p.endswith((".md", ".json", ".env.example"))}
    signer_configs = {p: t for p, t in files.items() if not p.endswith(".md") and p != "deploy/launchbay-wiring.json"
                      and not p.endswith(".env.example")}
    for svc in d.services:
        for env in svc.env:
            word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(env.name)}(?![A-Za-z0-9_])")
            pool = signer_configs if env.wiring == "signer" else delivering
            assert any(word.search(t) for t in pool.values()), f"{svc.name}: {env.name} ({env.wiring}) is wired nowhere"
            if env.wiring == "secret":
                for p, t in files.items():
                    if p.endswith(".env.example"):
                        assert not re.search(rf"^{re.escape(env.name)}=\S", t, re.M), f"{p}: {env.name} has a value"


def test_rendered_kits_keep_their_invariants(record_property: Any) -> None:
    stats: Counter[str] = Counter()

    @settings(max_examples=16, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(combos)
    @example(EXPLICIT[0])
    @example(EXPLICIT[1])
    @example(EXPLICIT[2])
    @example(EXPLICIT[3])
    @example(EXPLICIT[4])
    @example(EXPLICIT[5])
    def check(c: Combo) -> None:
        d = planned(c, stats)
        check_invariants(c, d, rendered(d, stats))
        stats["rendered"] += 1

    check()
    record_property("matrix", dict(stats))
    print("render matrix:", dict(sorted(stats.items())))
    assert stats["rendered"] >= 16, stats  # a property over a handful of kits proves little
    refused = sum(n for k, n in stats.items() if k.startswith(("refused", "planned")))
    assert refused < stats["rendered"], stats
    for target in TARGETS:
        assert any(k.startswith(f"{target}/") for k in stats), f"no {target} kit was rendered: {stats}"


# --- full property: every validator, strict ------------------------------------------------------

def validate_combo(c: Combo, stats: Counter[str]) -> None:
    d = planned(c, stats)
    kit = render_kit(d)
    with tempfile.TemporaryDirectory(prefix="launchbay-matrix-") as tmp:
        write_kit(kit, tmp)
        report = validate_kit(tmp, strict=True)
    stats["validated"] += 1
    problems = [f"{r.validator} {r.status}: {r.summary}; " + "; ".join(f"{f}:{n}: {m}" for f, n, m in r.findings[:5])
                for r in report.failed]
    assert problems == [], f"{c}: " + "\n".join(problems)
    high = [f for r in report.results for f in r.findings if f[2].startswith(("HIGH", "CRITICAL"))]
    assert high == [], high
    expected = {"vm": {"shell", "compose", "systemd"}, "containers": {"terraform", "checkov", "trivy", "hadolint"},
                "kubernetes": {"terraform", "checkov", "trivy", "helm", "kubernetes"}}[c.target]
    assert {r.validator for r in report.results} >= expected | {"consistency", "yamllint"}, report.results


@pytest.mark.validator
def test_every_kit_of_the_matrix_validates_strictly(record_property: Any) -> None:
    stats: Counter[str] = Counter()

    @settings(max_examples=FULL_DRAWN, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(combos.filter(lambda c: c not in EXPLICIT))
    @example(EXPLICIT[0])
    @example(EXPLICIT[1])
    @example(EXPLICIT[2])
    @example(EXPLICIT[3])
    @example(EXPLICIT[4])
    @example(EXPLICIT[5])
    def check(c: Combo) -> None:
        validate_combo(c, stats)

    check()
    record_property("matrix", dict(stats))
    print("validated matrix:", dict(sorted(stats.items())))
    assert stats["validated"] > len(EXPLICIT), stats  # every pair, plus at least one drawn kit
