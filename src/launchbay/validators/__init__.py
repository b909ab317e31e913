"""Validators: an explicit registry, one module per external tool (plus launchbay's own checks)."""

from __future__ import annotations

from launchbay.validators.actionlint import ActionlintValidator
from launchbay.validators.amtool import AmtoolValidator
from launchbay.validators.base import Validator
from launchbay.validators.caddy import CaddyValidator
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.compose import ComposeValidator
from launchbay.validators.consistency import ConsistencyValidator
from launchbay.validators.erpc import ErpcValidator
from launchbay.validators.gitlab import GitLabCIValidator
from launchbay.validators.hadolint import HadolintValidator
from launchbay.validators.helm import HelmValidator
from launchbay.validators.kubernetes import KubernetesValidator
from launchbay.validators.promtool import PromtoolValidator
from launchbay.validators.shell import ShellValidator
from launchbay.validators.systemd import SystemdValidator
from launchbay.validators.terraform import TerraformValidator
from launchbay.validators.trivy import TrivyValidator
from launchbay.validators.yamllint import YamllintValidator

REGISTRY: dict[str, Validator] = {
    "actionlint": ActionlintValidator(),
    "amtool": AmtoolValidator(),
    "caddy": CaddyValidator(),
    "checkov": CheckovValidator(),
    "compose": ComposeValidator(),
    "consistency": ConsistencyValidator(),
    "erpc": ErpcValidator(),
    "gitlab-ci": GitLabCIValidator(),
    "hadolint": HadolintValidator(),
    "helm": HelmValidator(),
    "kubernetes": KubernetesValidator(),
    "promtool": PromtoolValidator(),
    "shell": ShellValidator(),
    "systemd": SystemdValidator(),
    "terraform": TerraformValidator(),
    "trivy": TrivyValidator(),
    "yamllint": YamllintValidator(),
}
