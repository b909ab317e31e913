"""Web3Signer, the chain exporter and the chain services' secrets on Kubernetes, one folder per environment
(`deploy/chains/kubernetes/<environment>/`): the signer keys, the chains and the secret paths differ per
environment, and each environment's cluster applies only its own folder.

- `web3signer.yaml`: per chain of the environment a ConfigMap (the same config and key files as
  deploy/chains/web3signer/<environment>/), a Deployment and a Service named `web3signer-<chain>` (the host
  its allow-list accepts), and a NetworkPolicy; the service account `web3signer` signs through its IRSA role
  (Terraform `chain_irsa_role_arns`), which may only kms:Sign and kms:GetPublicKey the signer keys;
- `chain-exporter.yaml`: the stdlib exporter run by the pinned Python image from a ConfigMap holding the
  program and the environment's config (no image to build), its Service and NetworkPolicy;
- `secrets.yaml`: the service account `chain-secrets`, a SecretStore, and ExternalSecrets for the gateway's
  provider keys (`erpc-provider-keys`, which erpc.yaml reads) and the exporter's secret URLs.

Which of them exist is decided from the Design without the chain facts (this module is asked while those are
being built); their contents use the finished facts.
"""

from __future__ import annotations

import json
from typing import Any

from launchbay.models.design import Design
from launchbay.renderers.chains import k8s
from launchbay.renderers.chains.facts import ChainFacts
from launchbay.renderers.chains.yamlout import dump_all

ROOT = "deploy/chains/kubernetes"
SIGNER_ACCOUNT = "web3signer"
SECRETS_ACCOUNT = "chain-secrets"
STORE = "launchbay-chains"
PROVIDER_KEYS = "erpc-provider-keys"  # the Secret rpc_proxy.k8s_manifest reads
EXPORTER_SECRET = "chain-exporter"
EXPORTER_SETTINGS = "chain-exporter-settings"  # operator-made ConfigMap: wallet addresses, minimum balances
SIGNER_UID = 10001  # Web3Signer's files are world-readable; a fixed high uid satisfies restricted pods
ESO_API = "external-secrets.io/v1"
CONFIG_DIR = "/etc/web3signer"
TMP_LIMIT = "256Mi"


def _signer_envs(design: Design) -> list[str]:
    from launchbay.renderers.signing import chains_for, signers, web3signer

    if design.platform != "kubernetes" or not web3signer(design) or not any(s.runtime for s in signers(design)):
        return []
    return [e for e in design.environments if chains_for(design, e)]


def _exporter_envs(design: Design) -> list[str]:
    from launchbay.renderers.chain_exporter import exporter_enabled
    from launchbay.renderers.signing import chains_for

    if design.platform != "kubernetes" or not exporter_enabled(design):
        return []
    return [e for e in design.environments if chains_for(design, e)]


def planned(design: Design, facts: ChainFacts) -> list[str]:
    """The per-environment files for this Design (Kubernetes only)."""
    out: list[str] = []
    keys = bool(facts.proxy.networks) and any(s.used_by == "erpc" for s in facts.secrets)
    for env in design.environments:
        if env in _signer_envs(design):
            out.append(f"{ROOT}/{env}/web3signer.yaml")
        if env in _exporter_envs(design):
            out.append(f"{ROOT}/{env}/chain-exporter.yaml")
        if keys or env in _exporter_envs(design):
            out.append(f"{ROOT}/{env}/secrets.yaml")
    return out


def render(design: Design, path: str) -> str:
    env, name = path.removeprefix(f"{ROOT}/").split("/", 1)
    return {"web3signer.yaml": _web3signer, "chain-exporter.yaml": _exporter, "secrets.yaml": _secrets}[name](
        design, env)


# ───────────────────────────── shared ─────────────────────────────

def _resources(vcpu_units: int, memory_mib: int) -> dict[str, Any]:
    """Requests equal limits: the pod gets the size the plan priced for the task."""
    amount = {"cpu": f"{vcpu_units * 1000 // 1024}m", "memory": f"{memory_mib}Mi"}
    return {"requests": dict(amount), "limits": dict(amount)}


def _account(design: Design, name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": k8s.meta(design, name, "chain-services"),
            "automountServiceAccountToken": False}


def _annotate_hint(design: Design, env: str, account: str) -> str:
    """Short commands (the header wraps long lines): read the role from Terraform, annotate the account."""
    return (f"  cd deploy/terraform/envs/{env}\n"
            f"  role=$(terraform output -json chain_irsa_role_arns | jq -r '.[\"{account}\"]')\n"
            f"  kubectl -n {k8s.namespace(design)} annotate serviceaccount {account} "
            "eks.amazonaws.com/role-arn=\"$role\"")


def _egress_out(gateway: bool, port: int) -> list[dict[str, Any]]:
    egress = [k8s.DNS]
    if gateway:
        egress.append(k8s.to_pods(k8s.selector("erpc"), [port]))
    # HTTPS outside the cluster: AWS KMS / STS for the signer, reference RPC endpoints for the exporter
    egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443, "protocol": "TCP"}]})
    return egress


def _probe(path: str, port: str, delay: int = 0, host: str | None = None) -> dict[str, Any]:
    get: dict[str, Any] = {"path": path, "port": port}
    if host:
        get["httpHeaders"] = [{"name": "Host", "value": host}]
    probe: dict[str, Any] = {"httpGet": get, "periodSeconds": 15, "timeoutSeconds": 5, "failureThreshold": 4}
    if delay:
        probe["initialDelaySeconds"] = delay
    return probe


def _deployment(design: Design, name: str, component: str, replicas: int, container: dict[str, Any],
                volumes: list[dict[str, Any]], account: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"automountServiceAccountToken": False}
    if account:
        spec["serviceAccountName"] = account
    spec.update({"securityContext": k8s.pod_security(SIGNER_UID), "terminationGracePeriodSeconds": 30,
                 "containers": [container], "volumes": volumes})
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": k8s.meta(design, name, component),
            "spec": {"replicas": replicas, "selector": {"matchLabels": k8s.selector(name)},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                     "template": {"metadata": {"labels": k8s.labels(name, component)}, "spec": spec}}}


def _service(design: Design, name: str, component: str, ports: list[tuple[str, int]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": k8s.meta(design, name, component),
            "spec": {"type": "ClusterIP", "selector": k8s.selector(name),
                     "ports": [{"name": n, "port": p, "targetPort": n, "protocol": "TCP"} for n, p in ports]}}


# ───────────────────────────── Web3Signer ─────────────────────────────

def _web3signer(design: Design, env: str) -> str:
    from launchbay.renderers import chain_services as cs
    from launchbay.renderers.signing import WEB3SIGNER_IMAGE, chains_for, eth1_files, signer_host

    gateway = cs.gateway(design)
    by_chain = {t.chain: t for t in cs.tasks(design, env) if t.kind == "web3signer"}
    docs: list[dict[str, Any]] = [_account(design, SIGNER_ACCOUNT)]
    for chain in chains_for(design, env):
        task = by_chain.get(chain.name)
        if task is None or task.port is None:
            continue
        name = signer_host(chain)
        files = eth1_files(design, env, chain)
        keys = {path.replace("/", "-"): text for path, text in files.items()}
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": k8s.meta(design, name, cs.SIGNER_COMPONENT),
                     "data": keys})
        container = {
            "name": "web3signer", "image": WEB3SIGNER_IMAGE, "imagePullPolicy": "Always",
            "args": [f"--config-file={CONFIG_DIR}/config.yaml", "eth1"],
            "ports": [{"name": "http", "containerPort": task.port, "protocol": "TCP"},
                      {"name": "metrics", "containerPort": task.metrics_port, "protocol": "TCP"}],
            # Its allow-list admits only its own name and localhost: the kubelet's probes say localhost.
            "readinessProbe": _probe("/upcheck", "http", host="localhost"),
            "livenessProbe": _probe("/upcheck", "http", delay=60, host="localhost"),
            "resources": _resources(task.vcpu_units, task.memory_mib),
            "securityContext": k8s.container_security(SIGNER_UID),
            "volumeMounts": [{"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
                             {"name": "tmp", "mountPath": "/tmp"}],
        }
        volumes = [{"name": "config", "configMap": {"name": name, "items": [
                       {"key": key, "path": path} for path, key in ((p, p.replace("/", "-")) for p in files)]}},
                   {"name": "tmp", "emptyDir": {"sizeLimit": TMP_LIMIT}}]
        docs.append(_deployment(design, name, cs.SIGNER_COMPONENT, task.count, container, volumes, SIGNER_ACCOUNT))
        docs.append(_service(design, name, cs.SIGNER_COMPONENT, [("http", task.port), ("metrics", task.metrics_port)]))
        docs.append(k8s.network_policy(design, name, cs.SIGNER_COMPONENT, k8s.selector(name),
                                       [k8s.from_pods(None, [task.port]), k8s.from_monitoring([task.metrics_port])],
                                       _egress_out(gateway, cs.gateway_port())))
    header = (f"Web3Signer in {env} ({WEB3SIGNER_IMAGE}): apps call http://web3signer-<chain>:9000; it signs with the "
              f"KMS signer keys as service account {SIGNER_ACCOUNT} and forwards every other call to the gateway.\n"
              f"Give the service account its IRSA role first (Terraform output chain_irsa_role_arns):\n"
              + _annotate_hint(design, env, SIGNER_ACCOUNT))
    return dump_all(docs, header)


# ───────────────────────────── chain exporter ─────────────────────────────

def _exporter(design: Design, env: str) -> str:
    from launchbay.renderers import chain_services as cs
    from launchbay.renderers.chain_exporter import EXPORTER_PORT, IMAGE, config, program

    task = next(t for t in cs.tasks(design, env) if t.kind == "chain-exporter")
    plain, secret, operator = cs.exporter_env(design, env)
    name = cs.EXPORTER
    settings = f"{env}.json"
    data = {"chain_exporter.py": program(), settings: json.dumps(config(design, env), indent=2, sort_keys=True) + "\n"}
    env_vars: list[dict[str, Any]] = [{"name": "CHAIN_EXPORTER_CONFIG", "value": f"/app/{settings}"},
                                      {"name": "PYTHONDONTWRITEBYTECODE", "value": "1"},
                                      {"name": "PYTHONUNBUFFERED", "value": "1"}]
    env_vars += [{"name": k, "value": v} for k, v in sorted(plain.items())]
    env_vars += [{"name": k, "valueFrom": {"secretKeyRef": {"name": EXPORTER_SECRET, "key": k, "optional": True}}}
                 for k in secret]
    env_vars += [{"name": k, "valueFrom": {"configMapKeyRef": {"name": EXPORTER_SETTINGS, "key": k, "optional": True}}}
                 for k in operator]
    container = {
        "name": name, "image": IMAGE, "imagePullPolicy": "Always",
        "command": ["python", "/app/chain_exporter.py"], "env": env_vars,
        "ports": [{"name": "metrics", "containerPort": EXPORTER_PORT, "protocol": "TCP"}],
        "readinessProbe": _probe("/healthz", "metrics"),
        "livenessProbe": _probe("/healthz", "metrics", delay=30),
        "resources": _resources(task.vcpu_units, task.memory_mib),
        "securityContext": k8s.container_security(SIGNER_UID),
        "volumeMounts": [{"name": "program", "mountPath": "/app", "readOnly": True}],
    }
    volumes = [{"name": "program", "configMap": {"name": name}}]
    docs = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": k8s.meta(design, name, "chain-exporter"), "data": data},
        _deployment(design, name, "chain-exporter", task.count, container, volumes, None),
        _service(design, name, "chain-exporter", [("metrics", EXPORTER_PORT)]),
        k8s.network_policy(design, name, "chain-exporter", k8s.selector(name), [k8s.from_monitoring([EXPORTER_PORT])],
                           _egress_out(cs.gateway(design), cs.gateway_port())),
    ]
    header = (f"Chain exporter in {env} ({IMAGE}, the program and config from the ConfigMap): metrics on port "
              f"{EXPORTER_PORT} for the chain alerts.")
    if operator:
        header += (f"\nSet {', '.join(operator)} (not secrets) in ConfigMap {EXPORTER_SETTINGS}:\n  kubectl -n "
                   f"{k8s.namespace(design)} create configmap {EXPORTER_SETTINGS} \\\n"
                   + " \\\n".join(f"    --from-literal={n}=<value>" for n in operator))
    return dump_all(docs, header)


# ───────────────────────────── secrets ─────────────────────────────

def _secrets(design: Design, env: str) -> str:
    from launchbay.renderers import chain_services as cs
    from launchbay.renderers.terraform_facts import slug

    prefix = f"{slug(design.project)}/{env}"

    def external(name: str, keys: tuple[str, ...]) -> dict[str, Any]:
        return {"apiVersion": ESO_API, "kind": "ExternalSecret", "metadata": k8s.meta(design, name, "chain-services"),
                "spec": {"refreshInterval": "1h", "secretStoreRef": {"kind": "SecretStore", "name": STORE},
                         "target": {"name": name, "creationPolicy": "Owner"},
                         "data": [{"secretKey": k, "remoteRef": {"key": f"{prefix}/{k}"}} for k in keys]}}

    docs: list[dict[str, Any]] = [
        _account(design, SECRETS_ACCOUNT),
        {"apiVersion": ESO_API, "kind": "SecretStore", "metadata": k8s.meta(design, STORE, "chain-services"),
         "spec": {"provider": {"aws": {"service": "SecretsManager", "region": design.region,
                                       "auth": {"jwt": {"serviceAccountRef": {"name": SECRETS_ACCOUNT}}}}}}},
    ]
    if keys := cs.provider_key_names(design):
        docs.append(external(PROVIDER_KEYS, keys))
    if any(t.kind == "chain-exporter" for t in cs.tasks(design, env)) and (secret := cs.exporter_env(design, env)[1]):
        docs.append(external(EXPORTER_SECRET, secret))
    header = (f"The chain services' secrets in {env}, synced by External Secrets from {prefix}/<NAME> as service "
              f"account {SECRETS_ACCOUNT} (its IRSA role reads only these):\n"
              + _annotate_hint(design, env, SECRETS_ACCOUNT))
    return dump_all(docs, header)
