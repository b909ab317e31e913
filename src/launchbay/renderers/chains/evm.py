"""Own Ethereum nodes: one execution + consensus pair per network, as a Kubernetes StatefulSet (both
clients and a sync gate in one pod: the Engine API stays on the pod's loopback) or as compose services
(the consensus client joins the execution client's network namespace for the same reason).

Per pair: its own JWT secret created at deploy time from /dev/urandom on a volume only that pair mounts
(never a shared default, never in the kit); persistent volumes of exactly the Design's disk_gb (already
headroomed by the planner); memory requests of the Design's memory_gb; checkpoint sync for the
consensus client; readiness that fails while either client is syncing.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.renderers.chains import k8s, layout
from launchbay.renderers.chains.facts import NodePairFacts
from launchbay.renderers.chains.pins import ClientPin, pins
from launchbay.renderers.chains.scripts import JWT_INIT, NODE_READY
from launchbay.renderers.chains.yamlout import dump_all

SCRIPTS_CONFIGMAP = "chain-node-scripts"
# CPU is not in the sourced figures: requests are launchbay defaults, limits leave room for sync bursts.
CPU = {"execution": ("2", "4"), "consensus": ("1", "2")}
GATE_RESOURCES = k8s.resources("10m", "100m", "16Mi", "32Mi")
SHUTDOWN_GRACE_S = 300  # clients flush their databases on SIGTERM; killing them early risks a resync


def _values(pair: NodePairFacts, pin: ClientPin, engine_port: int) -> dict[str, str | int]:
    ports = pin.ports
    return {"datadir": pin.data, "network": pins().networks[pair.chain].flags[pin.id], "jwt": layout.JWT_PATH,
            "rpc_port": ports.get("rpc", 0), "engine_port": ports.get("engine", 0), "p2p_port": ports["p2p"],
            "metrics_port": ports["metrics"], "api_port": ports.get("api", 0),
            "engine_url": f"http://127.0.0.1:{engine_port}", "checkpoint_url": pair.checkpoint_sync_url}


def _argv(pair: NodePairFacts, layer: str) -> tuple[ClientPin, list[str], str]:
    execution, consensus = layout.pair_pins(pair)
    pin = execution if layer == "execution" else consensus
    client = next(c for c in pair.clients if c.layer == layer)
    return pin, pin.argv(client.mode, **_values(pair, pin, execution.ports["engine"])), client.volume


def _checkpoint(pair: NodePairFacts) -> tuple[ClientPin, list[str]]:
    execution, consensus = layout.pair_pins(pair)
    return consensus, consensus.checkpoint_argv(**_values(pair, consensus, execution.ports["engine"]))


def _ready_env(pair: NodePairFacts) -> list[dict[str, str]]:
    execution, consensus = layout.pair_pins(pair)
    return [{"name": "EL_URL", "value": f"http://127.0.0.1:{execution.ports['rpc']}"},
            {"name": "CL_URL", "value": f"http://127.0.0.1:{consensus.ports['api']}"}]


# ───────────────────────────── Kubernetes ─────────────────────────────

def _client_container(pair: NodePairFacts, layer: str) -> dict[str, Any]:
    pin, args, _volume = _argv(pair, layer)
    client = next(c for c in pair.clients if c.layer == layer)
    cpu, cpu_limit = CPU[layer]
    memory = k8s.gi(client.memory_gb)
    ports = [{"name": _port_name(layer, n), "containerPort": p, "protocol": "TCP"}
             for n, p in pin.ports.items() if n != "engine"]
    ports += [{"name": _port_name(layer, "p2p-udp"), "containerPort": pin.ports["p2p"], "protocol": "UDP"}]
    mounts = [{"name": f"{layer}-data", "mountPath": pin.data},
              {"name": "jwt", "mountPath": layout.JWT_DIR, "readOnly": True}]
    mounts += [{"name": f"{layer}-scratch-{i}", "mountPath": path} for i, path in enumerate(pin.writable)]
    mounts.append({"name": "tmp", "mountPath": "/tmp"})
    probe_port = "rpc" if layer == "execution" else "api"
    container: dict[str, Any] = {"name": layer, "image": pin.image.ref, "imagePullPolicy": "Always"}
    if pin.command:
        container["command"] = list(pin.command)
    container.update({
        "args": args,
        "ports": ports,
        # Alive/ready here = its API answers; synced = the sync gate's readiness (a syncing node is alive, not ready).
        "readinessProbe": {"tcpSocket": {"port": _port_name(layer, probe_port)}, "periodSeconds": 15,
                           "timeoutSeconds": 5, "failureThreshold": 3},
        "livenessProbe": {"tcpSocket": {"port": _port_name(layer, probe_port)}, "initialDelaySeconds": 120,
                          "periodSeconds": 30, "timeoutSeconds": 5, "failureThreshold": 10},
        "resources": k8s.resources(cpu, cpu_limit, memory),
        "securityContext": k8s.container_security(layout.NODE_UID),
        "volumeMounts": mounts,
    })
    return container


def _port_name(layer: str, name: str) -> str:
    prefix = "el" if layer == "execution" else "cl"
    return f"{prefix}-{name}"[:15]


def _gate() -> dict[str, Any]:
    return {
        "name": "sync-gate", "image": pins().busybox.ref, "imagePullPolicy": "Always",
        "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"],
        "readinessProbe": {"exec": {"command": ["sh", "/scripts/node-ready.sh"]}, "initialDelaySeconds": 30,
                           "periodSeconds": 30, "timeoutSeconds": 15, "failureThreshold": 2},
        "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 60},
        "resources": GATE_RESOURCES,
        "securityContext": k8s.container_security(layout.NODE_UID),
        "volumeMounts": [{"name": "scripts", "mountPath": "/scripts", "readOnly": True}],
    }


def statefulset(design: Design, pair: NodePairFacts) -> str:
    name = f"{pair.pair}-node"
    gate = _gate()
    gate["env"] = _ready_env(pair)
    jwt_init = {
        "name": "jwt-init", "image": pins().busybox.ref, "imagePullPolicy": "Always",
        "command": ["sh", "/scripts/jwt-init.sh"],
        "env": [{"name": "JWT_DIR", "value": layout.JWT_DIR}],
        "resources": GATE_RESOURCES,
        "securityContext": k8s.container_security(layout.NODE_UID),
        "volumeMounts": [{"name": "jwt", "mountPath": layout.JWT_DIR},
                         {"name": "scripts", "mountPath": "/scripts", "readOnly": True}],
    }
    init = [jwt_init]
    consensus_pin, checkpoint = _checkpoint(pair)
    if checkpoint:
        init.append({
            "name": "checkpoint-sync", "image": consensus_pin.image.ref, "imagePullPolicy": "Always",
            **({"command": list(consensus_pin.command)} if consensus_pin.command else {}),
            "args": checkpoint,
            "resources": k8s.resources(CPU["consensus"][0], CPU["consensus"][1],
                                       k8s.gi(next(c.memory_gb for c in pair.clients if c.layer == "consensus"))),
            "securityContext": k8s.container_security(layout.NODE_UID),
            "volumeMounts": [{"name": "consensus-data", "mountPath": consensus_pin.data},
                             {"name": "tmp", "mountPath": "/tmp"}],
        })
    volumes: list[dict[str, Any]] = [
        # Memory-backed and private to this pod: the pair's secret never reaches a disk, a Secret object or the kit.
        {"name": "jwt", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
        {"name": "scripts", "configMap": {"name": SCRIPTS_CONFIGMAP, "defaultMode": 0o555}},
        {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}},
    ]
    for layer in layout.PAIR_LAYERS:
        pin = layout.pair_pins(pair)[0 if layer == "execution" else 1]
        volumes += [{"name": f"{layer}-scratch-{i}", "emptyDir": {"sizeLimit": "2Gi"}}
                    for i, _ in enumerate(pin.writable)]
    claims = [{
        "metadata": {"name": f"{c.layer}-data", "labels": k8s.labels(name, c.layer)},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": k8s.gi(c.disk_gb)}}},
    } for c in pair.clients]
    execution, consensus = layout.pair_pins(pair)
    sts = {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": k8s.meta(design, name, "chain-node"),
        "spec": {
            "serviceName": f"{name}-headless",
            "replicas": 1,
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate"},
            "selector": {"matchLabels": k8s.selector(name)},
            "template": {
                "metadata": {"labels": k8s.labels(name, "chain-node")},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": k8s.pod_security(layout.NODE_UID),
                    "terminationGracePeriodSeconds": SHUTDOWN_GRACE_S,
                    "initContainers": init,
                    "containers": [_client_container(pair, "execution"), _client_container(pair, "consensus"), gate],
                    "volumes": volumes,
                },
            },
            "volumeClaimTemplates": claims,
        },
    }
    ports = [("el-rpc", execution.ports["rpc"]), ("cl-api", consensus.ports["api"]),
             ("el-metrics", execution.ports["metrics"]), ("cl-metrics", consensus.ports["metrics"])]
    service = {"apiVersion": "v1", "kind": "Service", "metadata": k8s.meta(design, name, "chain-node"),
               "spec": {"type": "ClusterIP", "selector": k8s.selector(name),
                        "ports": [{"name": n, "port": p, "targetPort": n, "protocol": "TCP"} for n, p in ports]}}
    headless = {"apiVersion": "v1", "kind": "Service", "metadata": k8s.meta(design, f"{name}-headless", "chain-node"),
                "spec": {"clusterIP": "None", "selector": k8s.selector(name), "publishNotReadyAddresses": True,
                         "ports": [{"name": "el-p2p", "port": execution.ports["p2p"], "targetPort": "el-p2p",
                                    "protocol": "TCP"}]}}
    p2p = [{"port": pin.ports["p2p"], "protocol": proto} for pin in (execution, consensus) for proto in ("TCP", "UDP")]
    policy = k8s.network_policy(
        design, name, "chain-node", k8s.selector(name),
        [k8s.from_pods(k8s.selector("erpc"), [execution.ports["rpc"]]),
         k8s.from_monitoring([execution.ports["metrics"], consensus.ports["metrics"]]),
         {"ports": p2p}],  # peers reach the P2P ports from anywhere
        None)  # egress open: peers, checkpoint sync and discovery use arbitrary addresses and ports
    c_ex, c_co = pair.clients
    header = (f"{pair.chain} node pair: {c_ex.client} {c_ex.version} + {c_co.client} {c_co.version} (launchbay). "
              f"Volumes: {c_ex.disk_gb} GB + {c_co.disk_gb} GB (Design, headroom included); use an NVMe-backed "
              "StorageClass.\nJWT: created per pod start by jwt-init into a memory-backed emptyDir; never shared.")
    return dump_all([sts, service, headless, policy], header)


def scripts_configmap(design: Design) -> str:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": k8s.meta(design, SCRIPTS_CONFIGMAP, "chain-node"),
          "data": {"jwt-init.sh": JWT_INIT, "node-ready.sh": NODE_READY}}
    return dump_all([cm], "Scripts every node pair mounts: jwt-init.sh (per-pair Engine API secret) and "
                          "node-ready.sh (sync-aware readiness). Same text as deploy/chains/scripts/.")


# ───────────────────────────── compose ─────────────────────────────

def compose_services(pair: NodePairFacts) -> tuple[dict[str, Any], dict[str, Any]]:
    """Services and named volumes of one pair (the volumes carry their Design size as a label)."""
    p = pair.pair
    execution, consensus = layout.pair_pins(pair)
    user = f"{layout.NODE_UID}:{layout.NODE_UID}"
    hardening = {"read_only": True, "cap_drop": ["ALL"], "security_opt": ["no-new-privileges:true"]}
    logging = {"driver": "json-file", "options": {"max-size": "50m", "max-file": "5"}}
    prepare = {layer: f"/prepare/{layer}" for layer in layout.PAIR_LAYERS}
    services: dict[str, Any] = {
        f"{p}-jwt-init": {
            # Root only to hand the fresh volumes to the clients' uid (CHOWN), then it exits.
            "image": pins().busybox.ref, "user": "0:0", "command": ["sh", "/scripts/jwt-init.sh", *prepare.values()],
            "environment": {"JWT_DIR": layout.JWT_DIR, "JWT_OWNER": user}, **hardening,
            "cap_add": ["CHOWN", "DAC_OVERRIDE"],
            "volumes": [f"{p}-jwt:{layout.JWT_DIR}", "./scripts/jwt-init.sh:/scripts/jwt-init.sh:ro",
                        *(f"{c.volume}:{prepare[c.layer]}" for c in pair.clients)],
            "network_mode": "none", "restart": "no",
        },
    }
    for layer, pin in (("execution", execution), ("consensus", consensus)):
        _pin, args, volume = _argv(pair, layer)
        client = next(c for c in pair.clients if c.layer == layer)
        svc: dict[str, Any] = {"image": pin.image.ref, "restart": "unless-stopped", "user": user}
        if pin.command:
            svc["entrypoint"] = list(pin.command)
        svc["command"] = args
        svc.update(hardening)
        svc["tmpfs"] = ["/tmp", *pin.writable]
        svc["volumes"] = [f"{volume}:{pin.data}", f"{p}-jwt:{layout.JWT_DIR}:ro"]
        svc["depends_on"] = {f"{p}-jwt-init": {"condition": "service_completed_successfully"}}
        if layer == "execution":
            svc["networks"] = ["chains"]
            # Both clients' P2P ports: the consensus client lives in this service's network namespace.
            svc["ports"] = [f"{port}:{port}/{proto}" for port in (execution.ports["p2p"], consensus.ports["p2p"])
                            for proto in ("tcp", "udp")]
        else:
            # Shares the execution client's network namespace: the Engine API stays on loopback.
            svc["network_mode"] = f"service:{p}-execution"
            svc["depends_on"][f"{p}-execution"] = {"condition": "service_started"}
        svc["stop_grace_period"] = f"{SHUTDOWN_GRACE_S}s"
        svc["deploy"] = {"resources": {"reservations": {"memory": f"{client.memory_gb}G"},
                                       "limits": {"memory": f"{client.memory_gb}G"}}}
        svc["logging"] = logging
        services[f"{p}-{layer}"] = svc
    consensus_pin, checkpoint = _checkpoint(pair)
    if checkpoint:
        consensus_volume = next(c.volume for c in pair.clients if c.layer == "consensus")
        services[f"{p}-checkpoint-sync"] = {
            "image": consensus_pin.image.ref, "user": user,
            **({"entrypoint": list(consensus_pin.command)} if consensus_pin.command else {}),
            "command": checkpoint, **hardening, "tmpfs": ["/tmp"],
            "volumes": [f"{consensus_volume}:{consensus_pin.data}"], "networks": ["chains"],
            "depends_on": {f"{p}-jwt-init": {"condition": "service_completed_successfully"}}, "restart": "no",
        }
        services[f"{p}-consensus"]["depends_on"][f"{p}-checkpoint-sync"] = {
            "condition": "service_completed_successfully"}
    services[f"{p}-sync-gate"] = {
        "image": pins().busybox.ref, "restart": "unless-stopped", "user": user,
        "command": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 3600 & wait $$!; done"],
        "environment": {e["name"]: e["value"] for e in _ready_env(pair)}, **hardening,
        "volumes": ["./scripts/node-ready.sh:/scripts/node-ready.sh:ro"],
        "network_mode": f"service:{p}-execution",
        "depends_on": {f"{p}-execution": {"condition": "service_started"}},
        "healthcheck": {"test": ["CMD", "sh", "/scripts/node-ready.sh"], "interval": "30s", "timeout": "15s",
                        "retries": 2, "start_period": "60s"},
        "deploy": {"resources": {"limits": {"memory": "32M"}}},
    }
    volumes = {f"{p}-jwt": {"labels": {"launchbay.chains.pair": p, "launchbay.chains.purpose": "engine-api-jwt"}}}
    for c in pair.clients:
        volumes[c.volume] = {"labels": {"launchbay.chains.pair": p, "launchbay.chains.size-gb": str(c.disk_gb)}}
    return services, volumes
