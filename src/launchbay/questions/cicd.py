"""CI/CD questions: where the code lives, how it branches, how it rolls out, and who approves.

The git host decides which pipeline files are generated; the deploy strategy must suit the
components (a chat bot or a SQLite writer must never run twice, so it cannot do blue-green).
"""

from __future__ import annotations

from launchbay.questions.base import Context, Option, Question, Recommendation
from launchbay.questions.ops_evidence import (
    CI_FILES,
    STRICT_COMPLIANCE,
    answered,
    ci_file,
    compliance,
    contracts,
    data_stores,
    peak_rps,
    recommend,
    service,
    signing_key,
    uptime,
)


def _git_host(ctx: Context) -> Recommendation | None:
    found = ci_file(ctx.profile)
    if found is None:
        return None
    return recommend(CI_FILES[str(found.value)], "pipelines go where the existing CI already runs", found)


def _branch_strategy(ctx: Context) -> Recommendation | None:
    size = answered(ctx, "team.size")
    if size is not None and isinstance(size.value, int):
        if size.value <= 2:
            return recommend("trunk", "short-lived branches merged to main behind CI; no release branches to manage",
                             size)
        return recommend("github-flow", "feature branches with reviewed pull requests; main is always deployable",
                         size)
    risky = signing_key(ctx.profile) or contracts(ctx.profile)
    if risky is not None:
        return recommend("github-flow", "code that signs transactions deserves a reviewed pull request before main",
                         risky)
    return None


def _deploy_strategy(ctx: Context) -> Recommendation | None:
    single = next((service(c) for c in ctx.profile.services
                   if c.kind == "bot" or "bot" in {str(v) for v in c.values("role")}), None)
    sqlite = next((s for s in data_stores(ctx.profile) if s.value == "sqlite"), None)
    if single is not None or sqlite is not None:
        return recommend("rolling", "one instance that must never run twice: replace it in place (stop, then start)",
                         single, sqlite)
    up, rps = uptime(ctx), peak_rps(ctx)
    if (up is not None and up.value >= 99.95) or (rps is not None and rps.value >= 500):
        return recommend("canary", "expose a new release to a few percent of traffic before all of it", up, rps)
    if up is not None and up.value >= 99.9:
        return recommend("blue-green", "a full standby copy gives a one-step rollback inside the downtime budget", up)
    if up is not None:
        return recommend("rolling", "the target tolerates a brief blip; rolling needs no spare copy", up)
    return None


def _approvals(ctx: Context) -> Recommendation | None:
    size = answered(ctx, "team.size")
    if size is not None and size.value == 1:
        return recommend("none", "nobody else to approve; CI checks gate the deploy", size)
    audited = compliance(ctx, STRICT_COMPLIANCE)
    if audited is not None:
        return recommend("production", "auditors ask for a recorded approval on production changes", audited)
    risky = signing_key(ctx.profile) or contracts(ctx.profile)
    if risky is not None:
        return recommend("production", "a production deploy can move funds: a second person approves it", risky)
    return None


def _approvals_required(ctx: Context) -> bool:
    return ctx.answer("cicd.approvals") not in (None, "none")


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="cicd.git_host",
        prompt="Where is the repository hosted: GitHub, GitLab, Bitbucket or elsewhere?",
        help="Decides the pipeline format (GitHub Actions, GitLab CI...) and how the cloud trusts CI (OIDC).",
        kind="choice",
        options=(
            Option("github", "GitHub",
                   pros=("GitHub Actions with OIDC to AWS/GCP/Azure", "Environments with required reviewers"),
                   cons=("Required reviewers on private repos need GitHub Enterprise",),
                   fits="Most open-source and startup repos"),
            Option("gitlab", "GitLab",
                   pros=("Pipelines, registry and environments built in", "Self-managed option"),
                   cons=("Fewer ready-made third-party actions",),
                   fits="Teams already on GitLab or needing self-hosted git"),
            Option("bitbucket", "Bitbucket",
                   pros=("Fits Jira-centred teams",),
                   cons=("Smaller pipeline ecosystem", "Build minutes are tight on lower plans"),
                   fits="Atlassian shops"),
        ),
        recommend=_git_host,
        required=True,
    ),
    Question(
        key="cicd.branch_strategy",
        prompt="How do changes reach main: trunk-based, GitHub flow (PR per change), or GitFlow with release branches?",
        help="Sets which branches trigger which environments and where approval gates sit.",
        kind="choice",
        options=(
            Option("trunk", "Trunk-based",
                   pros=("Fastest feedback; no long-lived branches",),
                   cons=("Needs good tests and feature flags",),
                   fits="One or two engineers, frequent small deploys"),
            Option("github-flow", "GitHub flow",
                   pros=("Every change reviewed in a pull request", "main is always deployable"),
                   cons=("Review wait on every change",),
                   fits="Small teams, code that moves funds or holds keys"),
            Option("gitflow", "GitFlow",
                   pros=("Explicit release and hotfix branches",),
                   cons=("Merge overhead; slow for continuous deployment",),
                   fits="Versioned releases shipped on a schedule"),
        ),
        recommend=_branch_strategy,
    ),
    Question(
        key="cicd.deploy_strategy",
        prompt="How should a new release replace the old one: rolling, blue-green, or canary?",
        help="Trades cost against rollback speed; some components (bots, single writers) must never run twice.",
        kind="choice",
        options=(
            Option("rolling", "Rolling update",
                   pros=("No extra capacity needed", "Default on ECS, Kubernetes and most PaaS"),
                   cons=("Old and new versions briefly serve together", "Rollback is another rollout"),
                   fits="Most services; single instances replaced in place"),
            Option("blue-green", "Blue-green",
                   pros=("Switch back in one step", "New version tested before it takes traffic"),
                   cons=("Double capacity during the switch", "Unsafe for processes that must run once"),
                   fits="APIs with 99.9% targets and schema-compatible migrations"),
            Option("canary", "Canary",
                   pros=("Limits a bad release to a few percent of users",),
                   cons=("Needs traffic splitting and metrics-based promotion",),
                   fits="High-traffic services with 99.95%+ targets"),
        ),
        recommend=_deploy_strategy,
        required=True,
    ),
    Question(
        key="cicd.approvals",
        prompt="Must a person approve deploys: never, for production only, or for every environment?",
        help="Approval gates become protected environments in the pipeline; too many slow every fix.",
        kind="choice",
        options=(
            Option("none", "No manual approval",
                   pros=("Fastest path from merge to production",),
                   cons=("A bad merge goes straight out",),
                   fits="Solo maintainers, bots, internal tools"),
            Option("production", "Production only",
                   pros=("A second look where it matters; staging stays fast",),
                   cons=("Someone must be available to approve",),
                   fits="Services that hold keys or money, SOC 2 change management"),
            Option("all", "Every environment",
                   pros=("Full change control",),
                   cons=("Slows staging and previews for little gain",),
                   fits="Strictly regulated environments"),
        ),
        recommend=_approvals,
    ),
    Question(
        key="cicd.approvers",
        prompt="Who may approve deploys (GitHub/GitLab users or teams)?",
        help="They become the protected environment's required reviewers; name at least two to avoid a bottleneck.",
        kind="list",
        options=(
            Option(("tech-lead",), "One named lead",
                   pros=("Clear ownership",),
                   cons=("Deploys stop when that person is away",),
                   fits="Very small teams"),
            Option(("tech-lead", "ops-lead"), "Two people, either approves",
                   pros=("Cover for holidays and time zones",),
                   cons=("Two people to keep informed",),
                   fits="Small teams with production approval"),
            Option(("org/release-managers",), "A team or group",
                   pros=("Membership changes without editing the pipeline",),
                   cons=("Approval can become a rubber stamp",),
                   fits="Larger organisations"),
        ),
        when=_approvals_required,
    ),
)
