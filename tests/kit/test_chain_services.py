"""Chain services that actually run beside the app: the eRPC gateway, Web3Signer and the chain exporter as
ECS Fargate services (Terraform module chain_services) or Kubernetes objects, only when the Design has them;
Web3Signer limited to kms:Sign / kms:GetPublicKey on the signer keys; the apps' RPC variables pointed at the
gateway as plain values (no provider URL or key anywhere); every task priced, and priced as Terraform runs
it; the chain services scraped; the real validators green on both platforms."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.planning.costing import GATEWAY_PROVIDERS, env_chains
from launchbay.renderers import chain_services as cs
from launchbay.renderers.chains.layout import VENDORS
from launchbay.renderers.signing import chains_for, signers
from launchbay.validate import kit_files
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.consistency import ConsistencyValidator, secret_findings
from launchbay.validators.kubernetes import KubernetesValidator
from launchbay.validators.terraform import TerraformValidator
from launchbay.validators.trivy import TrivyValidator
from tests.kit.support import design, require_tool

TF = "deploy/terraform"
MODULE = f"{TF}/modules/chain_services/main.tf"
K8S = (("scale", frozenset({("peak_rps", 2000)})), ("team", frozenset({("size", 5)})))
PROVIDER_URL = re.compile(r"https?://[^\s\"']*(alchemy\.com|infura\.io|quiknode|ankr\.com|chainstack|drpc\.org)")


def ecs() -> Design:
    return design("evm-dapp")


def k8s() -> Design:
    return design("evm-dapp", **dict(K8S))


def hsm() -> Design:
    """Keys in an HSM, not cloud KMS: no Web3Signer on KMS runs."""
    return design("evm-dapp", blockchain=frozenset({("key_management", "hsm")}))


def no_chain() -> Design:
    return design("discord-bot", deployment=frozenset({("cloud", "aws"), ("primary_region", "us-east-1")}),
                  security=frozenset({("secrets_manager", "aws-secrets-manager")}), **dict(K8S))


@cache
def files(name: str) -> dict[str, str]:
    d = {"ecs": ecs, "k8s": k8s, "hsm": hsm, "py-web3": lambda: design("py-web3"), "no-chain": no_chain,
         "vm": lambda: design("evm-dapp", deployment=frozenset({("cloud", "self-hosted")}))}[name]()
    return {f.path: f.content for f in render_kit(d).files}


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, d in (("ecs", ecs()), ("k8s", k8s())):
        root = tmp_path_factory.mktemp(name)
        write_kit(render_kit(d), root)
        out[name] = root
    return out


def block(text: str, opener: str) -> str:
    """The body of the block opened by the line `opener` (closed at the same indentation)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line == opener)
    indent = len(opener) - len(opener.lstrip())
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(" " * indent + "}"))
    return "\n".join(lines[start + 1:end])


def tf_services(text: str) -> dict[str, dict[str, str]]:
    """Chain service → its scalar attributes in an environment root's chain_services call."""
    body = block(block(text, 'module "chain_services" {'), "  services = {")
    out: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"^    ([\w-]+) = \{$", body, re.M):
        svc = block(body, f"    {m.group(1)} = {{")
        out[m.group(1)] = dict(re.findall(r"^      (\w+)\s+= (.+)$", svc, re.M))
    return out


def chain_lines(d: Design, env: str) -> dict[str, list[tuple[str, Decimal]]]:
    cost = next(c for c in d.costs if c.environment == env)
    out: dict[str, list[tuple[str, Decimal]]] = {}
    for line in cost.lines:
        if line.item.startswith("chain service "):
            name = line.item.removeprefix("chain service ").split(":")[0]
            out.setdefault(name, []).append((line.item, line.quantity))
    return out


# ----------------------------------------------------------------------------- what runs, and only then


def test_ecs_runs_the_gateway_signer_and_exporter_in_every_environment() -> None:
    d, kit = ecs(), files("ecs")
    for env in d.environments:
        services = tf_services(kit[f"{TF}/envs/{env}/main.tf"])
        chain = chains_for(d, env)[0].name
        assert sorted(services) == sorted(["erpc", f"web3signer-{chain}", "chain-exporter"]), env
        assert services["erpc"]["image"] == '"ghcr.io/erpc/erpc:0.1.2"' and services["erpc"]["port"] == "4000"
        assert services[f"web3signer-{chain}"]["port"] == "9000" and services[f"web3signer-{chain}"]["signs"] == "true"
        assert "image" not in services["chain-exporter"]  # built from deploy/chains/exporter into the module's ECR
    module = kit[MODULE]
    assert 'resource "aws_service_discovery_http_namespace" "this"' in module
    assert "service_connect_configuration {" in module and "private_subnet_ids" in module
    assert "assign_public_ip = false" in module
    for group in re.findall(r'resource "aws_cloudwatch_log_group" "this" \{.*?\n\}', module, re.S):
        assert "kms_key_id        = var.kms_key_arn" in group
        assert "retention_in_days = var.log_retention_days" in group
    production = kit[f"{TF}/envs/production/main.tf"]
    assert re.search(r"log_retention_days\s+= 30\n", block(production, 'module "chain_services" {'))
    # the apps' services join the namespace as clients; Terraform reads the kit's own config files
    assert "service_connect_namespace = module.chain_services.namespace_arn" in production
    assert '"erpc.yaml" = "${path.module}/../../../chains/erpc/erpc.yaml"' in production
    assert "file(each.value.files[p])" in module


def test_no_chain_services_without_the_design_asking() -> None:
    kit = files("hsm")  # keys in an HSM: the gateway and the exporter, no Web3Signer on KMS
    for env in hsm().environments:
        services = tf_services(kit[f"{TF}/envs/{env}/main.tf"])
        assert sorted(services) == ["chain-exporter", "erpc"]
        assert "signer_key_arns" not in block(kit[f"{TF}/envs/{env}/main.tf"], 'module "chain_services" {')
        assert not any(n.startswith("web3signer") for n in chain_lines(hsm(), env))
    bare = files("no-chain")  # no chain in the design: nothing of it, anywhere
    assert not any("chain_services" in p or p.startswith("deploy/chains/") for p in bare)
    assert not any(line.item.startswith("chain service ") for c in no_chain().costs for line in c.lines)
    assert all(not cs.tasks(no_chain(), env) for env in no_chain().environments)


def test_kubernetes_runs_web3signer_and_exporter_per_environment_with_irsa() -> None:
    d, kit = k8s(), files("k8s")
    for env in d.environments:
        chain = chains_for(d, env)[0].name
        docs = [x for x in yaml.safe_load_all(kit[f"deploy/chains/kubernetes/{env}/web3signer.yaml"]) if x]
        kinds = {(x["kind"], x["metadata"]["name"]) for x in docs}
        assert {("ServiceAccount", "web3signer"), ("Deployment", f"web3signer-{chain}"),
                ("Service", f"web3signer-{chain}"), ("NetworkPolicy", f"web3signer-{chain}")} <= kinds
        deploy = next(x for x in docs if x["kind"] == "Deployment")
        pod = deploy["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == "web3signer"
        cm = next(x for x in docs if x["kind"] == "ConfigMap")
        assert f"alias/evm-dapp-{env}-signer-relayer" in cm["data"]["keys-relayer.yaml"]
        exporter = [x for x in yaml.safe_load_all(kit[f"deploy/chains/kubernetes/{env}/chain-exporter.yaml"]) if x]
        assert {x["kind"] for x in exporter} == {"ConfigMap", "Deployment", "Service", "NetworkPolicy"}
        secrets = [x for x in yaml.safe_load_all(kit[f"deploy/chains/kubernetes/{env}/secrets.yaml"]) if x]
        keys = {x["metadata"]["name"]: [k["remoteRef"]["key"] for k in x["spec"]["data"]]
                for x in secrets if x["kind"] == "ExternalSecret"}
        assert keys["erpc-provider-keys"] == [f"evm-dapp/{env}/ALCHEMY_API_KEY"]
        main = kit[f"{TF}/envs/{env}/main.tf"]
        irsa = block(main, 'module "chain_services" {')
        assert "oidc_provider_arn   = module.compute.oidc_provider_arn" in irsa
        assert "web3signer = {\n      signs = true" in irsa
    assert "aws_iam_role" in kit[MODULE] and "aws_ecs_service" not in kit[MODULE]


# ----------------------------------------------------------------------------- least privilege


@pytest.mark.parametrize("name", ["ecs", "k8s"])
def test_only_web3signer_may_sign_and_only_with_the_runtime_signer_keys(name: str) -> None:
    d, kit = (ecs() if name == "ecs" else k8s()), files(name)
    module = kit[MODULE]
    policies = re.findall(r'resource "aws_iam_role_policy" "(\w+)" \{(.*?)\n\}', module, re.S)
    kms_actions = {label: sorted({a for line in re.findall(r"Action\s+= (.+)", body)
                                  for a in re.findall(r'"(kms:[A-Za-z*]+)"', line)}) for label, body in policies}
    assert kms_actions["sign"] == ["kms:GetPublicKey", "kms:Sign"]
    assert all(actions in ([], ["kms:Decrypt"]) for label, actions in kms_actions.items() if label != "sign")
    sign = dict(policies)["sign"]
    assert sign.count("Resource  = var.signer_key_arns") + sign.count("Resource = var.signer_key_arns") == 2
    assert '"kms:SigningAlgorithm" = "ECDSA_SHA_256"' in sign and '"*"' not in sign
    runtime = sorted(s.name for s in signers(d) if s.runtime)
    for env in d.environments:
        call = block(kit[f"{TF}/envs/{env}/main.tf"], 'module "chain_services" {')
        arns = re.search(r"signer_key_arns\s+= (.+)$", call, re.M)
        assert arns is not None
        assert re.findall(r'signer_key_arns\["([\w-]+)"\]', arns.group(1)) == runtime == ["relayer"]  # not deployer


# ----------------------------------------------------------------------------- the apps reach them


@pytest.mark.parametrize("name", ["ecs", "k8s", "py-web3"])
def test_app_rpc_variables_point_at_the_gateway_and_are_no_longer_secrets(name: str) -> None:
    d = {"ecs": ecs, "k8s": k8s, "py-web3": lambda: design("py-web3")}[name]()
    kit = files(name)
    routed = cs.gateway_env(d)
    assert routed and all(url.startswith("http://erpc:4000/main/evm/") for url in routed.values())
    for env in d.environments:
        main = kit[f"{TF}/envs/{env}/main.tf"]
        secret_list = block(main, 'module "secrets" {')
        for var, url in routed.items():
            assert f'"{var}"' not in secret_list, (name, var)
            if d.platform == "containers" and any(e.name == var for s in d.services for e in s.env):
                assert re.search(rf'\b{var}\s+= "{re.escape(url)}"', block(main, 'module "compute" {')), var
        if d.platform == "containers":
            assert '"ALCHEMY_API_KEY"' in secret_list  # the key the gateway reads instead
    if d.platform == "kubernetes":
        for path, text in kit.items():
            if path.startswith("deploy/helm/") and path.endswith("/values.yaml"):
                values = yaml.safe_load(text)
                for var, url in routed.items():
                    assert var not in values["externalSecrets"]["keys"]
                    if var in values["config"]:
                        assert values["config"][var] == url
                        labels = [p["podLabels"] for p in values["networkPolicy"]["chainEgress"]]
                        assert {"app.kubernetes.io/name": "erpc", "app.kubernetes.io/part-of": "launchbay-chains"} \
                            in labels
        api = yaml.safe_load(kit["deploy/helm/api/values-production.yaml"])
        assert api["config"]["RELAYER_SIGNER_URL"] == "http://web3signer-base:9000"


@pytest.mark.parametrize("name", ["ecs", "k8s", "py-web3", "hsm"])
def test_no_provider_url_or_key_value_in_any_file(name: str) -> None:
    for path, text in files(name).items():
        assert not PROVIDER_URL.search(text), path
        assert not list(secret_findings(path, text)), path


# ----------------------------------------------------------------------------- priced as Terraform runs them


@pytest.mark.parametrize("name", ["ecs", "hsm", "py-web3"])
def test_cost_lines_price_exactly_the_tasks_terraform_runs(name: str) -> None:
    d = {"ecs": ecs, "hsm": hsm, "py-web3": lambda: design("py-web3")}[name]()
    kit = files(name)
    for env in d.environments:
        services = tf_services(kit[f"{TF}/envs/{env}/main.tf"])
        lines = chain_lines(d, env)
        assert sorted(lines) == sorted(services), (name, env)
        for svc, attrs in services.items():
            count, cpu, memory = int(attrs["desired_count"]), int(attrs["cpu"]), int(attrs["memory"])
            (vcpu_item, vcpu_hours), (mem_item, gb_hours) = lines[svc]
            assert vcpu_item == f"chain service {svc}: {count} × {Decimal(cpu) / 1024} vCPU (Fargate)"
            assert mem_item == f"chain service {svc}: {count} × {memory} MiB (Fargate)"
            assert vcpu_hours == Decimal(count * 730) * Decimal(cpu) / 1024
            assert gb_hours == Decimal(count * 730) * Decimal(memory) / 1024
    for cost in d.costs:  # the totals are still the sum of the lines
        assert cost.total_usd == sum((line.monthly_usd for line in cost.lines), Decimal(0))
        for line in cost.lines:
            if line.item.startswith("chain service "):
                assert line.price_ref.startswith("aws/us-east-1/fargate.linux_x86_") and line.discountable == "fargate"


def test_plan_rule_and_renderer_rule_agree() -> None:
    """The planner prices tasks with its own copies of two renderer rules: they must be the same rules."""
    assert set(VENDORS) == GATEWAY_PROVIDERS
    for d in (ecs(), k8s(), design("py-web3")):
        assert d.blockchain is not None
        for env in d.environments:
            assert env_chains(d.blockchain, env, d.environments) == chains_for(d, env)


# ----------------------------------------------------------------------------- scraped


def test_chain_metrics_are_scraped() -> None:
    monitors = [x for x in yaml.safe_load_all(files("k8s")["deploy/monitoring/kubernetes/servicemonitors.yaml"])
                if x and x["kind"] == "ServiceMonitor"]
    jobs = {m["spec"]["endpoints"][0]["relabelings"][0]["replacement"]: m for m in monitors}
    assert {"erpc", "web3signer", "chain-exporter"} <= set(jobs)
    for job in ("erpc", "web3signer", "chain-exporter"):
        assert jobs[job]["spec"]["endpoints"][0]["port"] == "metrics"
        assert jobs[job]["spec"]["namespaceSelector"] == {"matchNames": ["evm-dapp"]}
    services = {(x["metadata"]["name"], tuple(p["port"] for p in x["spec"]["ports"] if p["name"] == "metrics"))
                for path, text in files("k8s").items() if path.startswith("deploy/chains/kubernetes/")
                for x in yaml.safe_load_all(text) if x and x["kind"] == "Service"}
    assert {("erpc", (4001,)), ("web3signer-base", (9001,)), ("chain-exporter", (9731,))} <= services
    prometheus = yaml.safe_load(files("vm")["deploy/monitoring/prometheus/prometheus.yml"])
    erpc = next(j for j in prometheus["scrape_configs"] if j["job_name"] == "erpc")
    assert erpc["static_configs"] == [{"targets": ["erpc:4001"]}]
    signer = yaml.safe_load(files("ecs")["deploy/chains/web3signer/production/config-base.yaml"])
    assert signer["metrics-port"] == 9001 and signer["metrics-host-allowlist"] == ["*"]  # scraped by IP


def test_rendering_is_deterministic() -> None:
    again = {f.path: f.content for f in render_kit(ecs()).files}
    assert again == files("ecs")


# ----------------------------------------------------------------------------- the real tools


def _result(validator: Any, root: Path, tool: str | None) -> Any:
    from launchbay.validators.base import find_tool

    return validator.run(root, kit_files(root), find_tool(tool) if tool else None)


def test_consistency_sees_every_variable_wired(kits: dict[str, Path]) -> None:
    for root in kits.values():
        result = _result(ConsistencyValidator(), root, None)
        assert result.status == "PASS", result.findings
        wiring = json.loads((root / "deploy/launchbay-wiring.json").read_text())
        assert any(e["name"] == "BASE_RPC_URL" for s in wiring["services"] for e in s["env"])


@pytest.mark.validator
def test_terraform_validate_and_scanners_pass_on_the_ecs_kit(kits: dict[str, Path]) -> None:
    require_tool("terraform")
    require_tool("trivy")
    require_tool("checkov")
    for validator, tool in ((TerraformValidator(), "terraform"), (TrivyValidator(), "trivy"),
                            (CheckovValidator(), "checkov")):
        result = _result(validator, kits["ecs"], tool)
        assert result.status == "PASS", (tool, result.summary, result.findings)


@pytest.mark.validator
def test_kubernetes_manifests_and_terraform_pass_on_the_kubernetes_kit(kits: dict[str, Path]) -> None:
    require_tool("kubernetes-validate")
    require_tool("terraform")
    for validator, tool in ((KubernetesValidator(), "kubernetes-validate"), (TerraformValidator(), "terraform")):
        result = _result(validator, kits["k8s"], tool)
        assert result.status == "PASS", (tool, result.summary, result.findings)
    assert "deploy/chains/kubernetes/production/web3signer.yaml" in kit_files(kits["k8s"])
