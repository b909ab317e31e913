"""Validators: an explicit registry, one module per external tool (plus launchbay's own checks)."""

from __future__ import annotations

from launchbay.validators.actionlint import ActionlintValidator
from launchbay.validators.base import Validator
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.compose import ComposeValidator
from launchbay.validators.consistency import ConsistencyValidator
from launchbay.validators.gitlab import GitLabCIValidator
from launchbay.validators.hadolint import HadolintValidator
from launchbay.validators.shell import ShellValidator
from launchbay.validators.terraform import TerraformValidator
from launchbay.validators.trivy import TrivyValidator
from launchbay.validators.yamllint import YamllintValidator

REGISTRY: dict[str, Validator] = {
    "actionlint": ActionlintValidator(),
    "checkov": CheckovValidator(),
    "compose": ComposeValidator(),
    "consistency": ConsistencyValidator(),
    "gitlab-ci": GitLabCIValidator(),
    "hadolint": HadolintValidator(),
    "shell": ShellValidator(),
    "terraform": TerraformValidator(),
    "trivy": TrivyValidator(),
    "yamllint": YamllintValidator(),
}
