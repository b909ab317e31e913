"""What the EKS compute module needs beyond the plan's node count, from the Design alone: the node
group's ceiling (room for a blue-green rollout), the storage driver when something keeps volumes, the
signing keys each service's IRSA role may use, and the secrets the stacks beside the app read.

The node ceiling: while Argo Rollouts runs a blue-green switch, the preview ReplicaSet runs beside the
active one at full size, so an environment briefly needs twice its pods. At peak replicas that is
2 × Σ(vCPU × replicas_max) and 2 × Σ(memory × replicas_max); nodes are filled to the planner's
NODE_FILL, the rest left for system pods and daemonsets, as the plan's own node count assumes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design
from launchbay.pricing import load_prices
from launchbay.renderers import monitoring, monitoring_k8s_secrets, vm_stacks
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.chains.facts import chain_facts
from launchbay.renderers.monitoring_facts import NAMESPACE_MONITORING
from launchbay.renderers.monitoring_facts import facts as monitoring_facts
from launchbay.renderers.signing import kms_signers
from launchbay.targets.kubernetes import NODE_FILL

BLUE_GREEN_FACTOR = 2


@dataclass(frozen=True)
class NodeSizing:
    """One environment's node group: the plan's count and the ceiling a blue-green rollout needs."""

    env: str
    instance_type: str
    node_vcpu: Decimal
    node_memory_gib: Decimal
    count: int
    peak_vcpu: Decimal  # Σ vCPU × replicas_max of the environment's services
    peak_memory_gib: Decimal

    @property
    def usable_vcpu(self) -> Decimal:
        return self.node_vcpu * NODE_FILL

    @property
    def usable_memory_gib(self) -> Decimal:
        return self.node_memory_gib * NODE_FILL

    @property
    def rollout_nodes(self) -> int:
        cpu = BLUE_GREEN_FACTOR * self.peak_vcpu / self.usable_vcpu
        mem = BLUE_GREEN_FACTOR * self.peak_memory_gib / self.usable_memory_gib
        return max(math.ceil(cpu), math.ceil(mem), 1)

    @property
    def max_size(self) -> int:
        return max(self.count, self.rollout_nodes)


def node_sizing(design: Design, env: str) -> NodeSizing | None:
    nodes = facts.eks_nodes(design, env)
    if nodes is None:
        return None
    inst = next((i for i in load_prices("aws").instances(design.region, "ec2") if i.name == nodes.instance_type),
                None)
    if inst is None:
        raise LaunchbayError(f"no vCPU / memory figures for {nodes.instance_type} in {design.region}",
                             hint="the price table must list the node instance type the plan chose")
    svcs = facts.services(design, {"kubernetes"})
    sizes = [s.plan.sizes[env] for s in svcs if env in s.plan.sizes]
    cpu = sum((z.vcpu * z.replicas_max for z in sizes), Decimal(0))
    mem = sum((Decimal(z.memory_mib * z.replicas_max) / 1024 for z in sizes), Decimal(0))
    return NodeSizing(env=env, instance_type=inst.name, node_vcpu=inst.vcpu, node_memory_gib=inst.memory_gib,
                      count=nodes.count, peak_vcpu=cpu, peak_memory_gib=mem)


def volume_reasons(design: Design) -> tuple[str, ...]:
    """Why the cluster needs the EBS CSI driver (PersistentVolumeClaims bind only through it on EKS)."""
    out: list[str] = []
    for svc in facts.services(design, {"kubernetes"}):
        if any(s.role == "file" and svc.plan.name in s.used_by for s in design.data_stores):
            out.append(f"`{svc.key}` keeps a file store")
    chain = chain_facts(design)
    if chain is not None and design.platform == "kubernetes" and chain.nodes:
        out.append("own chain nodes keep their data on volumes (" + ", ".join(p.pair for p in chain.nodes) + ")")
    if design.platform == "kubernetes" and monitoring.applies(design):
        out.append("Prometheus keeps its data on a volume (kube-prometheus-stack storageSpec)")
    return tuple(out)


def signing_keys(design: Design) -> dict[str, tuple[str, ...]]:
    """Service key → the KMS signers it signs with (cloud-kms designs whose services read a raw key)."""
    out: dict[str, tuple[str, ...]] = {}
    signers = kms_signers(design)
    for svc in facts.services(design, {design.platform}):
        names = tuple(s.name for s in signers if svc.plan.name in s.services)
        if names:
            out[svc.key] = names
    return out


def monitoring_secret_names(design: Design) -> tuple[str, ...]:
    """Secrets the monitoring stack reads from Secrets Manager on EKS (through External Secrets)."""
    if design.platform != "kubernetes" or not monitoring.applies(design):
        return ()
    return monitoring_k8s_secrets.store_names(monitoring_facts(design))


def monitoring_subject(design: Design) -> str:
    """The service account External Secrets uses in namespace monitoring ("" when EKS reads no such secret)."""
    if not monitoring_secret_names(design):
        return ""
    return f"system:serviceaccount:{NAMESPACE_MONITORING}:{monitoring_k8s_secrets.SERVICE_ACCOUNT}"


def stack_secret_names(design: Design) -> tuple[str, ...]:
    """Secrets the things beside the app read from the same store: the monitoring stack (VM and EKS) and
    the VM's chain stack. Terraform creates them with the app's (empty; operators set the values)."""
    if design.platform == "vm":
        return vm_stacks.store_names(design)
    return monitoring_secret_names(design)


def readme_section(design: Design) -> str:
    """The node group figures for the compute module's README, per environment."""
    rows = [z for z in (node_sizing(design, e) for e in design.environments) if z is not None]
    if not rows:
        return ""
    fill = int(NODE_FILL * 100)
    lines = [
        "## Node group size",
        "",
        f"`min_size` and `desired_size` are the plan's node count. `max_size` leaves room for a blue-green rollout: "
        f"while the preview pods run beside the active ones an environment needs {BLUE_GREEN_FACTOR} × its pods' "
        f"vCPU and memory at peak replicas, on nodes filled to {fill} % (the rest is for system pods and "
        "daemonsets, as the plan assumes). Growing towards `max_size` needs a node autoscaler (Cluster "
        "Autoscaler or Karpenter; managed node groups carry its discovery tags); Terraform ignores "
        "`desired_size` after creation so it does not undo one.",
        "",
        f"| environment | nodes (plan) | instance | peak pods: vCPU / memory | × {BLUE_GREEN_FACTOR}, on nodes of "
        "| max_size |",
        "|---|---|---|---|---|---|",
    ]
    for z in rows:
        lines.append(
            f"| {z.env} | {z.count} | {z.instance_type} ({_n(z.node_vcpu)} vCPU, {_n(z.node_memory_gib)} GiB) | "
            f"{_n(z.peak_vcpu)} vCPU / {_n(z.peak_memory_gib)} GiB | "
            f"{_n(BLUE_GREEN_FACTOR * z.peak_vcpu)} vCPU / {_n(BLUE_GREEN_FACTOR * z.peak_memory_gib)} GiB, "
            f"{_n(z.usable_vcpu)} vCPU / {_n(z.usable_memory_gib)} GiB usable each | **{z.max_size}** |")
    reasons = volume_reasons(design)
    if reasons:
        lines += ["", "The `aws-ebs-csi-driver` add-on (with its own IRSA role) is installed because "
                  + "; ".join(reasons) + "."]
    if signing_keys(design):
        lines += ["", "Signing: " + "; ".join(f"`{k}` may `kms:Sign` (ECDSA_SHA_256) and `kms:GetPublicKey` with "
                                             + ", ".join(f"`{n}`" for n in v) + " only"
                                             for k, v in signing_keys(design).items()) + "."]
    return "\n".join(lines) + "\n"


def _n(value: Decimal) -> str:
    """A figure as written in the README: exact, no exponent, at most two decimals."""
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return text
