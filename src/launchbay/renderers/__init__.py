"""Renderers: an explicit registry, one module per artifact kind. Each reads only the Design."""

from __future__ import annotations

from launchbay.renderers.base import Renderer
from launchbay.renderers.blockchain_docs import BlockchainDocsRenderer
from launchbay.renderers.chain_alerts import ChainAlertsRenderer
from launchbay.renderers.chain_exporter import ChainExporterRenderer
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.contracts_ci import ContractsPipelineRenderer
from launchbay.renderers.dockerfile import DockerfileRenderer
from launchbay.renderers.docs import DocsRenderer
from launchbay.renderers.dr_docs import DrDocsRenderer
from launchbay.renderers.github_actions import GitHubActionsRenderer
from launchbay.renderers.gitlab_ci import GitLabCIRenderer
from launchbay.renderers.helm import HelmRenderer
from launchbay.renderers.monitoring import MonitoringRenderer
from launchbay.renderers.security_docs import SecurityDocsRenderer
from launchbay.renderers.signing import SigningRenderer
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.vm import VmRenderer

REGISTRY: dict[str, Renderer] = {
    "blockchain-docs": BlockchainDocsRenderer(),
    "chain-alerts": ChainAlertsRenderer(),
    "chain-exporter": ChainExporterRenderer(),
    "contracts-ci": ContractsPipelineRenderer(),
    "chains": ChainsRenderer(),
    "dockerfile": DockerfileRenderer(),
    "docs": DocsRenderer(),
    "dr-docs": DrDocsRenderer(),
    "github-actions": GitHubActionsRenderer(),
    "gitlab-ci": GitLabCIRenderer(),
    "helm": HelmRenderer(),
    "monitoring": MonitoringRenderer(),
    "security-docs": SecurityDocsRenderer(),
    "signing": SigningRenderer(),
    "terraform": TerraformRenderer(),
    "vm": VmRenderer(),
}
