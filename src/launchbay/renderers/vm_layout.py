"""The `vm` kit's shared facts: names, host paths and pinned images, derived from the Design once so
compose.yaml, the Caddyfile, the scripts, the systemd units and the README cannot disagree.

One VM per environment runs the whole app with Docker Compose. Services that may briefly run twice
deploy blue-green (two compose services, `<name>-blue` / `<name>-green`, one Compose profile per
colour); singleton kinds (one Discord session, one indexer writing one schema, one scheduler) are
stopped, then started, because two copies must never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from launchbay.errors import LaunchbayError
from launchbay.models.design import DataStore, Design, ServicePlan
from launchbay.planning.context import capacity_data
from launchbay.renderers.dockerfile import build_context
from launchbay.renderers.terraform_facts import services as service_keys
from launchbay.renderers.terraform_facts import slug as resource_slug
from launchbay.targets.vm import ON_HOST_MIB

# Exact image tags (official Docker images); bump deliberately, never float.
CADDY_IMAGE = "caddy:2.11.4-alpine"
POSTGRES_IMAGE = "postgres:17.11"
REDIS_IMAGE = "redis:8.8.2"
# Memory the proxy may use: part of the host overhead the plan reserves (capacity.yaml vm_overhead_mib).
CADDY_MEMORY_MIB = 256
# The uid:gid app containers run as when they write to a host directory (SQLite data), so the
# directory's owner is known in advance whatever user the image declares.
APP_UID = 10001
# Where a SQLite-using container sees its data directory: the conventional WORKDIR /app plus `data/`.
SQLITE_MOUNT = "/app/data"
DEPLOY_USER = "deploy"
COLOURS = ("blue", "green")
# Engines run as containers on the host; s3/ipfs are outside services the app reaches over the network.
ON_HOST_ENGINES = frozenset({"postgres", "redis", "sqlite"})
EXTERNAL_ENGINES = frozenset({"s3", "ipfs"})
SUPPORTED_STORES = ("aws-secrets-manager", "sops", "vault")


def slug(text: str) -> str:
    """A Compose/Docker/systemd-safe name: lowercase, `[a-z0-9-]`, no leading or trailing dash."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "app"


def var_prefix(name: str) -> str:
    """`vaultline-api` → `VAULTLINE_API` (per-service settings in the environment file)."""
    return slug(name).replace("-", "_").upper()


@dataclass(frozen=True)
class VmService:
    """One ServicePlan as the VM runs it."""

    plan: ServicePlan
    name: str  # the service key Terraform and CI use too (component folder); the compose name, colourless
    singleton: bool
    stores: tuple[DataStore, ...]
    generated_context: str = ""  # where `docker build` runs a generated Dockerfile (workspace members: ".")

    @property
    def http(self) -> bool:
        return self.plan.port is not None

    def compose_names(self) -> tuple[str, ...]:
        return (self.name,) if self.singleton else tuple(f"{self.name}-{c}" for c in COLOURS)

    @property
    def uses_sqlite(self) -> bool:
        return any(s.engine == "sqlite" for s in self.stores)

    @property
    def label(self) -> str:
        """The host label it is served under (its key)."""
        return self.name

    @property
    def dockerfile(self) -> str:
        """Its Dockerfile: the project's own, or the generated `<component>/Dockerfile` (the CI convention)."""
        rt = self.plan.runtime
        if rt is not None and rt.dockerfile:
            return rt.dockerfile
        return "Dockerfile" if self.plan.component == "." else f"{self.plan.component}/Dockerfile"

    @property
    def context(self) -> str:
        """Build context: an existing Dockerfile builds from the repository root; a generated one from the folder
        its recipe expects (the repository root for workspace members, which copy the root lockfile)."""
        rt = self.plan.runtime
        if (rt is not None and rt.dockerfile) or self.plan.component == ".":
            return "."
        return self.generated_context or self.plan.component

    @property
    def build_args(self) -> tuple[str, ...]:
        return tuple(sorted(e.name for e in self.plan.env if e.wiring == "build"))


@dataclass(frozen=True)
class Layout:
    """Everything the vm files share, computed from the Design."""

    design: Design
    project: str
    services: tuple[VmService, ...]
    stores: tuple[DataStore, ...]  # run on the host (postgres, redis, sqlite)
    external: tuple[DataStore, ...]  # reached over the network (managed or outside services)

    @property
    def app_dir(self) -> str:
        return f"/opt/{self.project}"

    @property
    def config_dir(self) -> str:
        return f"/etc/{self.project}"

    @property
    def state_dir(self) -> str:
        return f"/var/lib/{self.project}"

    @property
    def data_dir(self) -> str:
        return f"/var/lib/{self.project}/data"

    @property
    def runtime_dir(self) -> str:
        return f"/run/{self.project}/env"

    @property
    def backup_dir(self) -> str:
        return f"/var/backups/{self.project}"

    @property
    def operator_env(self) -> str:
        """The operator's own settings on the VM (REGISTRY, DOMAIN when the Design has none)."""
        return f"/etc/{self.project}/deploy.env"

    @property
    def unit(self) -> str:
        return f"{self.project}.service"

    @property
    def backup_unit(self) -> str:
        return f"{self.project}-backup"

    @property
    def secret_store(self) -> str:
        return self.design.security.get("secrets", "open item")

    @property
    def db_name(self) -> str:
        return self.project.replace("-", "_")

    @property
    def domain(self) -> str | None:
        return self.design.network.get("domain") or None

    @property
    def http_services(self) -> tuple[VmService, ...]:
        return tuple(s for s in self.services if s.http)

    @property
    def has_caddy(self) -> bool:
        return bool(self.http_services)

    @property
    def blue_green(self) -> tuple[VmService, ...]:
        return tuple(s for s in self.services if not s.singleton)

    @property
    def singletons(self) -> tuple[VmService, ...]:
        return tuple(s for s in self.services if s.singleton)

    def store(self, engine: str) -> DataStore | None:
        return next((s for s in self.stores if s.engine == engine), None)

    @property
    def container_stores(self) -> tuple[DataStore, ...]:
        """Stores that are containers (SQLite is a file inside the app's data directory)."""
        return tuple(s for s in self.stores if s.engine != "sqlite")

    def hosts(self) -> dict[str, str]:
        """Site address per HTTP service, relative to {$DOMAIN}: the frontend (or a lone service) gets
        the domain itself, every other service `<label>.{$DOMAIN}`."""
        http = self.http_services
        fronts = [s for s in http if s.plan.kind in {"web", "frontend"}]
        apex = fronts[0] if len(fronts) == 1 else (http[0] if len(http) == 1 else None)
        out: dict[str, str] = {}
        for svc in http:
            out[svc.name] = "{$DOMAIN}" if svc is apex else f"{svc.label}.{{$DOMAIN}}"
        return out

    def env_domain(self, environment: str) -> str:
        """DOMAIN for one environment: the design's domain in production, `<env>.<domain>` elsewhere."""
        if not self.domain:
            return ""
        return self.domain if environment == "production" else f"{environment}.{self.domain}"

    def store_memory_mib(self, store: DataStore) -> int:
        return ON_HOST_MIB.get(store.engine, 512)

    @property
    def secret_names(self) -> tuple[str, ...]:
        names = {e.name for s in self.services for e in s.plan.env if e.wiring == "secret"}
        if self.store("postgres"):
            names.add("POSTGRES_PASSWORD")
        return tuple(sorted(names))


def memory(mib: int) -> str:
    return f"{mib}M"


def cpus(vcpu: Decimal) -> str:
    return format(vcpu.normalize(), "f")


def layout(design: Design) -> Layout:
    """The vm layout, or an error naming what the vm kit cannot run."""
    singleton_kinds = set(capacity_data()["singleton_kinds"])
    keyed = service_keys(design, {"vm"})
    on_host = tuple(s for s in design.data_stores
                    if s.engine not in EXTERNAL_ENGINES and all(z.instance_class is None for z in s.sizes.values()))
    unsupported = sorted(s.engine for s in on_host if s.engine not in ON_HOST_ENGINES)
    if unsupported:
        raise LaunchbayError(f"the vm kit cannot run {', '.join(unsupported)} on the host yet",
                             hint="use a managed service (deployment.cloud=aws) or run it yourself and "
                                  "wire its URL as a secret")
    external = tuple(s for s in design.data_stores if s not in on_host)
    vm_services = []
    for entry in keyed:
        plan = entry.plan
        if entry.key in {"caddy", "postgres", "redis"}:
            raise LaunchbayError(f"a vm service's key {entry.key!r} clashes with the on-host {entry.key}",
                                 hint="rename the component folder; launchbay names containers after it")
        used = tuple(s for s in on_host if plan.name in s.used_by)
        context = "" if plan.runtime is not None and plan.runtime.dockerfile else build_context(design, plan)
        vm_services.append(VmService(plan=plan, name=entry.key, singleton=plan.kind in singleton_kinds, stores=used,
                                     generated_context=context))
    out = Layout(design=design, project=resource_slug(design.project, 40), services=tuple(vm_services), stores=on_host,
                 external=external)
    _check_secrets(out)
    return out


def _check_secrets(lay: Layout) -> None:
    needing = sorted(f"{s.name}: {e.name}" for s in lay.services for e in s.plan.env if e.wiring == "secret")
    if lay.store("postgres"):
        needing.append("postgres: POSTGRES_PASSWORD")
    if needing and lay.secret_store not in SUPPORTED_STORES:
        raise LaunchbayError(
            f"cannot wire secrets on the VM: the secret store is {lay.secret_store!r}; unwired: {', '.join(needing)}",
            hint=f"answer security.secrets_manager with one of {', '.join(SUPPORTED_STORES)} and plan again")
