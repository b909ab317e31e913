"""Kubernetes kit: one Helm chart per service for designs whose services run on Kubernetes, every
figure from the Design (sizes, hosts, secret names, ports, strategy), checked on the manifests Helm
renders for each environment (limits, probes, restricted security context, env wiring, HPA bounds,
rollout kind), matched to Terraform's names (namespace, IRSA roles, secret paths, VPC ranges), and
proved by the real tools — helm lint/template, kubernetes-validate plus CRD schemas, checkov and
trivy with zero findings — and the validators shown to catch what they must."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import write_kit
from launchbay.models.design import Design
from launchbay.models.kit import Kit
from launchbay.models.operations import Slo
from launchbay.renderers.chain_services import gateway_env
from launchbay.renderers.helm import HelmRenderer
from launchbay.renderers.helm_values import chart_plans
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.terraform_facts import prefix, slug
from launchbay.validate import kit_files
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.helm import HelmValidator
from launchbay.validators.helm_charts import deploy_values, render
from launchbay.validators.kubernetes import KubernetesValidator
from launchbay.validators.trivy import TrivyValidator
from launchbay.validators.yamllint import YamllintValidator, yaml_files
from tests.kit.support import ROOT, design, require_tool

K8S = (("scale", frozenset({("peak_rps", 2000)})), ("team", frozenset({("size", 5)})))


def k8s(name: str, **more: frozenset[tuple[str, Any]]) -> Design:
    """An example planned onto Kubernetes by its answers (peak 2,000 RPS with a team of 5)."""
    return design(name, **dict(K8S), **more)


@cache
def variants() -> dict[str, Design]:
    canary = k8s("evm-dapp", cicd=frozenset({("deploy_strategy", "canary")}))
    return {
        "evm-dapp@blue-green": k8s("evm-dapp"),
        "evm-dapp@canary": canary,
        "evm-dapp@canary-no-slo": canary.model_copy(update={"slo": Slo()}),
        "evm-dapp@rolling": k8s("evm-dapp", cicd=frozenset({("deploy_strategy", "rolling")})),
        "evm-dapp@own-nodes": design("evm-dapp", team=frozenset({("size", 5)}),
                                     blockchain=frozenset({("node_strategy", "own-nodes")})),
        "py-web3": k8s("py-web3"),
        "discord-bot@aws": k8s("discord-bot", deployment=frozenset({("cloud", "aws"),
                                                                    ("primary_region", "us-east-1")})),
    }


def files_of(d: Design) -> dict[str, str]:
    return {f.path: f.content for f in HelmRenderer().render(d)}


@cache
def manifests(name: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """(chart key, environment) → objects helm renders with that environment's values file."""
    helm = require_tool("helm")
    d = variants()[name]
    root = Path(tempfile.mkdtemp(prefix="launchbay-test-helm-"))
    write_kit(Kit(files=tuple(HelmRenderer().render(d))), root)
    extra = root / "deploy-values.yaml"
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for chart in chart_plans(d):
        extra.write_text(yaml.safe_dump(deploy_values(chart.path, d.region)), encoding="utf-8")
        for env in d.environments:
            r = render(helm, root, chart.path, f"{chart.path}/values-{env}.yaml", extra)
            assert r.error is None, r.error
            out[(chart.key, env)] = [doc for text in r.sources.values() for doc in yaml.safe_load_all(text) if doc]
    shutil.rmtree(root)
    return out


def of_kind(objs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objs if o["kind"] == kind]


def pod_specs(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o["spec"]["template"]["spec"] for o in objs if o["kind"] in {"Deployment", "Job"}]


# ----------------------------------------------------------------------------- what is rendered


def test_only_kubernetes_services_get_charts() -> None:
    for name in ("evm-dapp", "py-web3", "discord-bot"):
        assert files_of(design(name)) == {}, f"{name} is not planned onto Kubernetes"
    assert all(d.platform == "kubernetes" for d in variants().values())
    files = files_of(variants()["evm-dapp@blue-green"])
    assert sorted({p.split("/")[2] for p in files if p.count("/") > 2}) == ["api", "indexer", "web"]
    for key in ("api", "indexer", "web"):
        for name in ("Chart.yaml", ".helmignore", "README.md", "values.yaml", "values-staging.yaml",
                     "values-production.yaml", "values.schema.json", "templates/deployment.yaml"):
            assert f"deploy/helm/{key}/{name}" in files
    one_env = files_of(variants()["discord-bot@aws"])
    assert [p for p in one_env if "/values-" in p] == ["deploy/helm/discord-bot/values-production.yaml"]


def test_chart_metadata_is_pinned_and_output_deterministic() -> None:
    d = variants()["evm-dapp@blue-green"]
    files = files_of(d)
    chart = yaml.safe_load(files["deploy/helm/api/Chart.yaml"])
    assert chart["apiVersion"] == "v2" and chart["name"] == "api"
    assert re.fullmatch(r"\d+\.\d+\.\d+", chart["version"])
    assert files == files_of(d.model_copy())
    for path, text in files.items():
        assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text, path
        assert "/tmp/" not in text and "/work/" not in text and "/root" not in text, path
    values = yaml.safe_load(files["deploy/helm/api/values.yaml"])
    assert "tag" not in values["image"] and "repository" not in values["image"]
    assert not re.search(r":latest\b|tag: latest", "".join(files.values()))


def test_values_per_environment_come_from_the_design() -> None:
    for d in variants().values():
        files = files_of(d)
        for chart in chart_plans(d):
            for env in d.environments:
                size = chart.plan.sizes[env]
                v = yaml.safe_load(files[f"{chart.path}/values-{env}.yaml"])
                assert v["environment"] == env
                assert v["replicaCount"] == size.replicas_min
                assert v["autoscaling"] == {"enabled": size.replicas_max > size.replicas_min,
                                            "minReplicas": size.replicas_min, "maxReplicas": size.replicas_max}
                amount = {"cpu": f"{int(size.vcpu * 1000)}m", "memory": f"{size.memory_mib}Mi"}
                assert v["resources"] == {"requests": amount, "limits": amount}
                assert v["serviceAccount"]["roleName"] == f"{prefix(d, env)}-{chart.key}-irsa"


def test_schema_is_strict_and_requires_the_image() -> None:
    import json

    files = files_of(variants()["evm-dapp@blue-green"])
    schema = json.loads(files["deploy/helm/api/values.schema.json"])
    assert schema["additionalProperties"] is False
    image = schema["properties"]["image"]
    assert {"repository", "tag"} <= set(image["required"]) and image["properties"]["tag"]["not"] == {"const": "latest"}
    # BASE_RPC_URL is the in-cluster gateway's URL and RELAYER_SIGNER_URL Web3Signer's: plain values now
    assert set(schema["properties"]["config"]["required"]) == {"BASE_RPC_URL", "CORS_ORIGIN", "LOG_LEVEL", "PORT",
                                                               "RELAYER_SIGNER_URL"}
    keys = set(schema["properties"]["externalSecrets"]["properties"]["keys"]["items"]["enum"])
    assert {"DATABASE_URL", "JWT_SECRET", "REDIS_URL"} <= keys and "BASE_RPC_URL" not in keys
    assert "RELAYER_PRIVATE_KEY" not in keys  # a raw signing key is replaced by the signer, never synced


def test_names_match_terraform() -> None:
    """Namespace (IRSA trust), IRSA role names, secret paths and VPC ranges are Terraform's."""
    d = variants()["evm-dapp@blue-green"]
    tf = {f.path: f.content for f in TerraformRenderer().render(d)}
    module = (ROOT / "src/launchbay/renderers/templates/terraform/modules/compute_eks/main.tf.j2").read_text()
    assert 'name = "${var.name}-${each.key}-irsa"' in module
    assert "system:serviceaccount:${var.namespace}:${each.key}" in module
    files = files_of(d)
    for env in d.environments:
        main = tf[f"deploy/terraform/envs/{env}/main.tf"]
        assert re.search(rf'namespace\s+=\s+"{slug(d.project)}"', main)
        assert re.search(rf'path_prefix\s+=\s+"{slug(d.project)}/{env}"', main)
        variables = tf[f"deploy/terraform/envs/{env}/variables.tf"]
        cidr = re.search(r'variable "vpc_cidr" \{[^}]*default\s+=\s+"([^"]+)"', variables)
        assert cidr is not None
        for chart in chart_plans(d):
            v = yaml.safe_load(files[f"{chart.path}/values-{env}.yaml"])
            assert v["externalSecrets"]["pathPrefix"] == f"{slug(d.project)}/{env}"
            assert v["networkPolicy"]["vpcCidr"] == cidr.group(1)
    keys = {c.key for c in chart_plans(d)}
    main = tf["deploy/terraform/envs/production/main.tf"]
    compute = main[main.index('module "compute" {'):]
    compute = compute[:compute.index("\n}\n")]
    assert keys == set(re.findall(r"^\s{4}(\w[\w-]*)\s+=\s+\{\n\s+secret_arns", compute, re.M))


def test_no_secret_value_in_any_file() -> None:
    for d in variants().values():
        files = files_of(d)
        routed = gateway_env(d)  # RPC variables the in-cluster gateway serves: its URL, no provider key
        secrets = {e.name for s in d.services for e in s.env if e.wiring == "secret"}
        for path, text in files.items():
            for name in secrets:
                # A secret's name appears as a list item (keys) or in prose, never as `NAME: value`.
                for m in re.finditer(rf"^\s*{name}:\s*(\S.*)$", text, re.M):
                    assert name in routed and m.group(1) == routed[name], (path, name)


# ----------------------------------------------------------------------------- the rendered manifests


@pytest.mark.parametrize("name", sorted(variants()))
def test_every_container_is_restricted_sized_and_probed(name: str) -> None:
    d = variants()[name]
    for chart in chart_plans(d):
        for env in d.environments:
            objs = manifests(name)[(chart.key, env)]
            size = chart.plan.sizes[env]
            amount = {"cpu": f"{int(size.vcpu * 1000)}m", "memory": f"{size.memory_mib}Mi"}
            specs = pod_specs(objs)
            assert len(specs) == 1 + (chart.migration is not None)
            for spec in specs:
                assert spec["automountServiceAccountToken"] is False
                assert spec["securityContext"]["runAsNonRoot"] is True
                assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
                assert {v["name"]: v for v in spec["volumes"]}["tmp"]["emptyDir"]
                for c in spec["containers"]:
                    assert c["resources"] == {"limits": amount, "requests": amount}
                    sc = c["securityContext"]
                    assert sc["runAsNonRoot"] is True and sc["readOnlyRootFilesystem"] is True
                    assert sc["allowPrivilegeEscalation"] is False and sc["capabilities"] == {"drop": ["ALL"]}
                    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
                    assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
                    image = deploy_values(chart.path, d.region)["image"]
                    assert c["image"] == f"{image['repository']}:{image['tag']}" and "latest" not in c["image"]
            main = of_kind(objs, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]
            if chart.plan.port is None:
                assert "livenessProbe" not in main and "ports" not in main
            else:
                for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                    assert main[probe]["httpGet"] == {"path": chart.plan.health_path or "/", "port": "http"}
                assert main["ports"] == [{"name": "http", "containerPort": chart.plan.port, "protocol": "TCP"}]


@pytest.mark.parametrize("name", sorted(variants()))
def test_every_env_var_is_wired_by_name(name: str) -> None:
    d = variants()[name]
    for chart in chart_plans(d):
        secret = {e.name for e in chart.plan.env if e.wiring == "secret"} - gateway_env(d).keys()
        # plain: the design's config, the gateway-served RPC variables, the Web3Signer URLs of a signing service
        config = {e.name for e in chart.plan.env if e.wiring == "config"} | set(chart.gateway())
        config |= {n for e in d.environments for n in chart.signer_urls(e)}
        for env in d.environments:
            objs = manifests(name)[(chart.key, env)]
            for spec in pod_specs(objs):
                env_vars = spec["containers"][0].get("env", [])
                from_secret = {v["name"] for v in env_vars if "secretKeyRef" in v["valueFrom"]}
                from_config = {v["name"] for v in env_vars if "configMapKeyRef" in v["valueFrom"]}
                assert from_secret == secret and from_config == config
            es = of_kind(objs, "ExternalSecret")
            if secret:
                data = es[0]["spec"]["data"]
                assert {x["secretKey"] for x in data} == secret
                assert {x["remoteRef"]["key"] for x in data} == {f"{slug(d.project)}/{env}/{n}" for n in secret}
                assert es[0]["spec"]["secretStoreRef"]["kind"] == "ClusterSecretStore"
                store = of_kind(objs, "ClusterSecretStore")[0]
                assert store["spec"]["provider"]["aws"]["service"] == "SecretsManager"
                assert store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"] == chart.key
            else:
                assert es == []
            cm = of_kind(objs, "ConfigMap")
            assert (set(cm[0]["data"]) if cm else set()) == config
            if "PORT" in config:
                assert cm[0]["data"]["PORT"] == str(chart.plan.port)


@pytest.mark.parametrize("name", sorted(variants()))
def test_replicas_autoscaling_and_rollout_kind_follow_the_design(name: str) -> None:
    d = variants()[name]
    production = "production" if "production" in d.environments else d.environments[-1]
    for chart in chart_plans(d):
        for env in d.environments:
            objs = manifests(name)[(chart.key, env)]
            size = chart.plan.sizes[env]
            deployment = of_kind(objs, "Deployment")[0]
            rollouts = of_kind(objs, "Rollout")
            hpa = of_kind(objs, "HorizontalPodAutoscaler")
            singleton = chart.plan.kind in {"bot", "indexer", "cron"}
            strategy = "rolling" if singleton else d.cicd["strategy"]
            if strategy == "rolling":
                assert rollouts == []
                kind = "Recreate" if singleton else "RollingUpdate"
                assert deployment["spec"]["strategy"]["type"] == kind
                scaled = deployment
            else:
                assert len(rollouts) == 1 and deployment["spec"]["replicas"] == 0
                rollout = rollouts[0]
                assert rollout["spec"]["workloadRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                          "name": chart.key, "scaleDown": "never"}
                scaled = rollout
                if strategy == "blue-green":
                    bg = rollout["spec"]["strategy"]["blueGreen"]
                    assert bg["activeService"] == chart.key and bg["previewService"] == f"{chart.key}-preview"
                    assert bg["autoPromotionEnabled"] is (env != production)
                    names = {s["metadata"]["name"] for s in of_kind(objs, "Service")}
                    assert names == {chart.key, f"{chart.key}-preview"}
                else:
                    canary = rollout["spec"]["strategy"]["canary"]
                    assert [s["setWeight"] for s in canary["steps"] if "setWeight" in s] == [10, 25, 50]
                    assert canary["trafficRouting"] == {"nginx": {"stableIngress": chart.key}}
                    templates = of_kind(objs, "AnalysisTemplate")
                    if d.slo.error_budget is None:
                        assert templates == [] and "analysis" not in canary
                    else:
                        metric = templates[0]["spec"]["metrics"][0]
                        assert metric["successCondition"] == f"result[0] <= {d.slo.error_budget.normalize()}"
                        assert Decimal(metric["successCondition"].split()[-1]) == Decimal("0.001")
                        assert f'ingress="{chart.key}-{chart.key}-canary"' in metric["provider"]["prometheus"]["query"]
            if size.replicas_max > size.replicas_min:
                assert "replicas" not in scaled["spec"]
                assert hpa[0]["spec"]["minReplicas"] == size.replicas_min
                assert hpa[0]["spec"]["maxReplicas"] == size.replicas_max
                assert hpa[0]["spec"]["scaleTargetRef"]["kind"] == scaled["kind"]
            else:
                assert hpa == [] and scaled["spec"]["replicas"] == size.replicas_min
            pdb = of_kind(objs, "PodDisruptionBudget")[0]
            assert pdb["spec"]["maxUnavailable"] == 1
            assert pdb["spec"]["selector"] == deployment["spec"]["selector"]


@pytest.mark.parametrize("name", sorted(variants()))
def test_network_policy_opens_only_the_needed_flows(name: str) -> None:
    d = variants()[name]
    for chart in chart_plans(d):
        objs = manifests(name)[(chart.key, d.environments[-1])]
        policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(objs, "NetworkPolicy")}
        deny = policies[f"{chart.key}-default-deny"]
        assert deny["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny and "egress" not in deny
        allow = policies[f"{chart.key}-allow"]
        peers = [r["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                 for r in allow["ingress"]]
        assert peers == (["ingress-nginx", "monitoring"] if chart.plan.port else [])
        ports = sorted(p["port"] for r in allow["egress"] for p in r["ports"])
        stores = {"postgres": 5432, "redis": 6379}
        expected = [53, 53, *(stores[s.engine] for s in d.data_stores
                              if chart.plan.name in s.used_by and s.engine in stores)]
        expected += [443] if chart.https_reasons() else []
        expected += [p for peer in chart.chain_egress() for p in peer["ports"]]  # gateway 4000, Web3Signer 9000
        assert ports == sorted(expected)
        if chart.migration:
            assert f"{chart.key}-migrate" in policies


def test_ingress_hosts_tls_and_identity() -> None:
    d = variants()["evm-dapp@blue-green"]
    domain = d.network["domain"]
    hosts = {("web", "production"): domain, ("web", "staging"): f"staging.{domain}",
             ("api", "production"): f"api.{domain}", ("api", "staging"): f"api.staging.{domain}",
             ("indexer", "production"): f"indexer.{domain}"}
    for (key, env), host in hosts.items():
        objs = manifests("evm-dapp@blue-green")[(key, env)]
        ing = of_kind(objs, "Ingress")[0]
        assert ing["spec"]["rules"][0]["host"] == host and ing["spec"]["tls"][0]["hosts"] == [host]
        assert ing["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-production"
        sa = of_kind(objs, "ServiceAccount")[0]
        assert sa["metadata"]["name"] == key and sa["automountServiceAccountToken"] is False
        arn = sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        assert arn == f"arn:aws:iam::123456789012:role/{prefix(d, env)}-{key}-irsa"
    # No domain in the design: no Ingress (nothing to put in a certificate).
    for objs in manifests("py-web3").values():
        assert of_kind(objs, "Ingress") == []


def test_migration_runs_as_a_pre_install_and_pre_upgrade_hook() -> None:
    objs = manifests("evm-dapp@blue-green")[("api", "production")]
    job = of_kind(objs, "Job")[0]
    notes = job["metadata"]["annotations"]
    assert notes["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"][-1].endswith("prisma migrate deploy")
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "api-migrate"
    weights = {o["kind"]: int(o["metadata"]["annotations"]["helm.sh/hook-weight"]) for o in objs
               if "helm.sh/hook" in (o["metadata"].get("annotations") or {}) and o["kind"] != "NetworkPolicy"}
    assert max(weights, key=lambda k: weights[k]) == "Job"  # what the Job needs exists before it runs
    assert of_kind(manifests("evm-dapp@blue-green")[("web", "production")], "Job") == []


def test_file_store_gets_a_kept_volume() -> None:
    objs = manifests("discord-bot@aws")[("discord-bot", "production")]
    pvc = of_kind(objs, "PersistentVolumeClaim")[0]
    assert pvc["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert pvc["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    mounts = of_kind(objs, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "data", "mountPath": "/app/data"} in mounts


# ----------------------------------------------------------------------------- the real tools


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blue-green and canary designs' charts side by side (one kit, one validator run each)."""
    root = tmp_path_factory.mktemp("helm-kit")
    files = list(HelmRenderer().render(variants()["evm-dapp@blue-green"]))
    for f in HelmRenderer().render(variants()["py-web3"]):  # rolling + a portless worker
        files.append(f.model_copy(update={"path": f.path.replace("deploy/helm/", "deploy/helm-py/")}))
    for f in HelmRenderer().render(variants()["evm-dapp@canary"]):
        if f.path.startswith("deploy/helm/api/"):
            files.append(f.model_copy(update={"path": f.path.replace("deploy/helm/api/", "deploy/helm-canary/api/")}))
    write_kit(Kit(files=tuple(files)), root)
    return root


def run_validator(validator: Any, root: Path) -> Any:
    result = validator.run(root, kit_files(root), None)
    assert result.status == "PASS", (result.summary, result.findings[:10])
    assert result.findings == ()
    return result


def test_helm_lint_and_render_pass(kit: Path) -> None:
    require_tool("helm")
    result = run_validator(HelmValidator(), kit)
    assert "6 chart(s)" in result.summary and "12 lint + render" in result.summary


def test_kubernetes_schemas_and_crds_pass(kit: Path) -> None:
    require_tool("kubernetes-validate")
    require_tool("k8s-crd-validate")
    result = run_validator(KubernetesValidator(), kit)
    for kind in ("AnalysisTemplate", "ClusterSecretStore", "ExternalSecret", "Rollout"):
        assert kind in result.summary


def test_checkov_scans_every_chart_render_with_no_failure(kit: Path) -> None:
    require_tool("checkov")
    require_tool("helm")
    result = run_validator(CheckovValidator(), kit)
    passed = int(result.summary.split()[0])
    assert passed > 500 and "6 Helm chart(s) × 12 environment render(s)" in result.summary


def test_trivy_scans_the_charts_with_no_high_finding(kit: Path) -> None:
    require_tool("trivy")
    result = run_validator(TrivyValidator(), kit)
    evaluated = int(re.search(r"(\d+) checks evaluated", result.summary).group(1))  # type: ignore[union-attr]
    assert evaluated > 1000


def test_yamllint_passes_and_skips_templates(kit: Path) -> None:
    require_tool("yamllint")
    files = kit_files(kit)
    linted = yaml_files(kit, files)
    assert "deploy/helm/api/values-production.yaml" in linted
    assert not any("/templates/" in f for f in linted)
    run_validator(YamllintValidator(), kit)


# ----------------------------------------------------------------------------- the validators catch faults


@pytest.fixture()
def broken(kit: Path, tmp_path: Path) -> Path:
    root = tmp_path / "kit"
    shutil.copytree(kit, root)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_helm_validator_catches_schema_errors_and_a_default_tag(broken: Path) -> None:
    require_tool("helm")
    edit(broken / "deploy/helm/api/values-staging.yaml", "replicaCount:", "replicaCnt: 1\nreplicaCount:")
    edit(broken / "deploy/helm/web/values.yaml", "  pullPolicy: Always", "  pullPolicy: Always\n  tag: 1.2.3")
    result = HelmValidator().run(broken, kit_files(broken), None)
    text = "\n".join(f"{f[0]}: {f[2]}" for f in result.findings)
    assert result.status == "FAIL"
    assert "replicaCnt" in text and "deploy/helm/api" in text
    assert "deploy/helm/web/values.yaml: the chart renders without a deploy-time image tag" in text


def test_kubernetes_validator_catches_unknown_fields_and_kinds(broken: Path) -> None:
    require_tool("kubernetes-validate")
    require_tool("k8s-crd-validate")
    require_tool("helm")
    edit(broken / "deploy/helm/api/templates/rollout.yaml", "autoPromotionEnabled:", "autoPromotonEnabled:")
    edit(broken / "deploy/helm/web/templates/pdb.yaml", "  maxUnavailable:", "  maxUnavailble:")
    plain = broken / "deploy/monitoring/kubernetes/extra.yaml"
    plain.parent.mkdir(parents=True)
    plain.write_text("---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", encoding="utf-8")
    (broken / ".launchbay/manifest.json").unlink()  # the hand-made file is in scope too
    result = KubernetesValidator().run(broken, kit_files(broken), None)
    text = "\n".join(f"{f[0]}:{f[1]}: {f[2]}" for f in result.findings)
    assert result.status == "FAIL"
    assert "deploy/helm/api/templates/rollout.yaml:1: Rollout/api [production]: unknown field " \
           "/spec/strategy/blueGreen/autoPromotonEnabled" in text
    assert "deploy/helm/web/templates/pdb.yaml" in text and "maxUnavailble" in text
    assert "deploy/monitoring/kubernetes/extra.yaml:2: Widget/w: no schema for kind Widget (example.com/v1)" in text


def test_checkov_fails_a_weakened_chart_and_a_scan_of_nothing(broken: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    checkov = require_tool("checkov")
    require_tool("helm")
    for folder in ("deploy/helm-py", "deploy/helm-canary", "deploy/helm/indexer", "deploy/helm/web"):
        shutil.rmtree(broken / folder)  # one chart is enough to show it, and faster
    edit(broken / "deploy/helm/api/templates/_helpers.tpl", "readOnlyRootFilesystem: true",
         "readOnlyRootFilesystem: false")
    result = CheckovValidator().run(broken, kit_files(broken), None)
    assert result.status == "FAIL"
    assert any(f[0] == "deploy/helm/api/templates/deployment.yaml" and "CKV_K8S_22" in f[2] for f in result.findings)
    # Without helm, checkov's helm framework silently scans nothing: that is a failure.
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "checkov").symlink_to(checkov)
    monkeypatch.setenv("PATH", f"{bare}{os.pathsep}/usr/bin{os.pathsep}/bin")
    result = CheckovValidator().run(broken, kit_files(broken), None)
    assert result.status == "FAIL" and any("helm is not installed" in f[2] for f in result.findings)


def test_trivy_fails_a_privileged_container(broken: Path) -> None:
    require_tool("trivy")
    edit(broken / "deploy/helm/api/templates/_helpers.tpl", "allowPrivilegeEscalation: false",
         "allowPrivilegeEscalation: false\nprivileged: true")
    result = TrivyValidator().run(broken, kit_files(broken), None)
    assert result.status == "FAIL"
    assert any(f[0] == "deploy/helm/api/templates/deployment.yaml" and f[2].startswith(("HIGH", "CRITICAL"))
               for f in result.findings)


# ----------------------------------------------------------------------------- the helm shim


def test_helm_shim_prints_every_document_under_its_source(tmp_path: Path) -> None:
    helm = require_tool("helm")
    version = subprocess.run([helm, "version"], capture_output=True, text=True, check=True).stdout
    assert re.match(r'version\.BuildInfo\{Version:"v4\.\d+\.\d+", ', version)  # what checkov parses
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n", encoding="utf-8")
    (chart / "values.yaml").write_text("n: 2\n", encoding="utf-8")
    (chart / "templates" / "two.yaml").write_text(
        "{{- range $i := until (int .Values.n) }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        "  name: c{{ $i }}\n  namespace: {{ $.Release.Namespace }}\n{{- end }}\n", encoding="utf-8")
    out = subprocess.run([helm, "template", "r", str(chart), "--set", "n=3", "-n", "ns"], capture_output=True,
                         text=True, check=True).stdout
    assert out.count("---\n# Source: c/templates/two.yaml\n") == 3
    assert [d["metadata"] for d in yaml.safe_load_all(out)] == [{"name": f"c{i}", "namespace": "ns"} for i in range(3)]
    bad = subprocess.run([helm, "template", str(tmp_path / "missing")], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("Error:")
