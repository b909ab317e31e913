"""The `chain_services` module call of an environment root: on ECS the gateway, Web3Signer and the chain
exporter as Fargate services (sizes and counts from the plan, configuration files read from the kit with
`file()`, secrets by ARN); on EKS the IRSA roles of their service accounts. Plus what the app services
need to reach them (the Service Connect namespace, the plain RPC and signer URLs)."""

from __future__ import annotations

from launchbay.models.design import Design
from launchbay.renderers import chain_services as cs
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.chain_exporter import EXPORTER_DIR, EXPORTER_PORT
from launchbay.renderers.chains import layout as chains_layout
from launchbay.renderers.chains.facts import chain_facts
from launchbay.renderers.chains.pins import pins
from launchbay.renderers.chains.rpc_proxy import CONFIG_MOUNT
from launchbay.renderers.signing import KEYS_MOUNT, WEB3SIGNER_DIR, WEB3SIGNER_PORT, signers
from launchbay.renderers.terraform_hcl import HclValue, Raw, quote
from launchbay.renderers.terraform_layout import Layout, Module, Root, Variable, ref, secret_ref, secrets_key

MODULE = "chain_services"
KIT = "${path.module}/../../.."  # an environment root is deploy/terraform/envs/<env>: the kit's deploy/ folder
WEB3SIGNER_CONFIG = KEYS_MOUNT.rsplit("/", 1)[0]  # /etc/web3signer: config.yaml beside keys/
CONFIG_VAR = "chain_config"
TAG_VAR = "chain_exporter_image_tag"
SCRAPERS_VAR = "metrics_scraper_security_group_ids"
SIGNER_ACCOUNT = "web3signer"  # the Kubernetes service account of every Web3Signer of an environment
SECRETS_ACCOUNT = "chain-secrets"  # the one External Secrets uses for the chain services' secrets


def applies(design: Design, lay: Layout) -> bool:
    """The module exists when some environment runs chain services the kit can wire on this platform."""
    if lay.platform == "containers":
        return bool(lay.services) and any(cs.all_tasks(design).values())
    if lay.platform == "kubernetes":
        return bool(lay.services) and any(k8s_accounts(design, e) for e in design.environments)
    return False


def flags(lay: Layout) -> dict[str, str]:
    return {"platform": lay.platform}


def _file(path: str) -> Raw:
    """The path of a kit file as the module reads it (`file()` runs in the module, at plan time)."""
    return Raw(f'"{KIT}/{path.removeprefix("deploy/")}"')


def _operator(name: str) -> Raw:
    return Raw(f"var.{CONFIG_VAR}[{quote(name)}]")


def _service(design: Design, env: str, task: cs.Task) -> dict[str, HclValue]:
    gateway = cs.gateway(design)
    entry: dict[str, HclValue] = {}
    if task.kind != "chain-exporter":
        entry["image"] = cs.image(task)
    entry.update({"cpu": task.vcpu_units, "memory": task.memory_mib, "desired_count": task.count})
    if task.port is not None:
        entry["port"] = task.port
    entry["metrics_port"] = task.metrics_port
    if task.kind == "erpc":
        facts_ = chain_facts(design)
        assert facts_ is not None
        nodes = [p for p in facts_.nodes] if design.platform == "containers" else []
        entry.update({
            "command": ["--config", f"{CONFIG_MOUNT}/erpc.yaml", "--require-config"], "config_mount": CONFIG_MOUNT,
            "files": {"erpc.yaml": _file(chains_layout.ERPC_CONFIG)},
        })
        if nodes:  # own node pairs on their node host: the gateway reads their URLs and may reach their port
            node_vars = [f"{chains_layout.env_name(p.pair)}_NODE_RPC_URL" for p in nodes]
            entry["environment"] = {n: _operator(n) for n in node_vars}
            entry["vpc_egress_ports"] = sorted({p.clients[0].ports["rpc"] for p in nodes})
        if keys := cs.provider_key_names(design):
            entry["secrets"] = {n: secret_ref(n) for n in keys}
        entry["user"] = f"{pins().proxy.uid}:{pins().proxy.uid}"
    elif task.kind == "web3signer":
        files: dict[str, HclValue] = {"config.yaml": _file(f"{WEB3SIGNER_DIR}/{env}/config-{task.chain}.yaml")}
        files.update({f"keys/{s.name}.yaml": _file(f"{WEB3SIGNER_DIR}/{env}/keys/{s.name}.yaml")
                      for s in signers(design) if s.runtime})
        entry.update({
            "command": [f"--config-file={WEB3SIGNER_CONFIG}/config.yaml", "eth1"], "config_mount": WEB3SIGNER_CONFIG,
            "files": files, "writable_paths": ["/tmp"], "signs": True, "calls": ["erpc"] if gateway else [],
            "health_command": ["CMD-SHELL", f"curl -fsS http://127.0.0.1:{WEB3SIGNER_PORT}/upcheck || exit 1"],
        })
    else:
        plain, secret, operator = cs.exporter_env(design, env)
        environment: dict[str, HclValue] = {"CHAIN_EXPORTER_CONFIG": f"/app/config/{env}.json", **plain}
        environment.update({n: _operator(n) for n in operator})
        entry.update({
            "command": ["python", "/app/chain_exporter.py"], "environment": environment,
            "secrets": {n: secret_ref(n) for n in secret}, "calls": ["erpc"] if gateway else [],
            "health_command": ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen("
                               f"'http://127.0.0.1:{EXPORTER_PORT}/healthz', timeout=4)"],
        })
    return entry


def operator_names(design: Design) -> tuple[str, ...]:
    """Plain values of the chain services only operators know (own node host URLs, wallet addresses)."""
    names: set[str] = set()
    for env in design.environments:
        for task in cs.tasks(design, env):
            entry = _service(design, env, task)
            env_map = entry.get("environment")
            if isinstance(env_map, dict):
                names.update(k for k, v in env_map.items() if isinstance(v, Raw) and v.expr.startswith("var."))
    return tuple(sorted(names))


def wire(design: Design, env: str, lay: Layout, root: Root) -> None:
    """The module call of `env` (and its root variables, outputs), when this environment runs chain services."""
    if not applies(design, lay):
        return
    if lay.platform == "kubernetes":
        _wire_k8s(design, env, lay, root)
        return
    tasks = cs.tasks(design, env)
    if not tasks:
        return
    signer_keys = [Raw(f"module.kms.signer_key_arns[{quote(s.name)}]") for s in signers(design) if s.runtime]
    args: dict[str, HclValue] = {
        "source": f"../../modules/{MODULE}", "name": root.name, "cluster_arn": ref("module.compute.cluster_arn"),
        "vpc_id": ref("module.network.vpc_id"), "vpc_cidr": ref("var.vpc_cidr"),
        "private_subnet_ids": ref("module.network.private_subnet_ids"),
        "app_security_group_id": ref("module.network.app_security_group_id"),
        "kms_key_arn": ref("module.kms.key_arn"), "secrets_kms_key_arn": secrets_key(lay),
        "log_retention_days": facts.log_retention(design), "config_image": pins().busybox.ref,
    }
    if any(t.kind == "web3signer" for t in tasks):
        args["signer_key_arns"] = signer_keys
    if any(t.kind == "chain-exporter" for t in tasks):
        args["image_tag"] = ref(f"var.{TAG_VAR}")
        root.variables.append(Variable(TAG_VAR, f"Image tag of the chain exporter built from {EXPORTER_DIR} "
                                       "(an immutable version such as the git SHA).", "string", example="0123abc"))
    args["scraper_security_group_ids"] = ref(f"var.{SCRAPERS_VAR}")
    root.variables.append(Variable(SCRAPERS_VAR, "Security groups of the Prometheus scrapers (e.g. an ADOT "
                                   "collector) allowed to the chain services' metrics ports.", "list(string)", [],
                                   True, example=[]))
    args["services"] = {t.name: _service(design, env, t) for t in tasks}
    root.modules.append(Module(MODULE, args, comment="Chain services beside the services (ECS Service Connect "
                                                     "names erpc and web3signer-<chain>); sizes from the plan."))
    names = operator_names(design)
    if names and not any(v.name == CONFIG_VAR for v in root.variables):
        inner = "\n".join(f"  {n.ljust(max(len(x) for x in names))} = string" for n in names)
        root.variables.append(Variable(CONFIG_VAR, "Plain values of the chain services only operators know: "
                                       "hot-wallet addresses and minimum balances (wei), own node host URLs.",
                                       "object({\n" + inner + "\n})", example={n: "" for n in names}))
    root.outputs.append(("chain_service_names", "ECS service per chain service.", f"module.{MODULE}.service_names"))
    if any(t.kind == "chain-exporter" for t in tasks):
        root.outputs.append(("chain_repository_urls", "ECR repository of the chain exporter image.",
                             f"module.{MODULE}.repository_urls"))


def k8s_accounts(design: Design, env: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Service account → (secret names it reads, signs) for the chain services on EKS in `env`."""
    tasks = cs.tasks(design, env)
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    if secrets := cs.chain_secret_names(design, env):
        out[SECRETS_ACCOUNT] = (secrets, False)
    if any(t.kind == "web3signer" for t in tasks):
        out[SIGNER_ACCOUNT] = ((), True)
    return out


def _wire_k8s(design: Design, env: str, lay: Layout, root: Root) -> None:
    accounts = k8s_accounts(design, env)
    if not accounts or not any(m.name == "compute" for m in root.modules):
        return
    args: dict[str, HclValue] = {
        "source": f"../../modules/{MODULE}", "name": root.name,
        "oidc_provider_arn": ref("module.compute.oidc_provider_arn"), "namespace": facts.slug(design.project),
        "secrets_kms_key_arn": secrets_key(lay),
    }
    if any(signs for _s, signs in accounts.values()):
        args["signer_key_arns"] = [Raw(f"module.kms.signer_key_arns[{quote(s.name)}]")
                                   for s in signers(design) if s.runtime]
    args["service_accounts"] = {name: {**({"secret_arns": [secret_ref(n) for n in names]} if names else {}),
                                       **({"signs": True} if signs else {})}
                                for name, (names, signs) in accounts.items()}
    root.modules.append(Module(MODULE, args, comment="IRSA roles of the chain services' service accounts "
                                                     "(deploy/chains/kubernetes/<environment>/)."))
    root.outputs.append(("chain_irsa_role_arns", "IAM role per chain service account.",
                         f"module.{MODULE}.irsa_role_arns"))


def root_secrets(design: Design, env: str, lay: Layout) -> list[str]:
    """The secrets module's names in `env`: the layout's, without chain secrets only other environments read
    (a reference URL of a chain this environment does not use)."""
    every = {n for e in design.environments for n in cs.chain_secret_names(design, e)}
    unused = every - set(cs.chain_secret_names(design, env)) - set(facts.secret_names(lay.services))
    return [n for n in lay.secrets if n not in unused]
