"""The monitoring stack wired into the kits that run it: what one generated file references, another
generated file provides. Each test reads both sides from the generated kit (or runs the script that
provides them), so a name, path or label changed on one side only fails here.

- VM: the backup job's textfile metric vs the backup alerts and node_exporter's folder; every `*_file`
  the monitoring configs read vs what render-env.sh writes; the chain stack's Compose variables vs its
  env file.
- Kubernetes: ServiceMonitor selectors vs the Services the Helm charts render; the Secrets the
  kube-prometheus-stack values mount vs the ExternalSecrets; the IAM role those authenticate as.
- Terraform (EKS): signing keys per IRSA role, the EBS CSI driver, the node group's rollout ceiling.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sqlite3
import stat
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import DataStore, Design, StoreSize
from launchbay.pricing import load_prices
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.helm import HelmRenderer
from launchbay.renderers.monitoring import MonitoringRenderer
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.terraform_eks import volume_reasons
from launchbay.renderers.vm import VmRenderer
from launchbay.renderers.vm_layout import layout
from launchbay.targets.kubernetes import NODE_FILL
from launchbay.validate import validate_kit
from launchbay.validators.base import run_tool
from launchbay.validators.helm_charts import Rendered, charts, documents, env_files, write_deploy_values
from launchbay.validators.kubernetes import KubernetesValidator
from tests.kit.support import design, require_tool

Changes = dict[str, frozenset[tuple[str, Any]]]
VM: dict[str, Changes] = {
    "discord-bot": {},
    "evm-dapp": {"deployment": frozenset({("cloud", "self-hosted")})},
    "py-web3": {"scale": frozenset({("peak_rps", 5)}), "backup": frozenset({("rpo_minutes", 60)})},
}
CHAIN_VARIANTS: dict[str, Changes] = {
    "third-party": VM["evm-dapp"],
    "graph-node": {**VM["evm-dapp"], "blockchain": frozenset({("indexer", "graph-node")})},
    "own-nodes": {**VM["evm-dapp"], "blockchain": frozenset({("node_strategy", "own-nodes"),
                                                            ("chains", ("ethereum", "sepolia"))})},
}
K8S: Changes = {"scale": frozenset({("peak_rps", 2000)}), "team": frozenset({("size", 5)})}
TF = "deploy/terraform"
SECRET = "fake-test-secret-51d0"


def vm_design(name: str) -> Design:
    return design(name, **VM[name])


def k8s_design() -> Design:
    return design("evm-dapp", **K8S)


def kit(d: Design, *renderers: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for renderer in renderers:
        out.update({f.path: f.content for f in renderer.render(d)})
    return out


def vm_kit(name: str) -> dict[str, str]:
    return kit(vm_design(name), VmRenderer(), MonitoringRenderer(), ChainsRenderer())


def load(text: str) -> Any:
    return yaml.safe_load(text)


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def _walk(node: Any, suffix: str) -> list[str]:
    """Every string value whose key ends with `suffix`, anywhere in a YAML document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).endswith(suffix) and isinstance(value, str):
                found.append(value)
            else:
                found += _walk(value, suffix)
    elif isinstance(node, list):
        for item in node:
            found += _walk(item, suffix)
    return found


# --- VM: backup freshness ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(VM))
def test_backup_metric_path_and_labels_agree_across_the_kit(name: str) -> None:
    """backup.sh writes the series the backup alerts evaluate, into the folder node_exporter reads."""
    out = vm_kit(name)
    rules = {r["alert"]: r for g in load(out["deploy/monitoring/prometheus/rules/backups.yml"])["groups"]
             for r in g["rules"]}
    metric = re.fullmatch(r"absent\(([a-z_]+)\)", rules["BackupNeverReported"]["expr"])
    assert metric is not None
    name_ = metric.group(1)
    assert re.match(rf"time\(\) - {name_} > \d+$", rules["BackupTooOld"]["expr"])
    series = [s["series"] for t in load(out["deploy/monitoring/prometheus/tests/backups_test.yml"])["tests"]
              for s in t["input_series"] if s["series"].startswith(name_)]
    assert series and all('store="all"' in s for s in series)

    exporter = load(out["deploy/monitoring/compose.monitoring.yml"])["services"]["node-exporter"]
    folder = next(c.split("=", 1)[1] for c in exporter["command"] if c.startswith("--collector.textfile.directory="))
    assert f"{folder}:{folder}:ro" in exporter["volumes"]

    backup = out["deploy/vm/backup.sh"]
    assert f'TEXTFILE_DIR="${{TEXTFILE_DIR:-{folder}}}"' in backup
    assert 'prom="$TEXTFILE_DIR/launchbay_backup.prom"' in backup
    assert f"printf '{name_}{{store=\"all\"}} %s\\n' \"$(date +%s)\"" in backup
    assert backup.index('>"$prom.tmp"') < backup.index('mv -f "$prom.tmp" "$prom"')  # atomic: write, then rename
    assert f"install -d -m 0755 -o root -g root {folder}" in out["deploy/vm/provision.sh"]
    assert f"`{folder}/launchbay_backup.prom`" in out["deploy/vm/README.md"]


@pytest.mark.validator
def test_the_backup_textfile_is_valid_exposition_format(tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 CLI not installed")
    script = tmp_path / "backup.sh"
    _executable(script, vm_kit("discord-bot")["deploy/vm/backup.sh"])
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "bot.db") as db:
        db.execute("create table t (x)")
    env = {**os.environ, "SQLITE_DIR": str(data), "BACKUP_DIR": str(tmp_path / "backups"),
           "TEXTFILE_DIR": str(tmp_path / "textfile")}
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "textfile" / "launchbay_backup.prom").read_text(encoding="utf-8")
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60,
                          check=False)
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr


# --- VM: secret files ----------------------------------------------------------------------------


def referenced_secret_files(out: dict[str, str]) -> set[str]:
    """Host paths of every secret file the monitoring configs read: Alertmanager's `*_file` fields and the
    containers' `*_FILE` variables, followed through compose.monitoring.yml's mounts and secrets."""
    compose = load(out["deploy/monitoring/compose.monitoring.yml"])
    host: set[str] = {str(s["file"]) for s in (compose.get("secrets") or {}).values()}

    def through(service: str, inside: str) -> str:
        svc = compose["services"][service]
        if inside.startswith("/run/secrets/"):
            name = inside.removeprefix("/run/secrets/")
            assert name in svc.get("secrets", []), (service, inside)
            return str(compose["secrets"][name]["file"])
        for volume in svc.get("volumes", []):
            src, dst = str(volume).split(":")[:2]
            if inside.startswith(dst + "/"):
                return src + inside[len(dst):]
        raise AssertionError(f"{service} cannot see {inside}: no mount")

    for inside in _walk(load(out["deploy/monitoring/alertmanager/alertmanager.yml"]), "_file"):
        host.add(through("alertmanager", inside))
    for name, svc in compose["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            if key.endswith("_FILE"):
                host.add(through(name, str(value)))
    return host


def _fake_store(bin_dir: Path) -> None:
    """sops, aws and vault that answer every secret with SECRET (and log nothing)."""
    for tool in ("sops", "aws", "vault"):
        _executable(bin_dir / tool, f"#!/usr/bin/env bash\nprintf '{SECRET}\\n'\n")


@pytest.mark.parametrize("name", sorted(VM))
def test_every_secret_file_the_monitoring_configs_read_is_written_by_render_env(name: str, tmp_path: Path) -> None:
    out = vm_kit(name)
    referenced = referenced_secret_files(out)
    lay = layout(vm_design(name))
    top = f"/run/{lay.project}/monitoring"
    assert referenced and all(p.startswith(f"{top}/") for p in referenced), referenced
    script = tmp_path / "render-env.sh"
    _executable(script, out["deploy/vm/render-env.sh"])
    _fake_store(tmp_path / "bin")
    app = tmp_path / "app"
    app.mkdir()
    (app / "environment.env").write_text(out["deploy/vm/environments/production.env"], encoding="utf-8")
    config = tmp_path / "etc" / "config"
    config.mkdir(parents=True)
    for svc in lay.services:  # every config value present: this test is about the secret files
        names = sorted(e.name for e in svc.plan.env if e.wiring == "config")
        (config / f"{svc.name}.env").write_text("".join(f"{n}=x\n" for n in names), encoding="utf-8")
    (tmp_path / "run" / "env").mkdir(parents=True)
    sandbox = tmp_path / "run" / "monitoring"
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "APP_DIR": str(app), "CONFIG_DIR": str(tmp_path / "etc"), "RUNTIME_DIR": str(tmp_path / "run" / "env"),
           "MONITORING_SECRETS_DIR": str(sandbox), "VAULT_ADDR": "http://127.0.0.1:1"}
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    for path in sorted(referenced):
        written = sandbox / path.removeprefix(f"{top}/")
        assert written.is_file(), f"{path} is read by the monitoring stack but render-env.sh does not write it"
        assert stat.S_IMODE(written.stat().st_mode) == 0o640 and written.read_text(encoding="utf-8") == SECRET
    extra = {p.relative_to(sandbox).as_posix() for p in sandbox.rglob("*") if p.is_file()}
    assert extra == {p.removeprefix(f"{top}/") for p in referenced}  # and nothing nobody reads


@pytest.mark.parametrize("variant", sorted(CHAIN_VARIANTS))
def test_the_chain_stack_gets_every_variable_its_compose_files_interpolate(variant: str) -> None:
    d = design("evm-dapp", **CHAIN_VARIANTS[variant])
    assert d.platform == "vm"
    out = kit(d, VmRenderer(), ChainsRenderer())
    composes = sorted(p for p in out if re.fullmatch(r"deploy/chains/compose[^/]*\.yml", p))
    assert composes
    needed = {m for p in composes for m in re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", out[p])}
    line = next((ln for ln in out["deploy/vm/render-env.sh"].splitlines() if ln.startswith("render chains ")), "")
    rendered = set(re.findall(r" secret ([A-Z0-9_]+)", line))
    assert needed == rendered, (variant, needed, rendered)
    stacks = next(ln for ln in out["deploy/vm/stacks.sh"].splitlines() if ln.startswith("STACKS=("))
    files = " ".join(p.removeprefix("deploy/chains/") for p in sorted(composes, key=lambda p: p != "deploy/chains/"
                                                                                                  "compose.yml"))
    assert f"'chains|deploy/chains|{files}|chains'" in stacks


# --- Kubernetes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def k8s_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("k8s")
    write_kit(render_kit(k8s_design(), {"helm": HelmRenderer(), "monitoring": MonitoringRenderer(),
                                        "chains": ChainsRenderer()}), root)
    return root


def _render(helm: str, root: Path, chart: str, values_file: str, namespace: str, extra: Path) -> Rendered:
    """`helm template` as the pipeline installs the chart: into the project's namespace."""
    name = chart.rsplit("/", 1)[-1]
    proc = run_tool([helm, "template", name, chart, "--namespace", namespace, "--values", values_file,
                     "--values", str(extra)], root, 120)
    assert proc.returncode == 0, proc.stderr
    out = Rendered(chart=chart, values_file=values_file)
    current = None
    for line in proc.stdout.splitlines():
        if line.startswith("# Source: "):
            current = line
            out.sources.setdefault(current, "")
        elif current is not None:
            out.sources[current] += line + "\n"
    return out


@pytest.mark.validator
def test_every_servicemonitor_and_probe_targets_a_service_the_charts_render(k8s_kit: Path, tmp_path: Path) -> None:
    helm = require_tool("helm")
    d = k8s_design()
    namespace = re.sub(r"[^a-z0-9]+", "-", d.project.lower()).strip("-")
    files = tuple(p.relative_to(k8s_kit).as_posix() for p in k8s_kit.rglob("*") if p.is_file())
    services: list[dict[str, Any]] = []
    ports: dict[str, set[int]] = {}
    for chart in charts(files):
        extra = write_deploy_values(tmp_path, chart)
        for values_file in env_files(files, chart):
            for _src, obj in documents(_render(helm, k8s_kit, chart, values_file, namespace, extra)):
                if obj.get("kind") == "Service":
                    services.append(obj)
                if obj.get("kind") in ("Deployment", "Rollout") and "template" in obj.get("spec", {}):
                    app = obj["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
                    for c in obj["spec"]["template"]["spec"]["containers"]:
                        ports.setdefault(app, set()).update(p["containerPort"] for p in c.get("ports", []))
    assert services
    monitors = list(yaml.safe_load_all((k8s_kit / "deploy/monitoring/kubernetes/servicemonitors.yaml").read_text()))
    in_project = [m for m in monitors if m["kind"] == "ServiceMonitor"
                  and m["spec"]["namespaceSelector"]["matchNames"] == [namespace]]
    chain_monitors = [m for m in in_project
                      if m["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/part-of") == "launchbay-chains"]
    app_monitors = [m for m in in_project if m not in chain_monitors]
    assert {m["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for m in app_monitors} == {"api", "indexer"}
    chain_services = [o for path in sorted((k8s_kit / "deploy/chains/kubernetes").rglob("*.yaml"))
                      for o in yaml.safe_load_all(path.read_text()) if o and o.get("kind") == "Service"]
    assert len(chain_monitors) == 3  # eRPC, Web3Signer, the chain exporter
    for mon in chain_monitors:
        wanted = mon["spec"]["selector"]["matchLabels"]
        assert any(s["metadata"].get("namespace", namespace) == namespace
                   and wanted.items() <= s["metadata"].get("labels", {}).items() for s in chain_services), \
            f"{mon['metadata']['name']} selects no chain Service"
    for mon in app_monitors:
        wanted = mon["spec"]["selector"]["matchLabels"]
        hits = [s for s in services if s["metadata"]["namespace"] in mon["spec"]["namespaceSelector"]["matchNames"]
                and wanted.items() <= s["metadata"]["labels"].items()]
        assert hits, f"{mon['metadata']['name']} selects no rendered Service"
        assert {s["metadata"]["name"] for s in hits} == {wanted["app.kubernetes.io/name"]}  # not the preview one
        for endpoint in mon["spec"]["endpoints"]:
            assert endpoint["targetPort"] in ports[wanted["app.kubernetes.io/name"]], endpoint
    for probe in (m for m in monitors if m["kind"] == "Probe" and m["spec"]["module"] == "http_2xx"):
        for target in probe["spec"]["targets"]["staticConfig"]["static"]:
            host, port = re.match(r"http://([^/:]+):(\d+)/", target).groups()  # type: ignore[union-attr]
            svc, ns = host.removesuffix(".svc").split(".")
            assert any(s["metadata"]["name"] == svc and s["metadata"]["namespace"] == ns
                       and any(p["port"] == int(port) for p in s["spec"]["ports"]) for s in services), target


def test_the_secrets_the_stack_mounts_are_synced_by_external_secrets(k8s_kit: Path) -> None:
    d = k8s_design()
    base = k8s_kit / "deploy/monitoring/kubernetes"
    values = load((base / "kube-prometheus-stack-values.yaml").read_text())
    (mounted,) = values["alertmanager"]["alertmanagerSpec"]["secrets"]
    admin = values["grafana"]["admin"]
    receiver_files = _walk(values["alertmanager"]["config"], "_file")
    assert receiver_files
    for env in d.environments:
        docs = {(o["kind"], o["metadata"]["name"]): o
                for o in yaml.safe_load_all((base / f"externalsecrets-{env}.yaml").read_text())}
        assert all(o["metadata"]["namespace"] == "monitoring" for o in docs.values())
        am = docs[("ExternalSecret", mounted)]["spec"]
        assert am["target"]["name"] == mounted
        keys = {x["secretKey"] for x in am["data"]}
        assert {f"/etc/alertmanager/secrets/{mounted}/{k}" for k in keys} == set(receiver_files)
        graf = docs[("ExternalSecret", admin["existingSecret"])]["spec"]
        assert graf["target"]["name"] == admin["existingSecret"]
        assert {admin["userKey"], admin["passwordKey"]} == set(graf["target"]["template"]["data"])
        remote = [x["remoteRef"]["key"] for s in (am, graf) for x in s["data"]]
        assert all(k.startswith(f"{d.project}/{env}/") for k in remote), remote
        store = docs[("SecretStore", am["secretStoreRef"]["name"])]["spec"]["provider"]["aws"]
        assert store["region"] == d.region and graf["secretStoreRef"] == am["secretStoreRef"]
        account = store["auth"]["jwt"]["serviceAccountRef"]["name"]
        assert ("ServiceAccount", account) in docs

        tf = kit(d, TerraformRenderer())
        main = tf[f"{TF}/envs/{env}/main.tf"]
        names = {k.rsplit("/", 1)[1] for k in remote}
        created = set(re.findall(r'^    "([A-Z0-9_]+)",$', main.split('module "secrets"', 1)[1].split("}", 1)[0],
                                 re.M))
        assert names <= created  # Terraform creates them (empty) beside the app's
        read = set(re.findall(r'secret_arns\["([A-Z0-9_]+)"\]', main.split("monitoring_secret_arns", 1)[1]
                              .split("]\n", 1)[0]))
        assert read == names
        assert "monitoring_irsa_role_arn" in tf[f"{TF}/envs/{env}/outputs.tf"]
        assert f'"system:serviceaccount:monitoring:{account}"' in tf[f"{TF}/modules/compute/main.tf"]


@pytest.mark.validator
def test_the_external_secrets_pass_the_crd_schemas(tmp_path: Path) -> None:
    require_tool("kubernetes-validate")
    require_tool("k8s-crd-validate")
    write_kit(render_kit(k8s_design(), {"monitoring": MonitoringRenderer()}), tmp_path)
    report = validate_kit(tmp_path, strict=True, validators={"kubernetes": KubernetesValidator()})
    (result,) = report.results
    assert result.status == "PASS" and not result.findings, result.findings
    assert "ExternalSecret" in result.summary and "SecretStore" in result.summary


# --- Terraform (EKS) -----------------------------------------------------------------------------


def _services_block(main: str) -> str:
    return main.split("  services = {", 1)[1].split("\n  }\n", 1)[0]


def test_a_signing_service_may_sign_with_its_own_kms_keys_only() -> None:
    d = k8s_design()
    assert d.blockchain is not None and d.blockchain.key_management == "cloud-kms"
    files = kit(d, TerraformRenderer())
    module = files[f"{TF}/modules/compute/main.tf"]
    policy = module.split('resource "aws_iam_role_policy" "service_signing"', 1)[1].split("\n}\n", 1)[0]
    assert '"kms:Sign"' in policy and '"kms:GetPublicKey"' in policy and "kms:*" not in policy
    assert len(re.findall(r"Resource\s+= each\.value\.signing_key_arns\n", policy)) == 2
    assert '"kms:SigningAlgorithm" = "ECDSA_SHA_256"' in policy
    assert 'output "signer_key_arns"' in files[f"{TF}/modules/kms/outputs.tf"]
    for env in d.environments:
        block = _services_block(files[f"{TF}/envs/{env}/main.tf"])
        keys = dict(re.findall(r"^    ([a-z0-9-]+) = \{\n(?:.*\n)*?      signing_key_arns += (\[.*\])", block, re.M))
        assert keys == {"api": '[module.kms.signer_key_arns["relayer"]]', "indexer": "[]", "web": "[]"}
    other = kit(design("evm-dapp", **K8S, blockchain=frozenset({("key_management", "hsm")})), TerraformRenderer())
    assert "signer_key_arns[" not in other[f"{TF}/envs/production/main.tf"]


def test_the_ebs_csi_driver_comes_with_whatever_keeps_volumes() -> None:
    d = k8s_design()
    module = kit(d, TerraformRenderer())[f"{TF}/modules/compute/main.tf"]
    assert 'addon_name                  = "aws-ebs-csi-driver"' in module
    assert "service_account_role_arn    = aws_iam_role.ebs_csi.arn" in module
    assert "system:serviceaccount:kube-system:ebs-csi-controller-sa" in module
    assert volume_reasons(d) == ("Prometheus keeps its data on a volume (kube-prometheus-stack storageSpec)",)
    api = next(s for s in d.services if s.component == "apps/api")
    store = DataStore(name="uploads", engine="efs", role="file", used_by=(api.name,),
                      sizes={e: StoreSize(instance_class=None, storage_gb=10, multi_az=False, max_connections=None,
                                          needed_connections=None) for e in d.environments})
    with_files = d.model_copy(update={"data_stores": (*d.data_stores, store)})
    assert volume_reasons(with_files)[0] == "`api` keeps a file store"
    assert volume_reasons(vm_design("evm-dapp")) == ()  # no cluster, no driver
    assert "aws-ebs-csi-driver" not in "".join(kit(design("evm-dapp"), TerraformRenderer()).values())


def test_the_node_group_leaves_room_for_a_blue_green_rollout() -> None:
    d = k8s_design()
    files = kit(d, TerraformRenderer())
    module = files[f"{TF}/modules/compute/main.tf"]
    assert "max_size     = var.node_max_count" in module and "ignore_changes = [scaling_config[0].desired_size]" \
        in module
    readme = files[f"{TF}/modules/compute/README.md"]
    prices = {i.name: i for i in load_prices("aws").instances(d.region, "ec2")}
    for env in d.environments:
        main = files[f"{TF}/envs/{env}/main.tf"]
        count = int(re.search(r"node_count +\= (\d+)", main).group(1))  # type: ignore[union-attr]
        itype = re.search(r'node_instance_type += "([^"]+)"', main).group(1)  # type: ignore[union-attr]
        sizes = [s.sizes[env] for s in d.services if s.target == "kubernetes"]
        cpu = 2 * sum((z.vcpu * z.replicas_max for z in sizes), Decimal(0))
        mem = 2 * sum((Decimal(z.memory_mib * z.replicas_max) / 1024 for z in sizes), Decimal(0))
        node = prices[itype]
        expected = max(count, math.ceil(cpu / (node.vcpu * NODE_FILL)), math.ceil(mem / (node.memory_gib * NODE_FILL)))
        assert re.search(rf"node_max_count += {expected}\n", main), (env, expected)
        assert expected >= count
        row = next(ln for ln in readme.splitlines() if ln.startswith(f"| {env} |"))
        assert row.startswith(f"| {env} | {count} | {itype} ") and row.endswith(f"| **{expected}** |")
    production = next(ln for ln in readme.splitlines() if ln.startswith("| production |"))
    assert int(production.rsplit("**", 2)[1]) > int(production.split("|")[2])  # peak replicas need more nodes
