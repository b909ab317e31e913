"""The Secrets the kube-prometheus-stack values reference, synced from the secret store by External
Secrets, one file per environment (`deploy/monitoring/kubernetes/externalsecrets-<env>.yaml`, since each
environment's cluster reads its own `<project>/<env>/<NAME>` secrets):

- `launchbay-alertmanager`: one key per receiver secret file (`alertmanagerSpec.secrets` mounts it where
  the receivers' `*_file` fields point);
- `launchbay-grafana-admin`: `admin-user` and `admin-password` (`grafana.admin.existingSecret`).

They authenticate through a namespaced SecretStore as the service account `launchbay-monitoring-secrets`,
whose IAM role (Terraform output `monitoring_irsa_role_arn`) may read only these secrets.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_alertmanager import SECRET_NAME, secret_files
from launchbay.renderers.monitoring_facts import NAMESPACE_MONITORING, Facts
from launchbay.renderers.monitoring_rules import MONITORING_DIR, dump_yaml
from launchbay.renderers.terraform_facts import slug

GRAFANA_ADMIN_SECRET = "launchbay-grafana-admin"
GRAFANA_ADMIN_USER = "admin"
GRAFANA_PASSWORD_NAME = "GRAFANA_ADMIN_PASSWORD"  # its name in the secret store (the VM reads the same name)
SERVICE_ACCOUNT = "launchbay-monitoring-secrets"
STORE = "launchbay-monitoring"
ROLE_OUTPUT = "monitoring_irsa_role_arn"  # the Terraform output naming the service account's IAM role
ROLE_KEY = "monitoring"  # that role is `<prefix>-monitoring-irsa` (services' roles are `<prefix>-<key>-irsa`)
REFRESH = "1h"
ESO_API = "external-secrets.io/v1"
BASE = f"{MONITORING_DIR}/kubernetes"


def applies(design: Design) -> bool:
    return design.platform == "kubernetes" and design.cloud == "aws"


def store_names(f: Facts) -> tuple[str, ...]:
    """Every secret the monitoring stack reads on Kubernetes, by its name in the secret store."""
    if not applies(f.design):
        return ()
    return tuple(sorted({*(s.store_name for s in secret_files(f)), GRAFANA_PASSWORD_NAME}))


def _meta(name: str) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE_MONITORING, "labels": {"app.kubernetes.io/managed-by": "launchbay",
                                                                       "app.kubernetes.io/part-of": "monitoring"}}


def _key(f: Facts, env: str, name: str) -> str:
    return f"{slug(f.design.project)}/{env}/{name}"


def _external_secret(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    body = {"refreshInterval": REFRESH, "secretStoreRef": {"kind": "SecretStore", "name": STORE}, **spec}
    return {"apiVersion": ESO_API, "kind": "ExternalSecret", "metadata": _meta(name), "spec": body}


def documents(f: Facts, env: str) -> list[dict[str, Any]]:
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(SERVICE_ACCOUNT),
               "automountServiceAccountToken": False}
    store = {"apiVersion": ESO_API, "kind": "SecretStore", "metadata": _meta(STORE), "spec": {"provider": {"aws": {
        "service": "SecretsManager", "region": f.design.region,
        "auth": {"jwt": {"serviceAccountRef": {"name": SERVICE_ACCOUNT}}}}}}}
    receivers = secret_files(f)
    alertmanager: dict[str, Any] = {"target": {"name": SECRET_NAME, "creationPolicy": "Owner"}}
    if receivers:
        alertmanager["data"] = [{"secretKey": s.key, "remoteRef": {"key": _key(f, env, s.store_name)}}
                                for s in receivers]
    else:  # no receiver reads a secret: the Secret Alertmanager mounts still has to exist
        alertmanager["target"]["template"] = {"data": {"README": "no receiver of this design reads a secret"}}
    grafana = {
        "target": {"name": GRAFANA_ADMIN_SECRET, "creationPolicy": "Owner", "template": {
            "engineVersion": "v2",
            "data": {"admin-user": GRAFANA_ADMIN_USER, "admin-password": "{{ .password }}"}}},
        "data": [{"secretKey": "password", "remoteRef": {"key": _key(f, env, GRAFANA_PASSWORD_NAME)}}],
    }
    return [account, store, _external_secret(SECRET_NAME, alertmanager),
            _external_secret(GRAFANA_ADMIN_SECRET, grafana)]


def doc_context(f: Facts) -> dict[str, Any] | None:
    """What monitoring.md says about these files (None: not generated for this Design)."""
    if not applies(f.design):
        return None
    return {"file": path("<environment>"), "store": STORE, "account": SERVICE_ACCOUNT, "output": ROLE_OUTPUT,
            "names": store_names(f), "prefix": _key(f, "<environment>", "<NAME>")}


def path(env: str) -> str:
    return f"{BASE}/externalsecrets-{env}.yaml"


def secret_files_k8s(f: Facts) -> list[KitFile]:
    if not applies(f.design):
        return []
    return [KitFile(path=path(env), content="".join("---\n" + dump_yaml(d) for d in documents(f, env)))
            for env in f.design.environments]
