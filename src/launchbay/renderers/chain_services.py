"""The chain services that run beside the app — the eRPC gateway, one Web3Signer per chain of an
environment, the chain exporter — on the platforms where the kit runs them (ECS Fargate through the
Terraform module `chain_services`, Kubernetes through `deploy/chains/kubernetes/`), and how the app
reaches them.

Which tasks run, and their sizes, come from the plan's own rule (`planning.costing.chain_tasks`), so the
tasks Terraform runs are the tasks the plan priced; this module only drops one the kit has no
configuration for (no gateway network, no signer config), which a test holds to never happen.

App wiring: an app's RPC variable whose chain the gateway serves stops being a secret (a provider URL
with its key) and becomes the gateway's in-platform URL, a plain value (`gateway_env`); a service that
used a raw signing key gets the Web3Signer URL of each chain of its environment (`signer_env`).
"""

from __future__ import annotations

from dataclasses import dataclass

from launchbay.models.design import Design, ServicePlan
from launchbay.planning.costing import CHAIN_TASK_SIZES, ChainTask, chain_tasks
from launchbay.renderers.chain_exporter import EXPORTER_JOB, EXPORTER_PORT, exporter_enabled, reference_var, sources
from launchbay.renderers.chains.facts import ChainFacts, chain_facts
from launchbay.renderers.signing import (
    WEB3SIGNER_IMAGE,
    WEB3SIGNER_METRICS_PORT,
    WEB3SIGNER_PORT,
    chains_for,
    signer_host,
    signer_url,
    signers,
    web3signer,
)

PLATFORMS = frozenset({"containers", "kubernetes"})
GATEWAY = "erpc"
SIGNER_COMPONENT = "signer"  # the app.kubernetes.io/component label of every Web3Signer pod
EXPORTER = EXPORTER_JOB  # chain-exporter: the ECS service, Deployment and scrape job share the name


@dataclass(frozen=True)
class Task:
    """One chain service in one environment: what runs, how big, on which ports."""

    name: str  # ECS service / Deployment / Service Connect discovery name (= the host apps call)
    kind: str  # erpc | web3signer | chain-exporter
    count: int
    vcpu_units: int  # Fargate CPU units (1024 = 1 vCPU)
    memory_mib: int
    port: int | None  # the port clients call (None: nothing calls it)
    metrics_port: int
    chain: str | None = None

    @property
    def scrape_job(self) -> str:
        return {"erpc": GATEWAY, "web3signer": "web3signer"}.get(self.kind, EXPORTER)


def gateway_port() -> int:
    from launchbay.renderers.chains.pins import pins

    return pins().proxy.http_port


def _runs_here(design: Design) -> bool:
    if design.blockchain is None or design.platform not in PLATFORMS:
        return False
    # ECS services exist only through Terraform, which the kit writes for AWS.
    return design.platform != "containers" or design.cloud == "aws"


def _facts(design: Design) -> ChainFacts | None:
    return chain_facts(design) if _runs_here(design) else None


def gateway(design: Design) -> bool:
    """The kit runs the eRPC gateway beside the app (a servable EVM network exists)."""
    facts = _facts(design)
    return facts is not None and bool(facts.proxy.networks)


def runtime_signer(design: Design) -> bool:
    return any(s.runtime for s in signers(design))


def tasks(design: Design, env: str) -> tuple[Task, ...]:
    """The chain services of `env`, as the plan priced them (planning.costing.chain_tasks)."""
    facts = _facts(design)
    if facts is None:
        return ()
    priced: tuple[ChainTask, ...] = chain_tasks(design.blockchain, env, design.environments, cloud=design.cloud,
                                                runtime_signer=runtime_signer(design))
    out: list[Task] = []
    for t in priced:
        if t.kind == "erpc" and not facts.proxy.networks:
            continue
        if t.kind == "web3signer" and not web3signer(design):
            continue
        if t.kind == "chain-exporter" and not exporter_enabled(design):
            continue
        vcpu, memory = CHAIN_TASK_SIZES[t.kind]
        port, metrics = {"erpc": (facts.proxy.http_port, facts.proxy.metrics_port),
                         "web3signer": (WEB3SIGNER_PORT, WEB3SIGNER_METRICS_PORT)}.get(t.kind, (None, EXPORTER_PORT))
        out.append(Task(name=t.name, kind=t.kind, count=t.count, vcpu_units=int(vcpu * 1024), memory_mib=memory,
                        port=port, metrics_port=metrics, chain=t.chain))
    return tuple(out)


def all_tasks(design: Design) -> dict[str, tuple[Task, ...]]:
    return {env: tasks(design, env) for env in design.environments}


def gateway_env(design: Design) -> dict[str, str]:
    """App RPC variable → the gateway URL of its chain, for every variable whose chain the gateway serves."""
    facts = _facts(design)
    if facts is None or not facts.proxy.networks:
        return {}
    served = {n.chain for n in facts.proxy.networks}
    return {a.env: a.url for a in facts.app_rpc if a.url is not None and a.chain in served}


def service_gateway_env(design: Design, plan: ServicePlan) -> dict[str, str]:
    """The gateway-served RPC variables this service reads (plain values now, never secrets)."""
    served = gateway_env(design)
    return {e.name: served[e.name] for e in plan.env if e.name in served}


def signer_env(design: Design, env: str, plan: ServicePlan) -> dict[str, str]:
    """`<SIGNER>_SIGNER_URL[_<CHAIN>]` → Web3Signer URL, for the runtime signers this service used a raw key for."""
    if not any(t.kind == "web3signer" for t in tasks(design, env)):
        return {}
    chains = chains_for(design, env)
    out: dict[str, str] = {}
    for signer in signers(design):
        if plan.name in signer.services:
            out.update({signer.signer_url_var(c, len(chains) > 1): signer_url(c) for c in chains})
    return out


def signer_task_hosts(design: Design, env: str) -> tuple[str, ...]:
    return tuple(signer_host(c) for c in chains_for(design, env) if any(
        t.kind == "web3signer" and t.chain == c.name for t in tasks(design, env)))


def provider_key_names(design: Design) -> tuple[str, ...]:
    """Secrets the gateway reads (provider API keys), when it runs here."""
    facts = _facts(design)
    if facts is None or not facts.proxy.networks:
        return ()
    return tuple(sorted({s.env for s in facts.secrets if s.used_by == GATEWAY}))


def exporter_env(design: Design, env: str) -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """The exporter's (plain values, secret names, operator-set names) in `env`: app RPC variables point at
    the gateway (or, for a chain it does not serve, are secrets), reference URLs are secrets (they may carry
    a provider key), own-node URLs, wallet addresses and minimum balances are set by the operator."""
    served = gateway_env(design)
    plain: dict[str, str] = {}
    secret: set[str] = set()
    operator: set[str] = set()
    for chain in chains_for(design, env):
        for src in sources(design, chain):
            if src.name == "app":
                if src.url_env in served:
                    plain[src.url_env] = served[src.url_env]
                else:
                    secret.add(src.url_env)
            elif src.name == "reference":
                secret.add(reference_var(chain))
            else:
                operator.add(src.url_env)
    for signer in signers(design):
        if signer.runtime:
            operator.update({signer.address_var, signer.min_balance_var})
    return plain, tuple(sorted(secret)), tuple(sorted(operator))


def chain_secret_names(design: Design, env: str) -> tuple[str, ...]:
    """Every secret the chain services of `env` read from the store (names only)."""
    if not any(t.kind == "chain-exporter" for t in tasks(design, env)):
        return provider_key_names(design) if tasks(design, env) else ()
    return tuple(sorted({*provider_key_names(design), *exporter_env(design, env)[1]}))


def image(task: Task) -> str | None:
    """The pinned image of a task (None: the exporter, built from deploy/chains/exporter into the registry)."""
    if task.kind == "erpc":
        from launchbay.renderers.chains.pins import pins

        return pins().proxy.image.ref
    return WEB3SIGNER_IMAGE if task.kind == "web3signer" else None


# ───────────────────────── metrics: what Prometheus scrapes of the chain services ─────────────────────────

@dataclass(frozen=True)
class Scrape:
    """One chain service Prometheus scrapes: its job label, and how to find it on the platform."""

    job: str
    port: int
    selector: dict[str, str]  # Kubernetes: labels of its Service(s) (port name `metrics`)
    address: str | None = None  # VM: host:port on the network Prometheus shares with it


def scrapes(design: Design) -> tuple[Scrape, ...]:
    """The chain services the kit runs on this platform with a metrics port (their alerts' data source)."""
    from launchbay.renderers.chains import k8s

    if design.platform == "vm":
        facts = chain_facts(design)
        if facts is None or not facts.proxy.networks:
            return ()
        port = facts.proxy.metrics_port
        return (Scrape(GATEWAY, port, {}, f"{facts.proxy.service_host}:{port}"),)
    if design.platform != "kubernetes":
        return ()
    kinds = {t.kind: t for env in design.environments for t in tasks(design, env)}
    out: list[Scrape] = []
    if "erpc" in kinds:
        out.append(Scrape(GATEWAY, kinds["erpc"].metrics_port, k8s.selector(GATEWAY)))
    if "web3signer" in kinds:
        out.append(Scrape("web3signer", kinds["web3signer"].metrics_port, k8s.component_selector(SIGNER_COMPONENT)))
    if "chain-exporter" in kinds:
        out.append(Scrape(EXPORTER, kinds["chain-exporter"].metrics_port, k8s.selector(EXPORTER)))
    return tuple(out)
