"""Terraform kit: rendered only for AWS, in the standard module structure, with every figure taken
from the Design (sizes, counts, classes, ports, health paths, retention, budget), every env var
wired (secrets by ARN, config as plain values), no secret value and no `latest`; then proved by the
real tools — `terraform fmt -check` and `validate` on every root, checkov and trivy with zero
findings — and the validators shown to catch what they must."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from launchbay.answersfile import load_answers
from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.plan import build_design
from launchbay.renderers.chain_services import gateway_env
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.signing import SigningRenderer
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.terraform_docs import skips_of
from launchbay.review import review_project
from launchbay.validate import kit_files, validate_kit
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.terraform import TerraformValidator, plugin_mirror
from launchbay.validators.trivy import TrivyValidator
from tests.kit.support import STRICT
from tests.kit.support import require_tool as _tool

ROOT = Path(__file__).resolve().parents[2]
TF = "deploy/terraform"
MODULE_FILES = ("README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf")
ROOT_FILES = ("backend.tf", "main.tf", "outputs.tf", "terraform.tfvars.example", "variables.tf", "versions.tf")


@cache
def design(name: str, **changes: frozenset[tuple[str, Any]]) -> Design:
    """An example's real design; `changes` (topic → {(field, value)}) edit its answers first."""
    example = ROOT / "examples" / name
    doc = load_answers(example / "launchbay.yaml")
    answers = doc.answers
    update = {topic: getattr(answers, topic).model_copy(update=dict(fields)) for topic, fields in changes.items()}
    return build_design(review_project(example), doc.model_copy(update={"answers": answers.model_copy(update=update)}))


def vm_design() -> Design:
    """py-web3 with a daily RPO: the plan puts it on one VM per environment (EC2 on AWS)."""
    return design("py-web3", backup=frozenset({("rpo_minutes", 1440)}))


def static_design() -> Design:
    """evm-dapp with its web frontend served as static files (S3 + CloudFront)."""
    d = design("evm-dapp")
    return d.model_copy(update={"services": tuple(s.model_copy(update={"target": "static"}) if s.kind == "web"
                                                  else s for s in d.services)})


def kubernetes_design() -> Design:
    return design("evm-dapp", scale=frozenset({("peak_rps", 2000)}), team=frozenset({("size", 5)}))


def ha_design() -> Design:
    """An uptime target that needs zone-failure tolerance: two NAT gateways in production."""
    return design("evm-dapp", scale=frozenset({("uptime_target", "99.99")}))


def variants() -> dict[str, Design]:
    return {"evm-dapp": design("evm-dapp"), "py-web3": design("py-web3"), "py-web3@vm": vm_design(),
            "evm-dapp@static": static_design(), "evm-dapp@kubernetes": kubernetes_design()}


def render(d: Design) -> dict[str, str]:
    return {f.path: f.content for f in TerraformRenderer().render(d)}


def block(text: str, opener: str) -> str:
    """The body of the block that starts with the line `opener` (matched by its indentation)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line == opener)
    indent = len(opener) - len(opener.lstrip())
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(" " * indent + "}"))
    return "\n".join(lines[start + 1:end])


def attr(body: str, name: str) -> str:
    match = re.search(rf"^\s*{re.escape(name)}\s+= (.+)$", body, re.M)
    assert match, f"{name} not in block"
    return match.group(1)


# --------------------------------------------------------------------------- what is rendered


def test_self_hosted_designs_get_no_terraform() -> None:
    bot = design("discord-bot")
    assert bot.cloud == "self-hosted"
    assert list(TerraformRenderer().render(bot)) == []


def test_standard_module_structure_and_roots() -> None:
    d = design("evm-dapp")
    files = render(d)
    modules = {p.split("/")[3] for p in files if p.startswith(f"{TF}/modules/")}
    assert modules == {"audit", "backup_replication", "budgets", "chain_services", "compute", "data", "dns_tls", "iam",
                       "kms", "monitoring", "network", "secrets", "waf"}
    for m in modules:
        assert {p.rsplit("/", 1)[1] for p in files if p.startswith(f"{TF}/modules/{m}/")} == set(MODULE_FILES)
    for env in d.environments:
        assert {p.rsplit("/", 1)[1] for p in files if p.startswith(f"{TF}/envs/{env}/")} == set(ROOT_FILES)
    assert {p.rsplit("/", 1)[1] for p in files if p.startswith(f"{TF}/bootstrap/")} == {
        *MODULE_FILES, "ci.tf", "terraform.tfvars.example"}  # the CI roles (test_ci_roles) and their inputs
    assert f"{TF}/README.md" in files
    versions = files[f"{TF}/envs/production/versions.tf"]
    assert 'version = "~> 5.0"' in versions and 'required_version = ">= 1.10.0"' in versions
    assert 'required_version = ">= 1.6.0"' in files[f"{TF}/modules/network/versions.tf"]
    backend = files[f"{TF}/envs/staging/backend.tf"]
    assert 'backend "s3"' in backend and "use_lockfile = true" in backend and "encrypt      = true" in backend
    assert 'key          = "evm-dapp/staging/terraform.tfstate"' in backend
    assert all(re.search(r'source\s+= "\.\./\.\./modules/', files[f"{TF}/envs/{e}/main.tf"]) for e in d.environments)
    assert "registry.terraform.io" not in "".join(files.values())  # local modules only


def test_rendering_is_deterministic_and_clean() -> None:
    for label, d in variants().items():
        first, second = render(d), render(d)
        assert first == second, label
        for path, text in first.items():
            assert text.endswith("\n") and not text.endswith("\n\n"), path
            assert "\r" not in text and "\t" not in text, path
            assert not any(line != line.rstrip() for line in text.splitlines()), path
            assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text, path


def test_sizes_counts_ports_and_health_paths_come_from_the_design() -> None:
    d = design("evm-dapp")
    files = render(d)
    for env in d.environments:
        main = files[f"{TF}/envs/{env}/main.tf"]
        compute = block(main, 'module "compute" {')
        for svc in d.services:
            key = svc.component.rsplit("/", 1)[-1]
            body = block(compute, f"    {key} = {{")
            size = svc.sizes[env]
            assert attr(body, "cpu") == str(int(size.vcpu * 1024))
            assert attr(body, "memory") == str(size.memory_mib)
            assert attr(body, "desired_count") == attr(body, "min_count") == str(size.replicas_min)
            assert attr(body, "max_count") == str(size.replicas_max)
            assert attr(body, "port") == str(svc.port)
            assert attr(body, "health_path") == f'"{svc.health_path or "/"}"'
            # a real health route must answer 2xx/3xx; without one any HTTP answer below 500 will do
            assert attr(body, "health_matcher") == ('"200-399"' if svc.health_path else '"200-499"')
        nat_line = next(line.item for c in d.costs if c.environment == env for line in c.lines
                        if line.item.startswith("NAT gateway ×"))
        assert attr(block(main, 'module "network" {'), "nat_gateway_count") == nat_line.rsplit(" ", 1)[1]
        data = block(main, 'module "data" {')
        pg = next(s for s in d.data_stores if s.engine == "postgres").sizes[env]
        redis = next(s for s in d.data_stores if s.engine == "redis").sizes[env]
        assert attr(data, "instance_class") == f'"{pg.instance_class}"'
        assert attr(data, "storage_gb") == str(pg.storage_gb)
        assert re.search(rf"^\s+multi_az\s+= {str(pg.multi_az).lower()}$", block(data, "  postgres = {"), re.M)
        assert attr(data, "node_type") == f'"{redis.instance_class}"'
        assert d.backup is not None and attr(data, "backup_retention_days") == str(d.backup.retention_days)
        assert attr(block(main, 'module "network" {'), "log_retention_days") == d.observability["log_retention_days"]
    production = files[f"{TF}/envs/production/main.tf"]
    assert attr(block(production, 'module "budgets" {'), "monthly_limit_usd") == str(d.budget.budget_usd)
    assert 'module "budgets"' not in files[f"{TF}/envs/staging/main.tf"]  # one account-wide budget
    assert 'region = "us-west-2"' not in production and 'default     = "us-west-2"' in \
        files[f"{TF}/envs/production/variables.tf"]  # the backup plan's DR region, as a variable default


def test_ha_uptime_gets_two_nat_gateways_in_production() -> None:
    files = render(ha_design())
    assert attr(block(files[f"{TF}/envs/production/main.tf"], 'module "network" {'), "nat_gateway_count") == "2"
    assert attr(block(files[f"{TF}/envs/staging/main.tf"], 'module "network" {'), "nat_gateway_count") == "1"


def test_every_env_var_is_wired_and_no_secret_value_is_written() -> None:
    for label in ("evm-dapp", "py-web3"):
        d = design(label)
        files = render(d)
        for env in d.environments:
            main = files[f"{TF}/envs/{env}/main.tf"]
            variables = files[f"{TF}/envs/{env}/variables.tf"]
            compute = block(main, 'module "compute" {')
            secrets_list = block(main, 'module "secrets" {')
            for svc in d.services:
                key = svc.component.rsplit("/", 1)[-1]
                body = block(compute, f"    {key} = {{")
                for var in svc.env:
                    if var.wiring == "secret" and var.name in gateway_env(d):  # the chain gateway's URL, plain
                        assert re.search(rf'\b{var.name}\s+= "{re.escape(gateway_env(d)[var.name])}"', body), label
                        assert f'"{var.name}"' not in secrets_list
                    elif var.wiring == "secret":
                        assert f'{var.name} = module.secrets.secret_arns["{var.name}"]' in re.sub(r" +=", " =", body)
                        assert f'"{var.name}"' in secrets_list
                    elif var.wiring == "config" and var.name == "PORT":
                        assert f'PORT = "{svc.port}"' in attr(body, "environment"), label
                    elif var.wiring == "config":
                        assert (f'{{ for k, v in var.service_config["{key}"] : k => v if v != null }}'
                                in attr(body, "environment"))  # unset values stay out: the code's default applies
                        assert re.search(rf"^\s+{var.name}\s+= optional\(string\)$",
                                         block(variables, f"    {key} = optional(object({{"), re.M), (label, var.name)
                    else:  # build-time values go to the image build, not the running task
                        assert var.name not in main
        text = "".join(files.values())
        assert "aws_secretsmanager_secret_version" not in text and "secret_string" not in text
        assert not re.search(r"^\s*(password|auth_token|master_password)\s*=", text, re.M)
        assert "manage_master_user_password           = true" in files[f"{TF}/modules/data/main.tf"]
        for env in d.environments:  # tfvars examples name no secret at all
            example = files[f"{TF}/envs/{env}/terraform.tfvars.example"]
            assert not any(e.name in example for s in d.services for e in s.env if e.wiring == "secret")


def test_least_privilege_each_service_reads_only_its_own_secrets() -> None:
    d = design("evm-dapp")
    iam = block(render(d)[f"{TF}/envs/production/main.tf"], 'module "iam" {')
    for svc in d.services:
        key = svc.component.rsplit("/", 1)[-1]
        read = set(re.findall(r'secret_arns\["([A-Z0-9_]+)"\]', block(iam, f"    {key} = {{")))
        assert read == {e.name for e in svc.env if e.wiring == "secret"} - gateway_env(d).keys(), key


def test_no_latest_anywhere() -> None:
    for label, d in variants().items():
        for path, text in render(d).items():
            assert not re.search(r"[:@]latest\b", text), (label, path)
            for line in text.splitlines():
                if '"latest"' in line:
                    assert "condition" in line, (label, path, line)  # only the check that rejects it


def test_every_scanner_skip_has_a_reason_and_is_listed_in_the_readme() -> None:
    for label, d in variants().items():
        files = render(d)
        readme = files[f"{TF}/README.md"]
        skips = skips_of(files)
        assert skips, label
        for skip in skips:
            assert skip.reason and len(skip.reason) > 20, (label, skip)
            assert skip.check.startswith(("CKV_", "CKV2_", "AVD-")), skip
            assert f"`{skip.check}` | {skip.reason} |" in readme, (label, skip)
            assert f"{skip.path.removeprefix(TF + '/')}:{skip.line}" in readme, (label, skip)


def test_vm_design_gets_an_ec2_instance_from_the_priced_line() -> None:
    d = vm_design()
    assert d.platform == "vm"
    files = render(d)
    main = files[f"{TF}/envs/production/main.tf"]
    compute = block(main, 'module "compute" {')
    priced = next(line.item for c in d.costs if c.environment == "production" for line in c.lines
                  if line.item.startswith("EC2 "))
    assert attr(compute, "instance_type") == f'"{priced.split()[1]}"'
    assert attr(compute, "architecture") == '"arm64"'  # m7g: Graviton
    assert attr(compute, "user_data_path") == '"${path.module}/../../../vm/provision.sh"'
    assert attr(block(main, 'module "network" {'), "nat_gateway_count") == "0"
    assert "aws_instance" in files[f"{TF}/modules/compute/main.tf"]
    assert 'http_tokens                 = "required"' in files[f"{TF}/modules/compute/main.tf"]
    assert f"{TF}/modules/data/main.tf" not in files  # the stores live on the VM


def test_static_frontend_gets_s3_and_cloudfront_not_a_task() -> None:
    files = render(static_design())
    main = files[f"{TF}/envs/production/main.tf"]
    assert 'module "site_web" {' in main
    assert "    web = {" not in block(main, 'module "compute" {')
    site = files[f"{TF}/modules/static_site/main.tf"]
    assert "aws_cloudfront_origin_access_control" in site and 'signing_behavior                  = "always"' in site
    assert 'viewer_protocol_policy     = "redirect-to-https"' in site


def test_kubernetes_design_gets_eks_sized_from_the_priced_node_group() -> None:
    d = kubernetes_design()
    assert d.platform == "kubernetes"
    files = render(d)
    assert "aws_eks_cluster" in files[f"{TF}/modules/compute/main.tf"]
    assert {"network", "data", "secrets", "kms", "audit"} <= {p.split("/")[3] for p in files if "/modules/" in p}
    for env in d.environments:
        compute = block(files[f"{TF}/envs/{env}/main.tf"], 'module "compute" {')
        priced = next(line.item for c in d.costs if c.environment == env for line in c.lines
                      if line.item.startswith("node group: "))
        count, itype = priced.removeprefix("node group: ").split(" × ")
        assert attr(compute, "node_count") == count and attr(compute, "node_instance_type") == f'"{itype}"'
        for svc in d.services:  # each service account's IRSA role reads only its own secrets
            key = svc.component.rsplit("/", 1)[-1]
            read = set(re.findall(r'secret_arns\["([A-Z0-9_]+)"\]', block(compute, f"    {key} = {{")))
            assert read == {e.name for e in svc.env if e.wiring == "secret"} - gateway_env(d).keys()
    assert "Load Balancer Controller" in files[f"{TF}/README.md"]  # what is left to install, said plainly


# --------------------------------------------------------------------------- real validators






def _mirror() -> None:
    if plugin_mirror() is None:
        if STRICT:
            pytest.fail("an offline hashicorp/aws mirror is required under LAUNCHBAY_STRICT=1")
        pytest.skip("no hashicorp/aws plugin mirror (set LAUNCHBAY_TF_PLUGIN_DIR)")


VALIDATORS = {"checkov": CheckovValidator(), "terraform": TerraformValidator(), "trivy": TrivyValidator()}


@pytest.mark.validator
@pytest.mark.parametrize("label", sorted(variants()))
def test_terraform_validate_checkov_and_trivy_report_zero_findings(label: str, tmp_path: Path) -> None:
    for tool in VALIDATORS:
        _tool(tool)
    _mirror()
    write_kit(render_kit(variants()[label], {"terraform": TerraformRenderer()}), tmp_path)
    report = validate_kit(tmp_path, strict=True, validators=VALIDATORS)
    assert {r.validator for r in report.results} == set(VALIDATORS)
    for r in report.results:
        assert r.status == "PASS" and not r.findings, (r.validator, r.summary, r.findings[:5])
    assert not list(tmp_path.rglob(".terraform")) and not list(tmp_path.rglob("*.tfstate"))  # temp copies only
    roots = {p.parent.name for p in tmp_path.glob(f"{TF}/envs/*/main.tf")}
    assert roots == set(variants()[label].environments)


@pytest.mark.validator
def test_validators_report_problems_with_file_and_line(tmp_path: Path) -> None:
    for tool in VALIDATORS:
        _tool(tool)
    _mirror()
    # The chain services' task definitions read the chain kit's files (deploy/chains/): render those too.
    write_kit(render_kit(design("py-web3"), {"terraform": TerraformRenderer(), "chains": ChainsRenderer(),
                                             "signing": SigningRenderer()}), tmp_path)
    kms = tmp_path / TF / "modules/kms/main.tf"
    kms.write_text(kms.read_text().replace("  enable_key_rotation     = true", "  enable_key_rotation = false"))
    bad_line = kms.read_text().splitlines().index("  enable_key_rotation = false") + 1
    outputs = tmp_path / TF / "modules/audit/outputs.tf"
    outputs.write_text(outputs.read_text() + '\noutput "broken" {\n  value = aws_s3_bucket.missing.id\n}\n')
    broken_line = len(outputs.read_text().splitlines()) - 1
    (tmp_path / TF / "modules/audit/open.tf").write_text(
        'resource "aws_security_group" "open" {\n'
        '  description = "SSH from anywhere"\n'
        "\n"
        "  ingress {\n"
        '    description = "SSH"\n'
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n'
        "  }\n"
        "}\n")
    files = kit_files(tmp_path)
    tf = TerraformValidator().run(tmp_path, files, None)
    assert tf.status == "FAIL"
    assert (f"{TF}/modules/kms/main.tf", bad_line, "not formatted as `terraform fmt` writes it") in tf.findings
    assert any(f == f"{TF}/modules/audit/outputs.tf" and line == broken_line and "undeclared resource" in m
               for f, line, m in tf.findings), tf.findings
    ck = CheckovValidator().run(tmp_path, files, None)
    assert any(f == f"{TF}/modules/kms/main.tf" and m.startswith("CKV_AWS_7:") for f, _, m in ck.findings), ck.findings
    tv = TrivyValidator().run(tmp_path, files, None)
    assert any(f == f"{TF}/modules/audit/open.tf" and line == 9 and "0107" in m for f, line, m in tv.findings), \
        tv.findings


@pytest.mark.validator
def test_a_scanner_that_scans_nothing_fails(tmp_path: Path) -> None:
    for tool in ("checkov", "trivy"):
        _tool(tool)
    (tmp_path / TF).mkdir(parents=True)
    (tmp_path / TF / "main.tf").write_text('variable "x" {\n  type = string\n}\n')
    files = kit_files(tmp_path)
    for validator in (CheckovValidator(), TrivyValidator()):
        result = validator.run(tmp_path, files, None)
        assert result.status == "FAIL" and any("nothing" in m or "no check" in m for _, _, m in result.findings), \
            (validator.name, result)


MOTO_SERVICES = ("sts", "iam", "s3", "kms", "ec2", "elbv2", "ecs", "ecr", "rds", "elasticache", "secretsmanager",
                 "cloudtrail", "sns")


def _moto_override(port: int, alias: str | None) -> str:
    url = f"http://127.0.0.1:{port}"
    lines = ['provider "aws" {'] + ([f'  alias = "{alias}"'] if alias else []) + [
        '  access_key                  = "test"', '  secret_key                  = "test"',
        "  skip_credentials_validation = true", "  skip_metadata_api_check     = true",
        "  skip_requesting_account_id  = true", "  s3_use_path_style           = true", "", "  endpoints {"]
    lines += [f'    {name} = "{url}"' for name in MOTO_SERVICES] + ["  }", "}", ""]
    return "\n".join(lines)


@pytest.mark.validator
def test_terraform_plan_of_an_environment_root_against_moto(tmp_path: Path) -> None:
    """A real `terraform plan` (provider calls included) of py-web3's production root, with its
    terraform.tfvars.example as the inputs — proving the example is complete and well-formed."""
    for tool in ("terraform", "moto_server"):
        _tool(tool)
    _mirror()
    # The chain services' task definitions read the chain kit's files (deploy/chains/): render those too.
    write_kit(render_kit(design("py-web3"), {"terraform": TerraformRenderer(), "chains": ChainsRenderer(),
                                             "signing": SigningRenderer()}), tmp_path)
    root = tmp_path / TF / "envs/production"
    (root / "backend.tf").unlink()  # local state for the rehearsal
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(shutil.which("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        (root / "moto_override.tf").write_text(_moto_override(port, None))
        (root / "moto_dr_override.tf").write_text(_moto_override(port, "dr"))
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        init = subprocess.run(["terraform", "init", "-backend=false", "-input=false", "-no-color",
                               f"-plugin-dir={plugin_mirror()}"], cwd=root, env=env, capture_output=True, text=True,
                              timeout=180, check=False)
        assert init.returncode == 0, init.stderr
        plan = subprocess.run(["terraform", "plan", "-input=false", "-no-color", "-lock=false",
                               "-var-file=terraform.tfvars.example"], cwd=root, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert plan.returncode == 0, plan.stdout[-2000:] + plan.stderr[-2000:]
        added = re.search(r"Plan: (\d+) to add, 0 to change, 0 to destroy", plan.stdout)
        assert added and int(added.group(1)) > 80, plan.stdout[-1000:]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_design_decimal_sizes_map_to_fargate_units() -> None:
    d = design("py-web3")
    worker = next(s for s in d.services if s.kind == "worker")
    assert worker.sizes["production"].vcpu == Decimal("0.25")
    body = block(block(render(d)[f"{TF}/envs/production/main.tf"], 'module "compute" {'), "    worker = {")
    assert attr(body, "cpu") == "256" and attr(body, "memory") == "512" and "port" not in body


def test_unset_config_values_are_optional_and_shown_commented_in_the_example() -> None:
    d = design("py-web3")
    files = render(d)
    for env in d.environments:
        variables = files[f"{TF}/envs/{env}/variables.tf"]
        config = block(variables, 'variable "service_config" {')
        assert re.search(r"^  default = \{\}$", config, re.M)  # the whole value may be left out
        example = files[f"{TF}/envs/{env}/terraform.tfvars.example"]
        assert not re.search(r"^service_config", example, re.M)
        commented = [line for line in example.splitlines() if line.startswith("# ")]
        assert "# service_config = {" in commented and "#     LOG_LEVEL = null" in commented
        assert any("application's own default applies" in line for line in commented)
        main = files[f"{TF}/envs/{env}/main.tf"]
        assert 'PORT = "8001"' in attr(block(block(main, 'module "compute" {'), "    api = {"), "environment")


def test_health_check_without_a_health_route_accepts_any_http_answer() -> None:
    d = design("evm-dapp")
    web = next(s for s in d.services if s.kind == "web")
    assert web.port is not None and web.health_path is None
    files = render(d)
    body = block(block(files[f"{TF}/envs/production/main.tf"], 'module "compute" {'), "    web = {")
    assert attr(body, "health_path") == '"/"' and attr(body, "health_matcher") == '"200-499"'
    module = files[f"{TF}/modules/compute/main.tf"]
    assert "matcher             = each.value.health_matcher" in module
    assert 'health_matcher     = optional(string, "200-399")' in files[f"{TF}/modules/compute/variables.tf"]
    assert "any answer below 500" in files[f"{TF}/modules/compute/README.md"]
    assert "`/` (no health route: any answer below 500)" in files[f"{TF}/README.md"]
