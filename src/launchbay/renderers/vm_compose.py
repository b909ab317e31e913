"""`deploy/vm/compose.yaml`, the Caddyfile and the per-environment settings files, built as data.

Per-environment figures (CPU, memory, replicas, domain) are Compose interpolation variables whose
values live in `deploy/vm/environments/<env>.env`, one file per Design environment, so a single
compose file serves every VM and each number still comes from the Design's ServiceSize.
"""

from __future__ import annotations

from typing import Any

import yaml

from launchbay.models.design import DataStore
from launchbay.models.kit import KitFile
from launchbay.renderers.base import text_file
from launchbay.renderers.dockerfile_common import health_argv
from launchbay.renderers.vm_layout import (
    APP_UID,
    CADDY_IMAGE,
    CADDY_MEMORY_MIB,
    COLOURS,
    POSTGRES_IMAGE,
    REDIS_IMAGE,
    SQLITE_MOUNT,
    Layout,
    VmService,
    cpus,
    memory,
    var_prefix,
)

HEALTH = {"interval": "10s", "timeout": "5s", "retries": 3, "start_period": "30s"}
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}
HARDENING: dict[str, Any] = {"security_opt": ["no-new-privileges:true"]}


class _Dumper(yaml.SafeDumper):
    """Block sequences indented under their key (yamllint's default style); no aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    return "---\n" + yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=76,
                               allow_unicode=True)


def required(var: str) -> str:
    """A Compose variable that must be set (environment.env, or deploy.sh for VERSION): fail loudly if not."""
    return f"${{{var}:?}}"


def image(lay: Layout, svc: VmService) -> str:
    """`${REGISTRY}/<project>/<key>:${VERSION}`: the repository names the pipeline pushes to (or, with no
    registry, the tag deploy.sh builds on the host as `local/<project>/<key>`)."""
    return f"{required('REGISTRY')}/{lay.project}/{svc.name}:{required('VERSION')}"


def runtime_env_file(lay: Layout, name: str) -> str:
    return f"{lay.runtime_dir}/{name}.env"


def healthcheck(svc: VmService) -> dict[str, Any]:
    """An in-container probe of the service's own port and health path, with a tool the image has:
    node / bun / python in their runtimes' images; the busybox every generated native (Go, Rust) image
    carries at a fixed path (dockerfile_native), called by that path; for a project's own native image,
    whatever wget / nc its PATH offers (it may have none: its own HEALTHCHECK is then the better probe).
    No port: liveness only. The probe code has no spaces so it stays one unbreakable YAML word."""
    plan = svc.plan
    rt = plan.runtime
    language = (rt.language if rt else None) or ""
    js = "bun" if rt is not None and rt.package_manager == "bun" else "node"
    node = language in {"javascript", "typescript"}
    python = language == "python"
    generated = rt is None or rt.dockerfile is None
    test: list[str]
    if plan.port is None:
        test = ["CMD-SHELL", "kill -0 1"]
    elif node or python:
        url = f"http://127.0.0.1:{plan.port}{plan.health_path}" if plan.health_path else None
        if node and url:
            test = ["CMD", js, "-e", f'fetch("{url}").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))']
        elif python and url:
            test = ["CMD", "python", "-c", f'__import__("urllib.request").request.urlopen("{url}",timeout=4)']
        elif node:
            test = ["CMD", js, "-e", f'require("net").connect({plan.port},"127.0.0.1")'
                    '.on("connect",()=>process.exit(0)).on("error",()=>process.exit(1))']
        else:
            test = ["CMD", "python", "-c", f'__import__("socket").create_connection(("127.0.0.1",{plan.port}),4)']
    elif generated:
        test = ["CMD", *health_argv("busybox", plan.port, plan.health_path)]
    elif plan.health_path:
        test = ["CMD", "wget", "-q", "-O", "/dev/null", f"http://127.0.0.1:{plan.port}{plan.health_path}"]
    else:
        test = ["CMD", "nc", "-z", "127.0.0.1", str(plan.port)]
    return {"test": test, **HEALTH}


def _app_service(lay: Layout, svc: VmService, colour: str | None) -> dict[str, Any]:
    prefix = var_prefix(svc.name)
    out: dict[str, Any] = {"image": image(lay, svc)}
    if colour:
        out["profiles"] = [colour]
    out["restart"] = "unless-stopped"
    if svc.uses_sqlite:
        out["user"] = f"{APP_UID}:{APP_UID}"
    out["env_file"] = [runtime_env_file(lay, svc.name)]
    # SSR frontends write caches beside their build output: a read-only root would break them.
    writable = svc.plan.kind in {"web", "frontend"}
    out["read_only"] = not writable
    out["tmpfs"] = ["/tmp"]
    out["cap_drop"] = ["ALL"]
    out.update(HARDENING)
    if svc.uses_sqlite:
        out["volumes"] = [f"{lay.data_dir}/sqlite:{SQLITE_MOUNT}"]
    out["healthcheck"] = healthcheck(svc)
    limits = {"cpus": required(f"{prefix}_CPUS"), "memory": required(f"{prefix}_MEMORY")}
    deploy: dict[str, Any] = {}
    if not svc.singleton:
        deploy["replicas"] = required(f"{prefix}_REPLICAS")
    deploy["resources"] = {"limits": limits}
    out["deploy"] = deploy
    needs = [s for s in svc.stores if s.engine != "sqlite"]
    if needs:
        out["depends_on"] = {s.name: {"condition": "service_healthy"} for s in needs}
    networks = ["edge"] + (["data"] if needs else [])
    out["networks"] = networks
    out["logging"] = LOGGING
    return out


def _postgres(lay: Layout, store: DataStore) -> dict[str, Any]:
    return {
        "image": POSTGRES_IMAGE,
        "restart": "unless-stopped",
        "env_file": [runtime_env_file(lay, "postgres")],
        "environment": {"POSTGRES_USER": lay.db_name, "POSTGRES_DB": lay.db_name},
        "read_only": True,
        "tmpfs": ["/tmp", "/var/run/postgresql"],
        **HARDENING,
        "volumes": [f"{lay.data_dir}/postgres:/var/lib/postgresql/data"],
        "healthcheck": {"test": ["CMD", "pg_isready", f"--username={lay.db_name}", f"--dbname={lay.db_name}"],
                        **HEALTH},
        "stop_grace_period": "1m",
        "deploy": {"resources": {"limits": {"memory": memory(lay.store_memory_mib(store))}}},
        "networks": ["data"],
        "logging": LOGGING,
    }


def _redis(lay: Layout, store: DataStore) -> dict[str, Any]:
    mib = lay.store_memory_mib(store)
    if store.role == "cache":
        # A cache: no persistence, evict least-recently-used keys at 3/4 of the container's memory.
        command = ["redis-server", "--save", "", "--appendonly", "no",
                   "--maxmemory", f"{mib * 3 // 4}mb", "--maxmemory-policy", "allkeys-lru"]
    else:
        command = ["redis-server", "--appendonly", "yes", "--maxmemory", f"{mib * 3 // 4}mb",
                   "--maxmemory-policy", "noeviction"]
    return {
        "image": REDIS_IMAGE,
        "restart": "unless-stopped",
        "command": command,
        "read_only": True,
        "tmpfs": ["/tmp"],
        **HARDENING,
        "volumes": [f"{lay.data_dir}/redis:/data"],
        "healthcheck": {"test": ["CMD", "redis-cli", "ping"], **HEALTH},
        "deploy": {"resources": {"limits": {"memory": memory(mib)}}},
        "networks": ["data"],
        "logging": LOGGING,
    }


def _caddy(lay: Layout) -> dict[str, Any]:
    return {
        "image": CADDY_IMAGE,
        "restart": "unless-stopped",
        "ports": ["80:80", "443:443", "443:443/udp"],
        "environment": {"DOMAIN": required("DOMAIN")},
        "read_only": True,
        "tmpfs": ["/tmp"],
        "cap_drop": ["ALL"],
        "cap_add": ["NET_BIND_SERVICE"],
        **HARDENING,
        "volumes": [
            f"{lay.app_dir}/Caddyfile:/etc/caddy/Caddyfile:ro",
            f"{lay.app_dir}/caddy/active:/etc/caddy/active:ro",
            f"{lay.data_dir}/caddy/data:/data",
            f"{lay.data_dir}/caddy/config:/config",
        ],
        "healthcheck": {"test": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:2019/config/"],
                        **HEALTH},
        "deploy": {"resources": {"limits": {"memory": memory(CADDY_MEMORY_MIB)}}},
        "networks": ["edge"],
        "logging": LOGGING,
    }


def compose(lay: Layout) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for svc in lay.services:
        if svc.singleton:
            services[svc.name] = _app_service(lay, svc, None)
        else:
            for colour in COLOURS:
                services[f"{svc.name}-{colour}"] = _app_service(lay, svc, colour)
    for store in lay.container_stores:
        services[store.name] = _postgres(lay, store) if store.engine == "postgres" else _redis(lay, store)
    if lay.has_caddy:
        services["caddy"] = _caddy(lay)
    networks: dict[str, Any] = {"edge": {}}
    if lay.container_stores:
        networks["data"] = {"internal": True}
    return {"name": lay.project, "services": services, "networks": networks}


def compose_file(lay: Layout) -> KitFile:
    return KitFile(path="deploy/vm/compose.yaml", content=dump_yaml(compose(lay)))


def caddyfile(lay: Layout) -> KitFile:
    """Automatic TLS for each site address; blue-green services proxy through the active colour's
    upstream file (written by deploy.sh), singletons straight to their one container."""
    hosts = lay.hosts()
    lines = [
        "# Caddy for the " + lay.project + " VM (launchbay). Site addresses use {$DOMAIN} from environment.env:",
        "# Caddy obtains and renews their certificates itself (automatic HTTPS).",
        "",
    ]
    for svc in lay.http_services:
        lines.append(f"{hosts[svc.name]} {{")
        lines.append("\tencode zstd gzip")
        if svc.singleton:
            lines.append(f"\treverse_proxy {svc.name}:{svc.plan.port}")
        else:
            lines.append(f"\t# the active colour's upstream: {svc.name}-blue or {svc.name}-green (deploy.sh)")
            lines.append(f"\timport /etc/caddy/active/{svc.name}.caddy")
        lines.append("}")
        lines.append("")
    return text_file("deploy/vm/Caddyfile", lines)


def environment_files(lay: Layout) -> list[KitFile]:
    files = []
    for env in lay.design.environments:
        lines = [
            f"# {lay.project} on its {env} VM: Compose settings from the Design (no secrets here).",
            f"# deploy.sh installs it as {lay.app_dir}/environment.env; REGISTRY"
            + (" and DOMAIN" if lay.has_caddy and not lay.domain else "") + f" go in {lay.operator_env}.",
            f"DEPLOY_ENVIRONMENT={env}",
        ]
        if lay.has_caddy and lay.domain:
            lines.append("# the site's domain (DNS A/AAAA records point at this VM)")
            lines.append(f"DOMAIN={lay.env_domain(env)}")
        for svc in lay.services:
            size = svc.plan.sizes.get(env)
            if size is None:
                continue
            prefix = var_prefix(svc.name)
            lines.append(f"# {svc.plan.name} ({svc.plan.kind}): ServiceSize for {env}")
            lines.append(f"{prefix}_CPUS={cpus(size.vcpu)}")
            lines.append(f"{prefix}_MEMORY={memory(size.memory_mib)}")
            if not svc.singleton:
                lines.append(f"{prefix}_REPLICAS={size.replicas_min}")
        files.append(text_file(f"deploy/vm/environments/{env}.env", lines))
    return files
