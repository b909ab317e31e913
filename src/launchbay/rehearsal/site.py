"""The rehearsal's stand-in VM: a release tree, the VM's directories, its settings and secrets, and PATH.

The release tree is a copy of the project with the generated kit written into it, as CI would ship
it; `deploy/vm/deploy.sh` runs from there, installs the kit into APP_DIR and builds the images from the
generated Dockerfiles. Config values and the operator's settings are written where the scripts read
them (CONFIG_DIR/config/<service>.env, CONFIG_DIR/deploy.env); secret values are dummies made here,
held in the secret store's memory and in the 0600 env files render-env.sh writes under RUNTIME_DIR,
all inside a temporary directory that is deleted at the end. Nothing is written into the project.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from launchbay.models.design import Design
from launchbay.models.kit import Kit
from launchbay.rehearsal.adapt import ENV_VAR, Adaptation, interpolate, parse_env_file
from launchbay.rehearsal.engine import Engine, docker_cli
from launchbay.rehearsal.stubs import RpcStub, SecretStore, free_port
from launchbay.renderers.vm_layout import Layout, layout

IGNORED = shutil.ignore_patterns(".git", ".launchbay", "node_modules", ".venv", "__pycache__", ".pytest_cache")
FAMILIES = ("postgres", "redis", "caddy")

_STACKS_STUB = """#!/usr/bin/env bash
# launchbay rehearsal: `install` runs the generated stacks.sh; `up` (monitoring and chain stacks, whose
# images cannot run here) is recorded in the rehearsal's event log and skipped.
set -euo pipefail
if [[ "${{1:-}}" == up ]]; then
  printf '{{"event": "stacks-skipped", "t": %s}}\\n' "$(date +%s.%N)" >>'{events}'
  printf 'stacks.sh up: not rehearsed (monitoring and chain stack images cannot run here)\\n' >&2
  exit 0
fi
exec '{generated}' "$@"
"""

_WRAPPER = """#!/bin/sh
# launchbay rehearsal: `docker compose` runs on the host network (launchbay.rehearsal.hostcompose) and
# image builds use the host network (the engine has no bridge); everything else is the real client.
if [ "$1" = compose ]; then shift; exec '{python}' -m launchbay.rehearsal.hostcompose "$@"; fi
if [ "$1" = build ]; then shift; exec '{docker}' build --network host "$@"; fi
exec '{docker}' "$@"
"""


@dataclass
class Site:
    root: Path
    release: Path
    lay: Layout
    adaptation: Adaptation
    proxy_host: str
    proxy_port: int
    env: dict[str, str]
    compose: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def deploy_script(self) -> Path:
        return self.release / "deploy" / "vm" / "deploy.sh"

    @property
    def rollback_script(self) -> Path:
        return self.release / "deploy" / "vm" / "rollback.sh"

    @property
    def state_file(self) -> Path:
        return Path(self.adaptation.map_path(self.lay.state_dir)) / "state.env"

    @property
    def events(self) -> Path:
        return Path(self.adaptation.state_dir) / "events.jsonl"

    @property
    def logs(self) -> Path:
        return Path(self.adaptation.state_dir) / "logs"

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def write_kit(kit: Kit, root: Path) -> None:
    for item in kit.files:
        path = root / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content)
        if item.executable:
            path.chmod(0o755)


def _family(image: str) -> str | None:
    repo = image.split(":", 1)[0].rsplit("/", 1)[-1]
    return repo if repo in FAMILIES and "$" not in image else None


def address_prefix(run_id: str) -> str:
    """The run's /24 inside 127/8 (`127.a.b`), away from 127.0.0.x where other local servers listen."""
    rng = random.Random(run_id)
    return f"127.{rng.randint(100, 250)}.{rng.randint(1, 250)}"


def plan_addresses(compose: dict[str, Any], run_id: str) -> tuple[dict[str, list[str]], str]:
    """One loopback address per container (from .10 up) in the run's /24; returns them and the prefix."""
    prefix = address_prefix(run_id)
    addresses: dict[str, list[str]] = {}
    host = 10
    for name in sorted(compose["services"]):
        replicas = int((compose["services"][name].get("deploy") or {}).get("replicas", 1) or 1)
        addresses[name] = [f"{prefix}.{host + r}" for r in range(replicas)]
        host += replicas
    return addresses, prefix


def _scheme(release: Path, lay: Layout) -> str:
    """`postgresql+psycopg` when a Python service uses psycopg 3 (SQLAlchemy's default driver is psycopg2)."""
    for svc in lay.services:
        for manifest in ("pyproject.toml", "requirements.txt"):
            path = release / svc.plan.component / manifest
            text = path.read_text(errors="replace").lower() if path.exists() else ""
            if "psycopg" in text and "psycopg2" not in text:
                return "postgresql+psycopg"
    return "postgresql"


def secret_values(design: Design, lay: Layout, release: Path, addresses: dict[str, list[str]],
                  rpc_url: str) -> dict[str, str]:
    """Dummy values for every secret the services read, made in memory (never written to the project)."""
    chain = design.blockchain
    rpc_env = set(chain.rpc_env) if chain else set()
    keys = set(chain.signing_keys) if chain else set()
    password = secrets.token_hex(16)
    out: dict[str, str] = {}
    for name in sorted({*lay.secret_names, *stack_secret_names(design)}):
        upper = name.upper()
        if name in rpc_env or upper.endswith("RPC_URL"):
            out[name] = rpc_url
        elif name in keys or "PRIVATE_KEY" in upper:
            out[name] = "0x" + secrets.token_hex(32)
        elif upper == "POSTGRES_PASSWORD":
            out[name] = password
        elif "DATABASE_URL" in upper or upper in {"POSTGRES_URL", "PG_URL"}:
            host = addresses.get("postgres", ["127.0.0.1"])[0]
            out[name] = f"{_scheme(release, lay)}://{lay.db_name}:{password}@{host}:5432/{lay.db_name}"
        elif "REDIS" in upper and upper.endswith("URL"):
            out[name] = f"redis://{addresses.get('redis', ['127.0.0.1'])[0]}:6379/0"
        elif upper.endswith("_URL"):  # a webhook or endpoint nothing in the rehearsal calls
            out[name] = "http://127.0.0.1:9/launchbay-rehearsal-unused"
        else:
            out[name] = secrets.token_hex(24)
    return out


def stack_secret_names(design: Design) -> tuple[str, ...]:
    """Secrets render-env.sh fetches for the stacks beside the app (monitoring, chains)."""
    try:
        from launchbay.renderers.vm_stacks import store_names
    except ImportError:
        return ()
    return tuple(store_names(design))


def stub_stacks(release: Path, events: Path) -> str | None:
    """Replace the release tree's stacks.sh: `install` still runs the generated script, `up` is recorded
    and skipped. Returns the note, or None when the kit has no stacks.sh."""
    script = release / "deploy" / "vm" / "stacks.sh"
    if not script.exists():
        return None
    generated = script.with_name("stacks.generated.sh")
    script.rename(generated)
    script.write_text(_STACKS_STUB.format(generated=generated, events=events))
    script.chmod(0o755)
    return ("the stacks beside the app (deploy/vm/stacks.sh: monitoring, chains) are not rehearsed: their images "
            "cannot be pulled here and have no stand-ins; `stacks.sh install` runs as generated, `stacks.sh up` "
            "is recorded and skipped")


def config_values(design: Design, lay: Layout, notes: list[str]) -> dict[str, dict[str, str]]:
    """Non-secret settings per service: from the Design where it has them, else rehearsal defaults."""
    chain_id = str(design.blockchain.chains[0].chain_id) if design.blockchain and design.blockchain.chains else ""
    out: dict[str, dict[str, str]] = {}
    for svc in lay.services:
        values: dict[str, str] = {}
        for env in svc.plan.env:
            if env.wiring != "config" or (env.name == "PORT" and svc.plan.port is not None):
                continue
            upper = env.name.upper()
            if upper.endswith("CHAIN_ID") and chain_id:
                values[env.name] = chain_id
            elif upper.endswith("LOG_LEVEL"):
                values[env.name] = "info"
            elif upper.endswith(("_SECONDS", "_INTERVAL")):
                values[env.name] = "15"
            elif upper == "NODE_ENV":
                values[env.name] = "production"
            elif upper == "PORT":
                values[env.name] = "8080"
            else:
                values[env.name] = "rehearsal"
                notes.append(f"{svc.name}: config {env.name} has no known value; the rehearsal set 'rehearsal'")
        out[svc.name] = values
    return out


def prepare_site(project: Path, design: Design, kit: Kit, engine: Engine, store: SecretStore, rpc: RpcStub,
                 environment: str, run_id: str) -> Site:
    root = Path(tempfile.mkdtemp(prefix="lb-rehearsal-"))
    release = root / "release"
    shutil.copytree(project, release, ignore=IGNORED, symlinks=True)
    write_kit(kit, release)
    lay = layout(design)
    settings = parse_env_file(release / "deploy" / "vm" / "environments" / f"{environment}.env")
    compose = interpolate(yaml.safe_load((release / "deploy/vm/compose.yaml").read_text()),
                          {**settings, "REGISTRY": "local", "VERSION": "planned", "DOMAIN": "planned"})
    addresses, prefix = plan_addresses(compose, run_id)
    dirs = {name: root / "vm" / name for name in ("app", "etc", "state", "run-env", "monitoring", "rehearsal")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    families = {name: fam for name, svc in compose["services"].items() if (fam := _family(str(svc.get("image"))))}
    adaptation = Adaptation(
        project=lay.project, run_id=run_id,
        paths={lay.app_dir: str(dirs["app"]), lay.config_dir: str(dirs["etc"]), lay.state_dir: str(dirs["state"]),
               lay.runtime_dir: str(dirs["run-env"])},
        addresses=addresses, caddy_admin=f"127.0.0.1:{free_port('127.0.0.1')}",
        state_dir=str(dirs["rehearsal"]), families=families)
    adaptation.save(root / "adapt.json")
    notes: list[str] = []
    stub = stub_stacks(release, dirs["rehearsal"] / "events.jsonl")
    if stub:
        notes.append(stub)
    proxy_host = addresses["caddy"][0] if "caddy" in addresses else f"{prefix}.2"
    proxy_port = free_port(proxy_host)
    domain = f"http://{proxy_host}:{proxy_port}"
    config = dirs["etc"] / "config"
    config.mkdir(exist_ok=True)
    for service, values in config_values(design, lay, notes).items():
        (config / f"{service}.env").write_text("".join(f"{k}={v}\n" for k, v in sorted(values.items())))
    (dirs["etc"] / "deploy.env").write_text(f"DEPLOY_ENVIRONMENT={environment}\nDOMAIN={domain}\n")
    for name, value in secret_values(design, lay, release, addresses, rpc.url).items():
        store.put(f"{lay.project}/{environment}/{name}", value)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "docker"
    wrapper.write_text(_WRAPPER.format(python=sys.executable, docker=docker_cli()))
    wrapper.chmod(0o755)
    bao = shutil.which("bao")
    if bao:
        (bin_dir / "vault").symlink_to(bao)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"REGISTRY", "DOMAIN", "VERSION"}},
        **engine.env(), **store.env(),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        ENV_VAR: str(root / "adapt.json"),
        "APP_DIR": str(dirs["app"]), "CONFIG_DIR": str(dirs["etc"]), "STATE_DIR": str(dirs["state"]),
        "RUNTIME_DIR": str(dirs["run-env"]), "MONITORING_SECRETS_DIR": str(dirs["monitoring"]),
        "DEPLOY_ENVIRONMENT": environment, "DOMAIN": domain,
        "HEALTH_TIMEOUT": "180", "HEALTH_INTERVAL": "1",
    }
    return Site(root=root, release=release, lay=lay, adaptation=adaptation, proxy_host=proxy_host,
                proxy_port=proxy_port, env=env, compose=compose, notes=notes)
