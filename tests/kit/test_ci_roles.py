"""CI roles: the bootstrap root creates the OIDC provider of the Design's git host and the roles the
pipelines assume, and the workflows, the bootstrap's outputs and the docs name the same roles and the
same CI variables. Least privilege is checked on the rendered policies (each deploy role reaches only its
environment's names; the push role only the project's repositories); the real tools (terraform validate,
checkov, trivy) run over the GitLab variant's bootstrap (the GitHub ones run in test_terraform)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.renderers import ci_roles
from launchbay.renderers.ci_plan import DEFAULT_BRANCH, ecr_repository, service_ci
from launchbay.renderers.contracts_ci import ContractsPipelineRenderer
from launchbay.renderers.docs import DocsRenderer
from launchbay.renderers.github_actions import DEPLOY_PATH, GitHubActionsRenderer
from launchbay.renderers.gitlab_ci import GitLabCIRenderer
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.terraform_facts import prefix
from launchbay.validate import validate_kit
from launchbay.validators.base import Validator
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.terraform import TerraformValidator, plugin_mirror
from launchbay.validators.trivy import TrivyValidator
from tests.kit.support import STRICT, design, require_tool

BOOT = "deploy/terraform/bootstrap"


def gitlab(name: str) -> Design:
    return design(name, cicd=frozenset({("git_host", "gitlab")}))


def variants() -> dict[str, Design]:
    return {"evm-dapp": design("evm-dapp"), "py-web3": design("py-web3"), "evm-dapp@gitlab": gitlab("evm-dapp"),
            "py-web3@gitlab": gitlab("py-web3")}


@cache
def _files(label: str) -> dict[str, str]:
    d = variants()[label]
    out: dict[str, str] = {}
    for renderer in (TerraformRenderer(), GitHubActionsRenderer(), GitLabCIRenderer(), ContractsPipelineRenderer(),
                     DocsRenderer()):
        out.update({f.path: f.content for f in renderer.render(d)})
    return out


def _block(text: str, opener: str) -> str:
    """The body of the top-level block that starts with the line `opener`."""
    lines = text.splitlines()
    start = lines.index(opener)
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "}")
    return "\n".join(lines[start + 1:end])


def _statement(policy: str, sid: str) -> str:
    """One statement of a jsonencode'd policy, by its Sid."""
    lines = policy.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf'\s+Sid\s+= "{sid}"$', line))
    end = next(i for i in range(start, len(lines)) if lines[i].strip() in {"},", "}]"})
    return "\n".join(lines[start:end])


def _workflow(files: dict[str, str], path: str) -> dict[str, Any]:
    loaded = yaml.safe_load(files[path])
    assert isinstance(loaded, dict)
    return loaded


def _creds(job: dict[str, Any]) -> list[str]:
    return [s["with"]["role-to-assume"] for s in job.get("steps", []) if "configure-aws-credentials" in
            str(s.get("uses"))]


# --------------------------------------------------------------------------- names agree


@pytest.mark.parametrize("label", sorted(variants()))
def test_roles_outputs_and_workflow_variables_agree(label: str) -> None:
    d, files = variants()[label], _files(label)
    roles = ci_roles.ci_roles(d)
    assert roles is not None and roles.host == d.cicd["git_host"]
    ci, outputs = files[f"{BOOT}/ci.tf"], files[f"{BOOT}/outputs.tf"]
    assert roles.push_role == ci_roles.push_role_name(d) == f"{d.project}-ci-push"
    assert f'name                 = "{roles.push_role}"' in _block(ci, 'resource "aws_iam_role" "ci_push" {')
    deploy_map = _block(outputs, f'output "{ci_roles.DEPLOY_OUTPUT}" {{')
    for e in roles.envs:
        assert e.role == ci_roles.deploy_role_name(d, e.env) == f"{d.project}-deploy-{e.env}"
        assert f'name                 = "{e.role}"' in _block(ci, f'resource "aws_iam_role" "deploy_{e.label}" {{')
        assert re.search(rf"^\s+{e.env}\s+= aws_iam_role\.deploy_{e.label}\.arn$", deploy_map, re.M)
    push_out = _block(outputs, f'output "{ci_roles.PUSH_OUTPUT}" {{')
    assert "aws_iam_role.ci_push.arn" in push_out and ci_roles.PUSH_ROLE_VARIABLE in push_out
    assert ci_roles.ROLE_VARIABLE in deploy_map and "environment" in deploy_map

    if roles.host == "github":
        deploy = _workflow(files, DEPLOY_PATH)
        assert deploy["on"]["push"]["branches"] == [DEFAULT_BRANCH] == [roles.branch]
        images = deploy["jobs"]["images"]
        assert "environment" not in images  # its token's subject is ref:refs/heads/<branch>: the push role's trust
        assert _creds(images) == [f"${{{{ vars.{ci_roles.PUSH_ROLE_VARIABLE} }}}}"]
        assert images["permissions"]["id-token"] == "write"
        envs_seen = set()
        for job in deploy["jobs"].values():
            if _creds(job) and job is not images:
                assert _creds(job) == [f"${{{{ vars.{ci_roles.ROLE_VARIABLE} }}}}"]
                assert job["environment"] in d.environments and job["permissions"]["id-token"] == "write"
                envs_seen.add(job["environment"])
        assert envs_seen == set(d.environments) == {e.env for e in roles.envs}
        for path in (p for p in files if p.startswith(".github/workflows/") and p != DEPLOY_PATH):
            for job in _workflow(files, path)["jobs"].values():  # contracts: environment jobs, deploy roles
                assert all(c == f"${{{{ vars.{ci_roles.ROLE_VARIABLE} }}}}" for c in _creds(job))
                assert not _creds(job) or job["environment"] in d.environments
    else:
        pipeline = yaml.safe_load(files[".gitlab-ci.yml"])
        pushes = {k: j for k, j in pipeline.items() if k.startswith("push:") and "id_tokens" in j}
        deploys = {k: j for k, j in pipeline.items() if isinstance(j, dict) and "id_tokens" in j and k not in pushes}
        assert pushes and deploys
        for job in pushes.values():
            assert "environment" not in job  # only project-level (scope All) variables reach it
            assert f'export AWS_ROLE_ARN="${{{ci_roles.PUSH_ROLE_VARIABLE}:-}}"' in job["before_script"][1]
        for name, job in deploys.items():
            assert job["environment"]["name"] in d.environments, name
            assert "AWS_WEB_IDENTITY_TOKEN_FILE" in " ".join(job["before_script"])
            assert ci_roles.PUSH_ROLE_VARIABLE not in " ".join(job["before_script"]), name
        for job in [*pushes.values(), *deploys.values()]:
            assert job["id_tokens"] == {"AWS_ID_TOKEN": {"aud": ci_roles.GITLAB_AUDIENCE}}
        assert "client_id_list = [var.gitlab_url]" in ci  # the audience GitLab's guide names: the instance
        subject = f"project_path:${{var.gitlab_project_path}}:ref_type:branch:ref:{DEFAULT_BRANCH}"
        assert f'ci_subject      = "{subject}"' in ci
        assert '"${local.ci_issuer}:aud" = var.gitlab_url' in ci


def test_github_trust_is_the_default_branch_for_push_and_the_environment_for_deploys() -> None:
    d, files = design("evm-dapp"), _files("evm-dapp")
    ci = files[f"{BOOT}/ci.tf"]
    assert 'url            = "https://token.actions.githubusercontent.com"' in ci
    assert 'client_id_list = ["sts.amazonaws.com"]' in ci
    push = _block(ci, 'resource "aws_iam_role" "ci_push" {')
    subjects = re.findall(r'"(repo:[^"]+)"', push)
    assert subjects == ["repo:${var.github_owner}/${var.github_repository}:ref:refs/heads/main",
                        "repo:${var.github_owner}@*/${var.github_repository}@*:ref:refs/heads/main"]
    for env in d.environments:
        trust = _block(ci, f'resource "aws_iam_role" "deploy_{env}" {{')
        assert re.findall(r'"(repo:[^"]+)"', trust) == [
            f"repo:${{var.github_owner}}/${{var.github_repository}}:environment:{env}",
            f"repo:${{var.github_owner}}@*/${{var.github_repository}}@*:environment:{env}"]
        assert '"token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"' in trust
    variables = files[f"{BOOT}/variables.tf"]
    for name in ("github_owner", "github_repository"):  # no default guessed
        assert "default" not in _block(variables, f'variable "{name}" {{')
    example = files[f"{BOOT}/terraform.tfvars.example"]
    assert 'github_owner = "your-org"' in example and "deploy_roles_apply_terraform = true" in example


def test_gitlab_variables_have_no_guessed_project() -> None:
    variables = _files("evm-dapp@gitlab")[f"{BOOT}/variables.tf"]
    assert "default" not in _block(variables, 'variable "gitlab_project_path" {')
    assert 'default     = "https://gitlab.com"' in _block(variables, 'variable "gitlab_url" {')


# --------------------------------------------------------------------------- least privilege


def test_each_deploy_role_reaches_only_its_environments_names() -> None:
    d, files = design("evm-dapp"), _files("evm-dapp")
    ci = files[f"{BOOT}/ci.tf"]
    svcs = service_ci(d)
    for env in d.environments:
        pre = prefix(d, env)
        others = [prefix(d, e) for e in d.environments if e != env]
        release = _block(ci, f'resource "aws_iam_role_policy" "deploy_{env}_release" {{')
        assert not any(o in release for o in others), env
        roll = _statement(release, "RollServices")
        assert sorted(re.findall(rf"service/{pre}/([a-z0-9-]+)", roll)) == sorted(s.key for s in svcs)
        passed = _statement(release, "PassTaskRoles")
        assert sorted(re.findall(r"role/([a-z0-9-]+)", passed)) == sorted(
            f"{pre}-{s.key}-{kind}" for s in svcs for kind in ("execution", "task"))
        assert '"iam:PassedToService" = "ecs-tasks.amazonaws.com"' in passed
        assert f"repository/{pre}/*" in _statement(release, "EnvironmentImages")
        migrations = _statement(release, "RunMigrations")
        assert re.findall(r"task-definition/([a-z0-9-]+):\*", migrations) == [
            f"{pre}-{s.key}" for s in svcs if s.migration]
        assert f"cluster/{pre}" in migrations
        signing = _statement(release, "SignContractDeployments")
        assert re.findall(r'"(alias/[^"]+)"', signing) == [f"alias/{pre}-signer-deployer"]
        state = _block(ci, f'resource "aws_iam_role_policy" "deploy_{env}_state" {{')
        assert f"/{d.project}/{env}/terraform.tfstate.tflock" in _statement(state, "ReleaseLock")
        assert not any(f"/{e}/" in state for e in d.environments if e != env)
        tf = _block(ci, f'resource "aws_iam_policy" "deploy_{env}_terraform" {{')
        roles_stmt = _statement(tf, "EnvironmentRoles")
        assert "iam:*" not in roles_stmt and f"role/{pre}-*" in roles_stmt
        assert '"aws:RequestedRegion" = ["us-east-1", "us-west-2"]' in _statement(tf, "ServicesOfTheRoot")
        assert re.search(r'"(s3|iam|route53):\*"', _statement(tf, "ServicesOfTheRoot")) is None
        assert all(f'"alias/{o}-*"' in _statement(tf, "NotOtherEnvironmentsKeys") for o in others)
        for sid in ("KeepTheCiRoles", "NoRoleChaining", "NoAdministratorPolicies", "KeepTheStateKey"):
            assert re.search(r'Effect\s+= "Deny"', _statement(tf, sid)), sid


def test_push_role_reaches_exactly_the_repositories_the_pipeline_pushes_to() -> None:
    for label in ("evm-dapp", "evm-dapp@gitlab"):
        d, files = variants()[label], _files(label)
        push = _block(files[f"{BOOT}/ci.tf"], 'resource "aws_iam_role_policy" "ci_push" {')
        granted = re.findall(r"repository/([a-z0-9-]+)/\*", push)
        assert sorted(granted) == sorted(prefix(d, e) for e in d.environments)
        pushed = {ecr_repository(d, s, e) for s in service_ci(d) if s.has_image for e in d.environments}
        assert all(r.split("/")[0] in granted for r in pushed)
        assert "ecr:*" not in push and "ecs:" not in push


def test_terraform_permissions_follow_the_generated_resources() -> None:
    files = _files("evm-dapp")
    roles = ci_roles.ci_roles(design("evm-dapp"), files)
    assert roles is not None
    assert {"ec2", "ecs", "elasticloadbalancing", "rds", "elasticache", "kms", "wafv2", "route53"} <= set(
        roles.terraform_services)
    assert "iam" not in roles.terraform_services and "eks" not in roles.terraform_services
    with pytest.raises(KeyError, match="aws_brand_new_thing"):
        ci_roles.terraform_services({"deploy/terraform/modules/x/main.tf": 'resource "aws_brand_new_thing" "x" {\n'})


def test_no_roles_when_no_pipeline_job_calls_aws() -> None:
    vm = design("py-web3", backup=frozenset({("rpo_minutes", 1440)}))  # one VM: GHCR + SSH; no contracts to sign
    assert vm.platform == "vm" and ci_roles.ci_roles(vm) is None
    files = {f.path: f.content for f in TerraformRenderer().render(vm)}
    assert f"{BOOT}/ci.tf" not in files and "ci_push_role_arn" not in files[f"{BOOT}/outputs.tf"]
    assert list(TerraformRenderer().render(design("discord-bot"))) == []


def test_docs_tell_the_operator_the_same_names_and_the_bootstrap_order() -> None:
    for label in ("evm-dapp", "evm-dapp@gitlab"):
        d, files = variants()[label], _files(label)
        roles = ci_roles.ci_roles(d)
        assert roles is not None
        guide = files[f"{d.docs_root}/deployment-guide.md"]
        assert f"| `{ci_roles.PUSH_ROLE_VARIABLE}` | {ci_roles.push_where(roles.host)} | `{ci_roles.PUSH_OUTPUT}` |" \
            in guide
        for e in roles.envs:
            assert (f"| `{ci_roles.ROLE_VARIABLE}` | {ci_roles.deploy_where(roles.host)} `{e.env}` | "
                    f'`{ci_roles.DEPLOY_OUTPUT}["{e.env}"]` | `{e.role}` |') in guide
        assert guide.index("0. Once per AWS account") < guide.index("1. Infrastructure")
        iac = files[f"{d.docs_root}/iac-guide.md"]
        assert "`bootstrap/` once per account, then `envs/<env>`" in iac and roles.envs[0].role in iac
        readme = files[f"{BOOT}/README.md"]
        assert "### Terraform apply" in readme and "broad, on purpose" in readme
        assert ("AWS checks only the token's `sub` and `aud`" in readme) == (roles.host == "gitlab")


# --------------------------------------------------------------------------- real tools


@pytest.mark.validator
def test_gitlab_bootstrap_validates_and_scans_clean(tmp_path: Path) -> None:
    for tool in ("terraform", "checkov", "trivy"):
        require_tool(tool)
    if plugin_mirror() is None:
        if STRICT:
            pytest.fail("an offline hashicorp/aws mirror is required under LAUNCHBAY_STRICT=1")
        pytest.skip("no hashicorp/aws plugin mirror (set LAUNCHBAY_TF_PLUGIN_DIR)")
    kit = render_kit(gitlab("evm-dapp"), {"terraform": TerraformRenderer()})
    write_kit(kit.model_copy(update={"files": tuple(f for f in kit.files if f.path.startswith(BOOT))}), tmp_path)
    validators: dict[str, Validator] = {"terraform": TerraformValidator(), "checkov": CheckovValidator(),
                                        "trivy": TrivyValidator()}
    report = validate_kit(tmp_path, strict=True, validators=validators)
    assert {r.validator for r in report.results} == set(validators)
    for r in report.results:
        assert r.status == "PASS" and not r.findings, (r.validator, r.summary, r.findings[:5])
