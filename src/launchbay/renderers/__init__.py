"""Renderers: an explicit registry, one module per artifact kind. Each reads only the Design."""

from __future__ import annotations

from launchbay.renderers.base import Renderer
from launchbay.renderers.dockerfile import DockerfileRenderer
from launchbay.renderers.docs import DocsRenderer
from launchbay.renderers.github_actions import GitHubActionsRenderer
from launchbay.renderers.gitlab_ci import GitLabCIRenderer
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.vm import VmRenderer

REGISTRY: dict[str, Renderer] = {
    "dockerfile": DockerfileRenderer(),
    "docs": DocsRenderer(),
    "github-actions": GitHubActionsRenderer(),
    "gitlab-ci": GitLabCIRenderer(),
    "terraform": TerraformRenderer(),
    "vm": VmRenderer(),
}
