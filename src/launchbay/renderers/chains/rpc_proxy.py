"""The RPC gateway: an eRPC config in front of the Design's providers and own nodes, and the way it runs
on the Design's platform (Kubernetes Deployment, compose service, or an ECS note in the README).

Field names follow eRPC 0.1.2's config types (common/config.go @0.1.2; see validators/erpc_schema.py).
eRPC runs `os.ExpandEnv` over the whole file before parsing, so API keys appear only as `${NAME}` and no
other `$` may appear anywhere in the file (the validator enforces both).
"""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.renderers.chains import k8s, layout
from launchbay.renderers.chains.facts import ChainFacts, ProxyFacts
from launchbay.renderers.chains.pins import pins
from launchbay.renderers.chains.yamlout import Quoted, dump, dump_all

CACHE_CONNECTOR = "memory-cache"
CACHE_MAX_ITEMS = 100_000
CACHE_MAX_SIZE = "256MB"  # inside the container's memory limit below, with room for the process
MEMORY_REQUEST, MEMORY_LIMIT = "512Mi", "768Mi"
CPU_REQUEST, CPU_LIMIT = "250m", "1"
REPLICAS = 2  # two gateways: one can restart (rollout, node drain) while the other serves
CONFIG_MOUNT = "/etc/erpc"


def _policy(block_lag: int, seconds_lag: int) -> str:
    """Selection: drop upstreams that fail, throttle, or lag the best head; prefer non-fallback tiers."""
    return "\n".join([
        "(upstreams, ctx) =>",
        "  upstreams",
        "    .removeCordoned()",
        "    .excludeIf(all(samplesAbove(10), errorRateAbove(0.5)))",
        "    .excludeIf(all(samplesAbove(10), throttleRateAbove(0.4)))",
        f"    .excludeIf(any(blockNumberLagAbove({block_lag}), blockSecondsLagAbove({seconds_lag})))",
        "    .whenEmpty(() => upstreams)",
        "    .preferTag('!tier:fallback', { minHealthy: 1, fallback: 'tier:fallback' })",
        "    .sortByScore(PREFER_FASTEST)",
    ]) + "\n"


def _providers(design: Design, proxy: ProxyFacts) -> list[dict[str, Any]]:
    plan = design.blockchain
    assert plan is not None
    networks = [f"evm:{n.chain_id}" for n in proxy.networks]
    own = {u.chain for u in proxy.upstreams if u.kind == "own-node"}
    own_ids = [f"evm:{n.chain_id}" for n in proxy.networks if n.chain in own]
    out: list[dict[str, Any]] = []
    for provider in plan.rpc_providers:
        vendor = layout.VENDORS.get(provider)
        if vendor is None or not networks:
            continue
        entry: dict[str, Any] = {"id": provider, "vendor": vendor}
        if vendor not in layout.KEYLESS:
            entry["settings"] = {"apiKey": Quoted("${" + layout.key_env(vendor) + "}")}
        entry["onlyNetworks"] = networks
        entry["upstreamIdTemplate"] = "<PROVIDER>-<EVM_CHAIN_ID>"
        if own_ids:
            # Where the Design runs its own node, providers only take over when the node is unhealthy.
            entry["overrides"] = {nid: {"tags": ["tier:fallback"]} for nid in own_ids}
        out.append(entry)
    return out


def _upstreams(proxy: ProxyFacts, facts: ChainFacts) -> list[dict[str, Any]]:
    by_chain = {p.chain: p for p in facts.nodes}
    out = []
    for up in proxy.upstreams:
        if up.kind != "own-node":
            continue
        pair = by_chain[up.chain]
        out.append({"id": up.id, "type": "evm", "endpoint": Quoted(up.endpoint),
                    "tags": ["tier:primary", "kind:own-node"],
                    "evm": {"chainId": pair.chain_id, "skipWhenSyncing": True}})
    return out


def erpc_config(design: Design, facts: ChainFacts) -> dict[str, Any]:
    proxy = facts.proxy
    project: dict[str, Any] = {"id": proxy.project_id, "rateLimitBudget": proxy.rate_limits[0].budget}
    providers = _providers(design, proxy)
    if providers:
        project["providers"] = providers
    upstreams = _upstreams(proxy, facts)
    if upstreams:
        project["upstreams"] = upstreams
    project["upstreamDefaults"] = {"failsafe": [{
        "matchMethod": "*",
        # An upstream that keeps failing is taken out for a minute, then probed again.
        "circuitBreaker": {"failureThresholdCount": 20, "failureThresholdCapacity": 80, "halfOpenAfter": "60s",
                           "successThresholdCount": 5, "successThresholdCapacity": 10},
    }]}
    project["networkDefaults"] = {"failsafe": [{
        "matchMethod": "*",
        "timeout": {"duration": "15s"},
        "retry": {"maxAttempts": 3, "delay": "100ms", "backoffMaxDelay": "1s", "backoffFactor": 2, "jitter": "50ms"},
        "hedge": {"delay": "500ms", "maxCount": 1},
    }]}
    project["networks"] = [{
        "architecture": "evm",
        "evm": {"chainId": n.chain_id},
        "alias": layout.slug(n.chain),
        "selectionPolicy": {"evalInterval": "15s", "evalFunc": _policy(n.block_lag, n.seconds_lag)},
    } for n in proxy.networks]
    return {
        "logLevel": "info",
        "server": {"listenV4": True, "httpHostV4": "0.0.0.0", "httpPortV4": proxy.http_port, "maxTimeout": "30s",
                   "waitBeforeShutdown": "10s", "waitAfterShutdown": "5s"},
        "healthCheck": {"mode": "networks", "defaultEval": "any:initializedUpstreams"},
        "metrics": {"enabled": True, "listenV4": True, "hostV4": "0.0.0.0", "port": proxy.metrics_port},
        "database": {"evmJsonRpcCache": {
            "connectors": [{"id": CACHE_CONNECTOR, "driver": "memory",
                            "memory": {"maxItems": CACHE_MAX_ITEMS, "maxTotalSize": CACHE_MAX_SIZE}}],
            "policies": [{"connector": CACHE_CONNECTOR, "network": "*", "method": "*", "finality": rule.finality,
                          "ttl": rule.ttl} for rule in proxy.cache],
        }},
        "rateLimiters": {"store": {"driver": "memory"}, "budgets": [{
            "id": proxy.rate_limits[0].budget,
            "rules": [{"method": r.method, "maxCount": r.max_count, "period": r.period, "perIP": True}
                      for r in proxy.rate_limits],
        }]},
        "projects": [project],
    }


HEADER = """eRPC gateway for {project}: every app RPC call goes through it. Generated by launchbay from the Design.
Provider API keys are environment references that eRPC expands at start (values come from the secret
store, never from this file). Finalized data is cached forever, unfinalized for seconds (see README.md)."""


def erpc_yaml(design: Design, facts: ChainFacts) -> str:
    return dump(erpc_config(design, facts), HEADER.format(project=design.project))


def _secret_env(facts: ChainFacts) -> list[dict[str, Any]]:
    return [{"name": s.env, "valueFrom": {"secretKeyRef": {"name": "erpc-provider-keys", "key": s.env}}}
            for s in facts.secrets if s.used_by == "erpc"]


def k8s_manifest(design: Design, facts: ChainFacts) -> str:
    proxy = facts.proxy
    pin = pins().proxy
    name = "erpc"
    env = _secret_env(facts)
    container: dict[str, Any] = {
        "name": name, "image": proxy.image, "imagePullPolicy": "Always",
        "args": ["--config", f"{CONFIG_MOUNT}/erpc.yaml", "--require-config"],
        "ports": [{"name": "http", "containerPort": proxy.http_port, "protocol": "TCP"},
                  {"name": "metrics", "containerPort": proxy.metrics_port, "protocol": "TCP"}],
    }
    if env:
        container["env"] = env
    container.update({
        "readinessProbe": {"httpGet": {"path": proxy.health_path, "port": "http"}, "periodSeconds": 10,
                           "timeoutSeconds": 5, "failureThreshold": 3},
        "livenessProbe": {"httpGet": {"path": proxy.health_path, "port": "http"}, "initialDelaySeconds": 30,
                          "periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 6},
        "resources": k8s.resources(CPU_REQUEST, CPU_LIMIT, MEMORY_REQUEST, MEMORY_LIMIT),
        "securityContext": k8s.container_security(pin.uid),
        "volumeMounts": [{"name": "config", "mountPath": CONFIG_MOUNT, "readOnly": True}],
    })
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": k8s.meta(design, "erpc-config", "rpc-proxy"),
                  "data": {"erpc.yaml": erpc_yaml(design, facts)}}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": k8s.meta(design, name, "rpc-proxy"),
        "spec": {
            "replicas": REPLICAS,
            "selector": {"matchLabels": k8s.selector(name)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": k8s.labels(name, "rpc-proxy")},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": k8s.pod_security(pin.uid),
                    "terminationGracePeriodSeconds": 30,
                    "containers": [container],
                    "volumes": [{"name": "config", "configMap": {"name": "erpc-config"}}],
                },
            },
        },
    }
    service = {"apiVersion": "v1", "kind": "Service", "metadata": k8s.meta(design, name, "rpc-proxy"),
               "spec": {"type": "ClusterIP", "selector": k8s.selector(name),
                        "ports": [{"name": "http", "port": proxy.http_port, "targetPort": "http", "protocol": "TCP"},
                                  {"name": "metrics", "port": proxy.metrics_port, "targetPort": "metrics",
                                   "protocol": "TCP"}]}}
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": k8s.meta(design, name, "rpc-proxy"),
           "spec": {"minAvailable": 1, "selector": {"matchLabels": k8s.selector(name)}}}
    egress = [k8s.DNS]
    if facts.nodes:
        egress.append(k8s.to_pods({"app.kubernetes.io/component": "chain-node",
                                   "app.kubernetes.io/part-of": k8s.PART_OF},
                                  sorted({n.clients[0].ports["rpc"] for n in facts.nodes})))
    if any(u.kind == "provider" for u in proxy.upstreams):
        # HTTPS to the RPC providers (outside the cluster)
        egress.append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443, "protocol": "TCP"}]})
    policy = k8s.network_policy(design, name, "rpc-proxy", k8s.selector(name),
                                [k8s.from_pods(None, [proxy.http_port]), k8s.from_monitoring([proxy.metrics_port])],
                                egress)
    header = (f"eRPC gateway ({proxy.image}): apps call http://{proxy.service_host}:{proxy.http_port}"
              f"/{proxy.project_id}/evm/<chain id>; Prometheus scrapes port {proxy.metrics_port} (/metrics).\n"
              "Secret erpc-provider-keys (from the secret store, e.g. an ExternalSecret) holds the provider keys.")
    return dump_all([config_map, deployment, service, pdb, policy], header)


def compose_service(design: Design, facts: ChainFacts, edge_network: str | None) -> dict[str, Any]:
    """The gateway as a compose service; the config is inlined as a compose `config` so the file is
    self-contained. Keys come from the environment `docker compose` runs with (rendered from the store)."""
    proxy = facts.proxy
    service: dict[str, Any] = {
        "image": proxy.image,
        "restart": "unless-stopped",
        "user": f"{pins().proxy.uid}:{pins().proxy.uid}",
        "command": ["--config", "/erpc.yaml", "--require-config"],
        "configs": [{"source": "erpc-config", "target": "/erpc.yaml"}],
    }
    env = {s.env: "${" + s.env + ":?set from the secret store}" for s in facts.secrets if s.used_by == "erpc"}
    if env:
        service["environment"] = env
    service.update({
        "read_only": True,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "expose": [str(proxy.http_port), str(proxy.metrics_port)],
        "deploy": {"resources": {"limits": {"cpus": CPU_LIMIT, "memory": MEMORY_LIMIT.replace("Mi", "M")}}},
        "networks": ["chains", *([edge_network] if edge_network else [])],
        "logging": {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
    })
    return service
