"""Which files are deploy files, of which kind, and which line identifies each.

Names decide most kinds without reading anything. Only YAML files (Kubernetes, Ansible,
cloud-init), `*.conf` files in nginx folders and `*.service` units need their text looked at,
and each is read once through the tree's cache.
"""

from __future__ import annotations

import re
from posixpath import basename, dirname

from launchbay.detectors.deploy_common import Source

GITHUB_INERT = "inert: GitHub only runs workflows from the repository root .github/workflows"
GITLAB_INERT = ("inert: GitLab only reads .gitlab-ci.yml at the repository root "
                "(unless the root pipeline includes it or the project's CI config path points here)")
DEV_CONTAINER = "dev container: builds a development environment, not a deployed image"
TEST_FIXTURE = "test or eval fixture: used by tests, evals or examples, not a deployment"
# Folders whose deploy files serve tests and evals (a sandbox image, a fixture manifest).
_FIXTURE_DIRS = frozenset({
    "eval", "evals", "fixture", "fixtures", "__fixtures__", "testdata", "test-data", "test_data",
    "e2e", "test", "tests", "__tests__",
})

_COMPOSE = re.compile(r"(?:docker-compose|compose)(?:[.-][\w.-]*)?\.ya?ml")
_FLY = re.compile(r"fly(?:\.[\w-]+)?\.toml")
_NAMED = {
    "Chart.yaml": "helm", "Pulumi.yaml": "pulumi", "Pulumi.yml": "pulumi",
    "vercel.json": "vercel", "netlify.toml": "netlify",
    "railway.json": "railway", "railway.toml": "railway", "render.yaml": "render", "render.yml": "render",
    "Procfile": "procfile", "ecosystem.config.js": "pm2", "ecosystem.config.cjs": "pm2",
    "ecosystem.config.json": "pm2", "Caddyfile": "caddy", "nginx.conf": "nginx",
    "kustomization.yaml": "kubernetes", "kustomization.yml": "kubernetes", "Kustomization": "kubernetes",
}
# YAML that is never a manifest/playbook: not worth reading.
_NOT_MANIFEST = frozenset({
    "pnpm-lock.yaml", "pnpm-workspace.yaml", ".yarnrc.yml", ".pre-commit-config.yaml", "mkdocs.yml",
    "codecov.yml", ".golangci.yml", ".golangci.yaml", ".goreleaser.yml", ".goreleaser.yaml", "subgraph.yaml",
    "buf.yaml", "buf.gen.yaml", "dependabot.yml", ".readthedocs.yaml", ".readthedocs.yml", "openapi.yaml",
    "openapi.yml", "swagger.yaml", "swagger.yml", "ape-config.yaml", "environment.yml", "Anchor.yaml",
})
_NGINX_DIRS = frozenset({"conf.d", "nginx", "sites-available", "sites-enabled"})

K8S_KINDS = frozenset({
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob", "Service",
    "Ingress", "IngressClass", "ConfigMap", "Secret", "Namespace", "PersistentVolume",
    "PersistentVolumeClaim", "ServiceAccount", "Role", "RoleBinding", "ClusterRole",
    "ClusterRoleBinding", "HorizontalPodAutoscaler", "VerticalPodAutoscaler", "NetworkPolicy",
    "PodDisruptionBudget", "StorageClass", "CustomResourceDefinition", "LimitRange", "ResourceQuota",
    "Endpoints", "Kustomization", "Rollout", "ServiceMonitor", "PodMonitor", "PrometheusRule",
    "Certificate", "Issuer", "ClusterIssuer", "IngressRoute", "Middleware", "Gateway", "HTTPRoute",
    "VirtualService", "DestinationRule", "ExternalSecret", "SecretStore", "ClusterSecretStore",
    "SealedSecret", "ScaledObject", "HelmRelease", "Application", "ApplicationSet",
})
_API_VERSION = re.compile(r"^apiVersion:\s*\S", re.MULTILINE)
_KIND = re.compile(r"^kind:\s*[\"']?(\w+)", re.MULTILINE)
_HOSTS = re.compile(r"^\s*(?:-\s+)?hosts:\s*\S", re.MULTILINE)
_TASKS = re.compile(r"^\s+(?:tasks|roles):\s*$", re.MULTILINE)
_SERVER_BLOCK = re.compile(r"^\s*server\s*\{", re.MULTILINE)
_SERVICE_SECTION = re.compile(r"^\[Service\]\s*$", re.MULTILINE)

# The line that identifies each kind of file (else the first meaningful line is quoted).
KEY_LINE = {
    "dockerfile": re.compile(r"^\s*FROM\s", re.IGNORECASE), "compose": re.compile(r"^services:"),
    "kubernetes": re.compile(r"^kind:"), "helm": re.compile(r"^name:"),
    "terraform": re.compile(r"^\s*(?:terraform|provider|resource|module|data|variable|output|locals)\b"),
    "pulumi": re.compile(r"^runtime:"), "github-actions": re.compile(r"^jobs:"),
    "fly": re.compile(r"^app\s*="), "render": re.compile(r"^services:"), "pm2": re.compile(r"\bapps\b"),
    "nginx": re.compile(r"^\s*server\s*\{"), "systemd": re.compile(r"^\[Service\]"),
    "ansible": re.compile(r"^\s*(?:-\s+)?hosts:"), "cloud-init": re.compile(r"^#cloud-config"),
}


def by_name(rel: str) -> str | None:
    """The deploy kind a file's path alone implies, or None."""
    name = basename(rel)
    if name in ("Dockerfile", "Containerfile") or name.endswith((".Dockerfile", ".dockerfile")) or (
        name.startswith(("Dockerfile.", "Containerfile.")) and not name.endswith((".dockerignore", ".md"))
    ):
        return "dockerfile"
    if _COMPOSE.fullmatch(name):
        return "compose"
    if name.endswith(".tf"):
        return "terraform"
    folder = dirname(rel)
    in_workflows = folder == ".github/workflows" or folder.endswith("/.github/workflows")
    if in_workflows and name.endswith((".yml", ".yaml")):
        return "github-actions"
    if name == ".gitlab-ci.yml":
        return "gitlab-ci"
    if _FLY.fullmatch(name):
        return "fly"
    if name.endswith(".nginx.conf"):
        return "nginx"
    return _NAMED.get(name)


def needs_content(rel: str) -> bool:
    """Files whose kind only their text can tell (cheap name filter before any read)."""
    name = basename(rel)
    if name.endswith((".yml", ".yaml")):
        in_ci_folder = rel.startswith((".github/", ".gitlab/")) or "/.github/" in rel
        return name not in _NOT_MANIFEST and not in_ci_folder
    if name.endswith(".conf"):
        return basename(dirname(rel)) in _NGINX_DIRS
    if name.endswith(".service"):
        return True
    return name in ("user-data", "cloud-config", "cloud-init") or name.startswith(
        ("cloud-init.", "cloud-config."))


def by_content(rel: str, text: str) -> str | None:
    """The deploy kind a file's text shows, or None."""
    if text.startswith("#cloud-config"):
        return "cloud-init"
    name = basename(rel)
    if name.endswith(".conf"):
        return "nginx" if _SERVER_BLOCK.search(text) else None
    if name.endswith(".service"):
        return "systemd" if _SERVICE_SECTION.search(text) else None
    if not name.endswith((".yml", ".yaml")):
        return None
    if "apiVersion" in text and _API_VERSION.search(text) and any(
        m.group(1) in K8S_KINDS for m in _KIND.finditer(text)
    ):
        return "kubernetes"
    if "hosts" in text and _HOSTS.search(text) and _TASKS.search(text):
        return "ansible"
    return None


def evidence_line(src: Source, kind: str) -> int | None:
    """The identifying line for `kind`, else the first meaningful (non-blank, non-comment) line."""
    key = KEY_LINE.get(kind)
    line = src.first(key) if key is not None else None
    if line is not None:
        return line
    json_like = src.rel.endswith(".json")
    comments = ("//", "/*", "*") if src.rel.endswith((".js", ".cjs")) else ("#", "//", ";")
    for no, text in enumerate(src.lines, start=1):
        stripped = text.strip()
        if not stripped or (json_like and '"' not in stripped):
            continue
        if not json_like and stripped.startswith(comments):
            continue
        return no
    return next((no for no, text in enumerate(src.lines, start=1) if text.strip()), None)


def is_dev_dockerfile(rel: str) -> bool:
    """`Dockerfile.dev`, `dev.Dockerfile` & co: what they run is a development server."""
    return name_tag(rel) in {"dev", "development", "local", "debug"}


def name_tag(rel: str) -> str:
    """"Dockerfile.api" / "api.Dockerfile" -> "api" ("" for a plain Dockerfile)."""
    name = basename(rel)
    for prefix in ("Dockerfile.", "Containerfile."):
        if name.startswith(prefix):
            return name[len(prefix):].lower()
    for suffix in (".Dockerfile", ".dockerfile"):
        if name.endswith(suffix):
            return name[: -len(suffix)].lower()
    return ""


def not_deployed(rel: str) -> str | None:
    """Why a deploy file describes no deployment (dev container, test/eval fixture), or None."""
    folders = rel.split("/")[:-1]
    if ".devcontainer" in folders:
        return DEV_CONTAINER
    if any(f.lower() in _FIXTURE_DIRS for f in folders):
        return TEST_FIXTURE
    return None
