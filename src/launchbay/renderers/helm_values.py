"""The values of each service's chart, computed from the Design: what every environment shares
(`values.yaml`) and what differs per environment (`values-<env>.yaml`: sizes, host, secret path,
VPC range, promotion).

Names follow the other renderers so the chart addresses what they create: the service key and the
resource prefix of Terraform (IRSA role `<prefix>-<key>-irsa`, secrets `<project>/<env>/<NAME>`,
namespace = project slug), the pipeline's migration command and release name (= the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from launchbay.models.design import Design, ServicePlan, ServiceSize
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.ci_plan import service_ci
from launchbay.renderers.dockerfile_common import APP_UID, DATA_DIR

CHART_VERSION = "1.0.0"
KUBE_VERSION = ">= 1.29.0-0"
# Kinds that must run as exactly one copy (one writer, one gateway session): replaced, never doubled.
SINGLETON_KINDS = frozenset({"bot", "indexer", "cron"})
STORE_PORTS = {"postgres": 5432, "mysql": 3306, "redis": 6379, "mongodb": 27017}
STRATEGIES = {"blue-green": "blueGreen", "canary": "canary"}
INGRESS_CLASS = "nginx"
INGRESS_NAMESPACE = "ingress-nginx"
CLUSTER_ISSUER = "letsencrypt-production"
MONITORING_NAMESPACE = "monitoring"
PROMETHEUS = f"http://prometheus-operated.{MONITORING_NAMESPACE}.svc:9090"
CPU_TARGET_PERCENT = 70
CANARY_STEPS: tuple[dict[str, Any], ...] = (
    {"setWeight": 10}, {"pause": {"duration": "5m"}},
    {"setWeight": 25}, {"pause": {"duration": "5m"}},
    {"setWeight": 50}, {"pause": {"duration": "10m"}},
)


@dataclass(frozen=True)
class Skip:
    """A scanner check deliberately not met, with the reason shown in the chart README."""

    scanner: str
    check: str
    reason: str


@dataclass(frozen=True)
class Flow:
    """One network flow the service's policy opens, and why the design needs it."""

    direction: str
    peer: str
    ports: str
    reason: str


@dataclass(frozen=True)
class ChartPlan:
    """One service's chart: its key (= chart name, release name and service account) and plan."""

    design: Design
    key: str
    plan: ServicePlan
    migration: str | None

    @property
    def path(self) -> str:
        return f"deploy/helm/{self.key}"

    @property
    def namespace(self) -> str:
        return facts.slug(self.design.project)

    @property
    def singleton(self) -> bool:
        return self.plan.kind in SINGLETON_KINDS and all(z.replicas_max == 1 for z in self.plan.sizes.values())

    @property
    def strategy(self) -> str:
        """none (a Deployment), blueGreen or canary (an Argo Rollout); a singleton is never doubled."""
        if self.singleton:
            return "none"
        return STRATEGIES.get(self.design.cicd.get("strategy", "rolling"), "none")

    @property
    def ingress(self) -> bool:
        """Public through an Ingress when it serves HTTP and the design names a domain to host it on."""
        return self.plan.port is not None and bool(self.design.network.get("domain"))

    @property
    def analysis(self) -> bool:
        """A canary is judged by the SLO's error budget, measured at the ingress."""
        return self.strategy == "canary" and self.ingress and self.design.slo.error_budget is not None

    def gateway(self) -> dict[str, str]:
        """RPC variables the in-cluster eRPC gateway serves: its URL, a plain value (never an ExternalSecret key)."""
        from launchbay.renderers import chain_services  # the chain renderers import this module (cycle)

        return chain_services.service_gateway_env(self.design, self.plan)

    def signer_urls(self, env: str) -> dict[str, str]:
        """Web3Signer URL per chain of `env`, for a service that used a raw signing key."""
        from launchbay.renderers import chain_services

        return chain_services.signer_env(self.design, env, self.plan)

    def secrets(self) -> tuple[str, ...]:
        return tuple(sorted({e.name for e in self.plan.env if e.wiring == "secret"} - self.gateway().keys()))

    def config(self) -> dict[str, str]:
        """Plain values by name: the port and the chain services' URLs are known; the rest are the operator's
        (empty until set). Signer URLs differ per environment: values-<env>.yaml sets them."""
        names = {e.name for e in self.plan.env if e.wiring == "config"}
        values = {n: str(self.plan.port) if n == "PORT" and self.plan.port is not None else "" for n in names}
        values.update(self.gateway())
        for env in self.design.environments:
            values.update({n: "" for n in self.signer_urls(env)})
        return dict(sorted(values.items()))

    def chain_egress(self) -> list[dict[str, Any]]:
        """The in-cluster chain services this service calls: pod labels and ports (NetworkPolicy egress)."""
        from launchbay.renderers import chain_services
        from launchbay.renderers.chains import k8s as chain_k8s
        from launchbay.renderers.signing import WEB3SIGNER_PORT

        out: list[dict[str, Any]] = []
        if self.gateway():
            out.append({"podLabels": chain_k8s.selector(chain_services.GATEWAY),
                        "ports": [chain_services.gateway_port()]})
        if any(self.signer_urls(env) for env in self.design.environments):
            out.append({"podLabels": chain_k8s.component_selector(chain_services.SIGNER_COMPONENT),
                        "ports": [WEB3SIGNER_PORT]})
        return out

    def file_store_gb(self, env: str) -> int | None:
        """Disk of the service's file store (SQLite) in `env`, when it keeps one."""
        sizes = [s.sizes[env].storage_gb for s in self.design.data_stores
                 if s.role == "file" and self.plan.name in s.used_by and env in s.sizes]
        return max(sizes) if sizes else None

    def store_ports(self) -> tuple[int, ...]:
        ports = {STORE_PORTS[s.engine] for s in self.design.data_stores
                 if self.plan.name in s.used_by and s.engine in STORE_PORTS
                 and any(z.instance_class for z in s.sizes.values())}
        return tuple(sorted(ports))

    def https_reasons(self) -> tuple[str, ...]:
        """Why the service needs HTTPS egress (RPC providers, KMS signing, a hosted APM), if it does."""
        names = {e.name for e in self.plan.env}
        chain = self.design.blockchain
        out = []
        direct = names & set(chain.rpc_env) - self.gateway().keys() if chain is not None else set()
        if chain is not None and direct:  # RPC the in-cluster gateway serves stays inside the cluster
            providers = ", ".join(chain.rpc_providers) or "RPC providers"
            out.append(f"RPC endpoints ({providers}) read from {', '.join(sorted(direct))}")
        if chain is not None and chain.key_management == "cloud-kms" and names & set(chain.signing_keys):
            out.append("AWS KMS signing API (cloud-kms key management)")
        apm = self.design.monitoring.apm
        if apm and apm not in {"none", "self-hosted"}:
            out.append(f"error tracking ({apm})")
        return tuple(out)

    def host(self, env: str) -> str | None:
        dom = facts.domain(self.design)
        if dom is None or dom.name is None or self.plan.port is None:
            return None
        default = facts.default_service(facts.services(self.design, {"kubernetes"}))
        base = dom.host(env, facts.production_env(self.design))
        return base if default is not None and default.key == self.key else f"{self.key}.{base}"

    def flows(self) -> tuple[Flow, ...]:
        out: list[Flow] = []
        if self.plan.port is not None:
            out.append(Flow("in", f"namespace {INGRESS_NAMESPACE} (ingress controller)", f"{self.plan.port}/TCP",
                            "public traffic through the Ingress"))
            out.append(Flow("in", f"namespace {MONITORING_NAMESPACE} (Prometheus)", f"{self.plan.port}/TCP",
                            "metrics scraping"))
        out.append(Flow("out", "kube-system/kube-dns", "53/UDP, 53/TCP", "name resolution"))
        for peer in self.chain_egress():
            name = peer["podLabels"].get("app.kubernetes.io/name") or peer["podLabels"].get(
                "app.kubernetes.io/component", "")
            why = "JSON-RPC through the eRPC gateway" if name == "erpc" else "transaction signing by Web3Signer"
            out.append(Flow("out", f"pods `{name}` of this namespace", ", ".join(f"{p}/TCP" for p in peer["ports"]),
                            why))
        if self.store_ports():
            stores = ", ".join(s.name for s in self.design.data_stores if self.plan.name in s.used_by)
            out.append(Flow("out", "the VPC range (managed data stores)",
                            ", ".join(f"{p}/TCP" for p in self.store_ports()), f"data stores: {stores}"))
        for reason in self.https_reasons():
            out.append(Flow("out", "outside the VPC", "443/TCP", reason))
        return tuple(out)

    def skips(self) -> tuple[Skip, ...]:
        out = [
            Skip("checkov", "CKV_K8S_43", "CI deploys an immutable tag of an IMMUTABLE ECR repository; set "
                 "image.digest to pin by digest as well"),
            Skip("checkov", "CKV_K8S_35", "the application reads secrets from env vars; External Secrets syncs "
                 "them into a Secret, the chart never holds a value"),
        ]
        if self.plan.port is None:
            out.append(Skip("checkov", "CKV_K8S_8", "no port: the process exits on failure and Kubernetes "
                            "restarts it; an HTTP probe has nothing to call"))
            out.append(Skip("checkov", "CKV_K8S_9", "no port: the service takes no traffic to gate"))
        return tuple(out)


def chart_plans(design: Design) -> tuple[ChartPlan, ...]:
    """Every service the design runs on Kubernetes, keyed as Terraform and the pipelines key it."""
    migrations = {s.plan.component: s.migration for s in service_ci(design)}
    return tuple(ChartPlan(design=design, key=s.key, plan=s.plan, migration=migrations.get(s.plan.component))
                 for s in facts.services(design, {"kubernetes"}))


def cpu(vcpu: Decimal) -> str:
    return f"{int(vcpu * 1000)}m"


def resources(size: ServiceSize) -> dict[str, Any]:
    """Requests equal limits (Guaranteed QoS): the pod gets exactly the size the plan priced."""
    amount = {"cpu": cpu(size.vcpu), "memory": f"{size.memory_mib}Mi"}
    return {"requests": dict(amount), "limits": dict(amount)}


def vpc_cidr(design: Design, env: str) -> str:
    """The environment's VPC range: Terraform's default `var.vpc_cidr` (change both together)."""
    return f"10.{10 * (design.environments.index(env) + 1)}.0.0/16"


def shared_values(chart: ChartPlan) -> dict[str, Any]:
    """values.yaml: everything that is the same in every environment."""
    design, plan = chart.design, chart.plan
    budget = design.slo.error_budget
    values: dict[str, Any] = {
        "partOf": facts.slug(design.project),
        "component": plan.kind,
        "image": {"pullPolicy": "Always", "digest": ""},
        "port": plan.port,
        "updateStrategy": "Recreate" if chart.singleton else "RollingUpdate",
        "terminationGracePeriodSeconds": 30,
        "tmpSizeLimit": "256Mi",
        "securityContext": {"runAsUser": APP_UID, "runAsGroup": APP_UID},
        "autoscaling": {"targetCPUUtilizationPercentage": CPU_TARGET_PERCENT},
        "probes": {"path": plan.health_path or "/", "periodSeconds": 10, "timeoutSeconds": 3,
                   "failureThreshold": 3, "startupFailureThreshold": 30},
        "rollout": {
            "strategy": chart.strategy,
            "autoPromotionEnabled": True,
            "scaleDownDelaySeconds": 30,
            "steps": [dict(step) for step in CANARY_STEPS],
            "analysis": {"enabled": chart.analysis, "maxErrorRatio": format(budget.normalize(), "f") if budget
                         else "0", "prometheusAddress": PROMETHEUS, "window": "2m", "interval": "1m",
                         "failureLimit": 1},
        },
        "ingress": {"enabled": chart.ingress, "className": INGRESS_CLASS, "clusterIssuer": CLUSTER_ISSUER},
        "serviceAccount": {"name": chart.key},
        "externalSecrets": {"region": design.region, "refreshInterval": "1h", "keys": list(chart.secrets())},
        "config": chart.config(),
        "migration": {"enabled": chart.migration is not None,
                      "command": ["/bin/sh", "-c", chart.migration] if chart.migration else [],
                      "backoffLimit": 1, "activeDeadlineSeconds": 900},
        "networkPolicy": {"ingressControllerNamespace": INGRESS_NAMESPACE,
                          "monitoringNamespace": MONITORING_NAMESPACE, "dnsNamespace": "kube-system",
                          "dataStorePorts": list(chart.store_ports()), "httpsEgress": bool(chart.https_reasons()),
                          "chainEgress": chart.chain_egress()},
        "podDisruptionBudget": {"maxUnavailable": 1},
        "persistence": {"enabled": any(chart.file_store_gb(env) is not None for env in design.environments),
                        "mountPath": DATA_DIR, "storageClassName": ""},
        "scannerSkips": {"checkov": [{"id": s.check, "reason": s.reason} for s in chart.skips()
                                     if s.scanner == "checkov"]},
    }
    return values


def env_values(chart: ChartPlan, env: str) -> dict[str, Any]:
    """values-<env>.yaml: the environment's sizes (from the Design), host, secret path and VPC range."""
    design = chart.design
    size = chart.plan.sizes[env]
    values: dict[str, Any] = {
        "environment": env,
        "replicaCount": size.replicas_min,
        "autoscaling": {"enabled": size.replicas_max > size.replicas_min, "minReplicas": size.replicas_min,
                        "maxReplicas": size.replicas_max},
        "resources": resources(size),
        "serviceAccount": {"roleName": f"{facts.prefix(design, env)}-{chart.key}-irsa"},
        "externalSecrets": {"pathPrefix": f"{facts.slug(design.project)}/{env}"},
        "networkPolicy": {"vpcCidr": vpc_cidr(design, env)},
    }
    if signer_urls := chart.signer_urls(env):
        values["config"] = signer_urls
    disk = chart.file_store_gb(env)
    if disk is not None:
        values["persistence"] = {"size": f"{max(disk, 1)}Gi"}
    host = chart.host(env)
    if host is not None and chart.ingress:
        values["ingress"] = {"host": host}
    if chart.strategy == "blueGreen":
        # Production waits for a person to promote the new colour (`kubectl argo rollouts promote`).
        values["rollout"] = {"autoPromotionEnabled": env != facts.production_env(design)}
    return values
