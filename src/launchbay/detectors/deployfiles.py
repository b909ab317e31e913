"""Deploy files: which ones the repo already has, and what they say about each component.

Every deploy file becomes one project-wide `deploy_file` fact (subject "") whose value is its
kind; files that cannot take effect where they sit (a workflow folder below the repo root) say
so in `detail`. Files that describe how a component runs (Dockerfile, compose, fly, railway,
render, Kubernetes) also yield that component's start command, port, health endpoint and base
runtime, ranked below code and platform config by priority. Procfile and PM2 files are left to
the language detectors: only their presence is reported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from posixpath import basename, dirname

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.deploy_common import NAME, Source
from launchbay.detectors.deploy_compose import compose_facts
from launchbay.detectors.deploy_docker import dockerfile_facts
from launchbay.detectors.deploy_k8s import k8s_facts
from launchbay.detectors.deploy_kinds import (
    GITHUB_INERT,
    GITLAB_INERT,
    by_content,
    by_name,
    evidence_line,
    is_dev_dockerfile,
    name_tag,
    needs_content,
    not_deployed,
)
from launchbay.detectors.deploy_platforms import (
    fly_dockerfile,
    fly_facts,
    railway_facts,
    render_facts,
    vercel_framework,
)
from launchbay.detectors.golang import parse_go_mod
from launchbay.models.profile import Fact

# Name tags of `Dockerfile.<tag>` that name an environment, not a component.
_ENV_TAGS = frozenset({"dev", "development", "local", "debug", "prod", "production", "staging", "test", "ci",
                       "base", "release"})


class DeployFileDetector:
    name = NAME

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        found = _deploy_files(ctx)
        root_gitlab = ctx.read(".gitlab-ci.yml") or ""
        for kind, src in found:
            deploy_fact = _deploy_fact(kind, src, root_gitlab)
            if deploy_fact is not None:
                yield deploy_fact
        yield from _present(_component_facts(ctx, found))


def _present(facts: Iterable[Fact | None]) -> Iterator[Fact]:
    return (f for f in facts if f is not None)


def _deploy_files(ctx: DetectorContext) -> list[tuple[str, Source]]:
    """(kind, source) for every deploy file, names first, then the few files read to decide."""
    charts = [f"{d}/templates/" if d else "templates/" for d in map(dirname, ctx.tree.named("Chart.yaml"))]
    out: list[tuple[str, Source]] = []
    for rel in ctx.tree.files:
        kind = by_name(rel)
        if kind is None:
            # Helm templates are Go templates, not YAML: the chart's own fact covers them.
            if not needs_content(rel) or rel.startswith(tuple(charts)):
                continue
            text = ctx.read(rel)
            kind = by_content(rel, text) if text else None
        else:
            text = ctx.read(rel)
        if kind is not None and text and text.strip():
            out.append((kind, Source(rel, text)))
    return out


def _deploy_fact(kind: str, src: Source, root_gitlab: str) -> Fact | None:
    detail = None
    if kind == "github-actions" and not src.rel.startswith(".github/"):
        detail = GITHUB_INERT
    elif kind == "gitlab-ci" and "/" in src.rel and src.rel not in root_gitlab:
        detail = GITLAB_INERT
    elif kind not in ("github-actions", "gitlab-ci"):
        detail = not_deployed(src.rel)
    line = evidence_line(src, kind)
    note = None
    if kind == "vercel":
        preset = vercel_framework(src)
        if preset is not None:
            line, note = preset
    return src.fact("", "deploy_file", kind, line, detail=detail, note=note) if line else None


def _component_facts(ctx: DetectorContext, found: list[tuple[str, Source]]) -> Iterator[Fact | None]:
    limit = ctx.tree.max_file_bytes
    live = [(kind, src) for kind, src in found if not_deployed(src.rel) is None]
    built_for: dict[str, str] = {}
    for kind, src in live:
        if kind == "compose":
            result = compose_facts(src, limit, ctx.component_of)
            yield from result.facts
            for dockerfile, comp in result.dockerfiles.items():
                built_for.setdefault(dockerfile, comp)
    for kind, src in live:
        if kind == "dockerfile":
            subject = built_for.get(src.rel) or _dockerfile_subject(ctx, src.rel)
            if subject:
                yield from dockerfile_facts(src, subject, dev=is_dev_dockerfile(src.rel),
                                            minimums=_minimums(ctx, subject))
        elif kind == "fly":
            subject = _deeper(ctx, src.rel, fly_dockerfile(src))
            if subject:
                yield from fly_facts(src, subject)
        elif kind == "railway" and ctx.component_of(src.rel):
            yield from railway_facts(src, ctx.component_of(src.rel))
        elif kind == "render":
            yield from render_facts(src, limit, ctx.component_of)
        elif kind == "kubernetes" and not basename(src.rel).lower().startswith("kustomization"):
            yield from k8s_facts(src, limit, ctx.components, ctx.component_of)


def _minimums(ctx: DetectorContext, subject: str) -> dict[str, str]:
    """Runtime floors the component's manifest declares: go.mod's `go` directive."""
    rel = "go.mod" if subject == "." else f"{subject}/go.mod"
    text = ctx.read(rel) if ctx.tree.exists(rel) else None
    mod = parse_go_mod(text) if text else None
    return {"go": mod.go.value} if mod is not None and mod.go is not None else {}


def _dockerfile_subject(ctx: DetectorContext, rel: str) -> str:
    """The Dockerfile's component; a root-level `Dockerfile.api` names the one `api` component."""
    own = ctx.component_of(rel)
    tag = name_tag(rel)
    if tag and tag not in _ENV_TAGS and own in ("", "."):
        named = [c for c in ctx.components if c != "." and c.rsplit("/", 1)[-1].lower() == tag]
        if len(named) == 1:
            return named[0]
    return own


def _deeper(ctx: DetectorContext, rel: str, target: str | None) -> str:
    """The file's component, or a deeper one its config points into (fly's `[build] dockerfile`)."""
    own = ctx.component_of(rel)
    if target:
        other = ctx.component_of(target)
        if other and other != own and (own in ("", ".") or other.startswith(own + "/")):
            return other
    return own
