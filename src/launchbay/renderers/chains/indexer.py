"""Indexers, per the Design's `blockchain.indexer`:
- ponder: already an app service (the review found it); the kit only points it at the proxy and notes
  what it needs (its own database schema, its metrics on the service port);
- graph-node: graph-node + IPFS (kubo) + Postgres (C locale, as graph-node requires), pinned, reading the
  chain through the proxy — compose services on a VM, manifests on Kubernetes;
- subgraph-hosted / envio / subsquid / custom / none: nothing to run here, a note says so.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.renderers.chains import k8s, layout
from launchbay.renderers.chains.facts import AppRpc, IndexerFacts, ProxyFacts
from launchbay.renderers.chains.pins import pins
from launchbay.renderers.chains.yamlout import dump_all
from launchbay.renderers.vm_layout import POSTGRES_IMAGE

GRAPH_MANIFEST = f"{layout.K8S}/graph-node.yaml"
PASSWORD_ENV = "GRAPH_NODE_POSTGRES_PASSWORD"
# Not sized by the plan (no subgraph volume in the answers): starting sizes, watch the disk-fill alerts.
POSTGRES_GB, IPFS_GB = 100, 20
# graph-node names networks as subgraph manifests do ("mainnet" is Ethereum L1).
GRAPH_NETWORK = {"ethereum": "mainnet"}
# graph-node's reference compose runs Postgres with these (docker/docker-compose.yml @v0.44.0).
PG_ARGS = ["-cshared_preload_libraries=pg_stat_statements", "-cmax_connections=200"]


def indexer_facts(design: Design, proxy: ProxyFacts, app_rpc: tuple[AppRpc, ...]) -> IndexerFacts:
    plan = design.blockchain
    assert plan is not None
    kind = plan.indexer or "none"
    service = next((s for s in design.services if s.kind == "indexer"), None)
    main = next((n for n in proxy.networks if not n.testnet), proxy.networks[0] if proxy.networks else None)
    own = [a.url for a in app_rpc if a.url and service and a.env in {e.name for e in service.env}]
    rpc = own[0] if own else (main.url if main else None)
    if kind == "ponder":
        return IndexerFacts(kind, service.name if service else None, rpc, service.port if service else None, (), (
            f"Ponder runs as the app service {service.name if service else '(not found by the review)'}; set its "
            "PONDER_RPC_URL_<chain id> variables to the proxy URLs below instead of a provider URL.",
            "Give each deployment its own database schema (Ponder's DATABASE_SCHEMA / --schema): two versions "
            "writing one schema corrupt it; a blue-green switch flips the schema the API reads.",
            f"Ponder serves Prometheus metrics at /metrics on its HTTP port ({service.port if service else 'n/a'}).",
        ))
    if kind == "graph-node":
        files: tuple[str, ...] = ()
        notes = [f"graph-node {pins().graph_node.version} with IPFS (kubo {pins().ipfs.version}) and Postgres "
                 f"({POSTGRES_IMAGE}, C locale); it reads every chain through the proxy.",
                 f"Postgres {POSTGRES_GB} GB and IPFS {IPFS_GB} GB are starting sizes (the plan does not size "
                 "subgraph data): watch the disk-fill alerts.",
                 f"The Postgres password comes from the secret store as {PASSWORD_ENV}."]
        if design.platform == "kubernetes":
            files = (GRAPH_MANIFEST,)
        elif design.platform == "vm":
            files = (layout.COMPOSE,)
        else:
            notes.append("On ECS the kit does not run graph-node: it needs three services and two volumes "
                         "(a Terraform module is required); use a hosted subgraph service or Kubernetes.")
        return IndexerFacts(kind, "graph-node" if files else None, rpc,
                            pins().graph_node_ports["metrics"] if files else None, files, tuple(notes))
    note = {
        "subgraph-hosted": "Subgraphs are hosted by a subgraph service: nothing runs here.",
        "envio": "Envio indexers run on Envio's hosted service: nothing runs here.",
        "subsquid": "Subsquid squids run on their cloud or as an app service: nothing chain-specific runs here.",
        "custom": "The custom indexer is an app service: point its RPC variables at the proxy.",
        "none": "No indexer.",
    }.get(kind, f"Indexer {kind}: nothing generated.")
    return IndexerFacts(kind, service.name if service else None, rpc, None, (), (note,))


def _graph_env(proxy: ProxyFacts) -> dict[str, str]:
    networks = " ".join(f"{GRAPH_NETWORK.get(n.chain, n.chain)}:{n.url}" for n in proxy.networks)
    return {"postgres_host": "graph-postgres", "postgres_user": "graph-node", "postgres_db": "graph-node",
            "ipfs": f"graph-ipfs:{pins().ipfs_api_port}", "ethereum": networks, "GRAPH_LOG": "info"}


def compose_services(proxy: ProxyFacts) -> tuple[dict[str, Any], dict[str, Any]]:
    hardening = {"cap_drop": ["ALL"], "security_opt": ["no-new-privileges:true"]}
    env = _graph_env(proxy)
    env["postgres_pass"] = "${" + PASSWORD_ENV + ":?set from the secret store}"
    services = {
        "graph-node": {
            "image": pins().graph_node.ref, "restart": "unless-stopped", "environment": env, "read_only": True,
            "tmpfs": ["/tmp"], **hardening, "networks": ["chains"],
            "depends_on": {"graph-postgres": {"condition": "service_healthy"},
                           "graph-ipfs": {"condition": "service_started"}},
            "expose": [str(p) for p in pins().graph_node_ports.values()],
            # the image ships netcat (docker/Dockerfile): healthy once the indexing-status port listens
            "healthcheck": {"test": ["CMD", "nc", "-z", "127.0.0.1", str(pins().graph_node_ports["status"])],
                            "interval": "30s", "timeout": "5s", "retries": 3, "start_period": "60s"},
            "deploy": {"resources": {"limits": {"memory": "2G"}}},
        },
        "graph-ipfs": {
            "image": pins().ipfs.ref, "restart": "unless-stopped", "user": f"{pins().ipfs_uid}:{pins().ipfs_uid}",
            **hardening, "volumes": ["graph-ipfs-data:/data/ipfs"], "networks": ["chains"],
            "deploy": {"resources": {"limits": {"memory": "1G"}}},  # the image's own HEALTHCHECK applies
        },
        "graph-postgres": {
            "image": POSTGRES_IMAGE, "restart": "unless-stopped",
            "command": ["postgres", *PG_ARGS],
            "environment": {"POSTGRES_USER": "graph-node", "POSTGRES_DB": "graph-node",
                            "POSTGRES_PASSWORD": "${" + PASSWORD_ENV + ":?set from the secret store}",
                            "POSTGRES_INITDB_ARGS": "-E UTF8 --locale=C"},
            "security_opt": ["no-new-privileges:true"], "volumes": ["graph-postgres-data:/var/lib/postgresql/data"],
            "networks": ["chains"],
            "healthcheck": {"test": ["CMD", "pg_isready", "-U", "graph-node"], "interval": "10s", "timeout": "5s",
                            "retries": 5},
            "deploy": {"resources": {"limits": {"memory": "1G"}}},
        },
    }
    volumes = {"graph-ipfs-data": {"labels": {"launchbay.chains.size-gb": str(IPFS_GB)}},
               "graph-postgres-data": {"labels": {"launchbay.chains.size-gb": str(POSTGRES_GB)}}}
    return services, volumes


def _stateful(design: Design, name: str, image: str, uid: int, mount: str, size_gb: int, port: int,
              extra: dict[str, Any], run_dir: str | None = None, secret: tuple[str, str] | None = None
              ) -> dict[str, Any]:
    """A single-replica store with its own claim; `run_dir` is an extra writable directory (postgres' socket),
    `secret` (Secret name, mount path) is mounted read-only as files."""
    mounts: list[dict[str, Any]] = [{"name": "data", "mountPath": mount}, {"name": "tmp", "mountPath": "/tmp"}]
    volumes: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}]
    if run_dir:
        mounts.append({"name": "run", "mountPath": run_dir})
        volumes.append({"name": "run", "emptyDir": {"sizeLimit": "16Mi"}})
    if secret:
        mounts.append({"name": "secret", "mountPath": secret[1], "readOnly": True})
        volumes.append({"name": "secret", "secret": {"secretName": secret[0], "defaultMode": 0o400}})
    container: dict[str, Any] = {"name": name, "image": image, "imagePullPolicy": "Always", **extra,
                                 "ports": [{"name": "main", "containerPort": port, "protocol": "TCP"}],
                                 "readinessProbe": {"tcpSocket": {"port": "main"}, "periodSeconds": 10},
                                 "livenessProbe": {"tcpSocket": {"port": "main"}, "initialDelaySeconds": 30,
                                                   "periodSeconds": 20},
                                 "resources": k8s.resources("250m", "1", "512Mi", "1Gi"),
                                 "securityContext": k8s.container_security(uid),
                                 "volumeMounts": mounts}
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": k8s.meta(design, name, "indexer"),
        "spec": {"serviceName": name, "replicas": 1, "selector": {"matchLabels": k8s.selector(name)},
                 "template": {"metadata": {"labels": k8s.labels(name, "indexer")},
                              "spec": {"automountServiceAccountToken": False, "securityContext": k8s.pod_security(uid),
                                       "containers": [container],
                                       "volumes": volumes}},
                 "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                     "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": k8s.gi(size_gb)}}}}]},
    }


def _service(design: Design, name: str, ports: dict[str, int], target: str | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": k8s.meta(design, name, "indexer"),
            "spec": {"type": "ClusterIP", "selector": k8s.selector(name),
                     "ports": [{"name": n, "port": p, "targetPort": target or n, "protocol": "TCP"}
                               for n, p in ports.items()]}}


def k8s_manifest(design: Design, proxy: ProxyFacts) -> str:
    password = {"name": "postgres_pass", "valueFrom": {"secretKeyRef": {"name": "graph-node-postgres",
                                                                        "key": "password"}}}
    env = [{"name": k, "value": v} for k, v in _graph_env(proxy).items()] + [password]
    ports = pins().graph_node_ports
    node = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": k8s.meta(design, "graph-node", "indexer"),
        "spec": {"replicas": 1, "selector": {"matchLabels": k8s.selector("graph-node")},
                 "template": {"metadata": {"labels": k8s.labels("graph-node", "indexer")}, "spec": {
                     "automountServiceAccountToken": False, "securityContext": k8s.pod_security(layout.NODE_UID),
                     "containers": [{
                         "name": "graph-node", "image": pins().graph_node.ref, "imagePullPolicy": "Always",
                         "env": env,
                         "ports": [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports.items()],
                         "readinessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 10},
                         "livenessProbe": {"tcpSocket": {"port": "status"}, "initialDelaySeconds": 60,
                                           "periodSeconds": 30},
                         "resources": k8s.resources("500m", "2", "1Gi", "2Gi"),
                         "securityContext": k8s.container_security(layout.NODE_UID),
                         "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}],
                     "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}]}}},
    }
    pg_env = [{"name": "POSTGRES_USER", "value": "graph-node"}, {"name": "POSTGRES_DB", "value": "graph-node"},
              {"name": "POSTGRES_INITDB_ARGS", "value": "-E UTF8 --locale=C"},
              {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
              {"name": "POSTGRES_PASSWORD_FILE", "value": "/run/secrets/postgres/password"}]
    # Both run as the kit's high uid; fsGroup makes their claims writable (the images' own users are 999 / 1000).
    postgres = _stateful(design, "graph-postgres", POSTGRES_IMAGE, layout.NODE_UID, "/var/lib/postgresql/data",
                         POSTGRES_GB, 5432, {"args": PG_ARGS, "env": pg_env}, run_dir="/var/run/postgresql",
                         secret=("graph-node-postgres", "/run/secrets/postgres"))
    ipfs = _stateful(design, "graph-ipfs", pins().ipfs.ref, layout.NODE_UID, "/data/ipfs", IPFS_GB,
                     pins().ipfs_api_port, {})
    graph = k8s.selector("graph-node")
    policies = [
        k8s.network_policy(design, "graph-node", "indexer", graph,
                           [k8s.from_pods(None, [ports["http"], ports["ws"], ports["status"]]),
                            k8s.from_monitoring([ports["metrics"]])],
                           [k8s.DNS, k8s.to_pods(k8s.selector("erpc"), [proxy.http_port]),
                            k8s.to_pods(k8s.selector("graph-postgres"), [5432]),
                            k8s.to_pods(k8s.selector("graph-ipfs"), [pins().ipfs_api_port])]),
        k8s.network_policy(design, "graph-postgres", "indexer", k8s.selector("graph-postgres"),
                           [k8s.from_pods(graph, [5432])], []),
        # IPFS fetches subgraph files from its swarm: egress stays open, ingress only from graph-node.
        k8s.network_policy(design, "graph-ipfs", "indexer", k8s.selector("graph-ipfs"),
                           [k8s.from_pods(graph, [pins().ipfs_api_port])], None),
    ]
    docs = [node, _service(design, "graph-node", ports), postgres,
            _service(design, "graph-postgres", {"postgres": 5432}, "main"), ipfs,
            _service(design, "graph-ipfs", {"api": pins().ipfs_api_port}, "main"), *policies]
    return dump_all(docs, "graph-node + IPFS + Postgres (launchbay). Secret graph-node-postgres (key password) "
                          "comes from the secret store.")
