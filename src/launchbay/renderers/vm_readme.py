"""`deploy/vm/README.md`: how to provision, deploy, roll back and restore — every figure and name
taken from the Design (sizes, ports, paths, schedule, retention), never typed by hand."""

from __future__ import annotations

from launchbay.models.kit import KitFile
from launchbay.renderers.base import text_file
from launchbay.renderers.monitoring_facts import BACKUP_METRIC, BACKUP_TEXTFILE_DIR
from launchbay.renderers.vm_backup import backup_calendar, offsite
from launchbay.renderers.vm_env import secret_location
from launchbay.renderers.vm_layout import (
    APP_UID,
    CADDY_IMAGE,
    DEPLOY_USER,
    POSTGRES_IMAGE,
    REDIS_IMAGE,
    SQLITE_MOUNT,
    Layout,
    cpus,
)
from launchbay.renderers.vm_stacks import (
    BACKUP_PROM,
    SECRET_FILE_MODE,
    chain_secrets,
    monitoring_secret_files,
    stacks,
    stacks_unit_name,
)


def _services_table(lay: Layout) -> list[str]:
    envs = lay.design.environments
    head = "| service | kind | port | health | deploy | " + " | ".join(envs) + " |"
    lines = [head, "|" + "---|" * (5 + len(envs))]
    for svc in lay.services:
        plan = svc.plan
        sizes = []
        for env in envs:
            size = plan.sizes.get(env)
            sizes.append("—" if size is None else
                         f"{cpus(size.vcpu)} vCPU, {size.memory_mib} MiB × {1 if svc.singleton else size.replicas_min}")
        health = plan.health_path or ("TCP port" if plan.port else "process alive")
        mode = "stop, then start (singleton)" if svc.singleton else "blue-green"
        lines.append(f"| `{svc.name}` ({plan.name}) | {plan.kind} | {plan.port or '—'} | {health} | {mode} | "
                     + " | ".join(sizes) + " |")
    return lines


def _sites(lay: Layout) -> list[str]:
    if not lay.has_caddy:
        return ["Nothing here listens for HTTP, so there is no Caddy and ports 80/443 stay closed."]
    hosts = lay.hosts()
    domain = lay.domain
    lines = [f"Caddy ({CADDY_IMAGE}) terminates TLS with certificates it obtains itself and proxies:", ""]
    for svc in lay.http_services:
        target = (f"`{svc.name}:{svc.plan.port}`" if svc.singleton
                  else f"the active colour, `{svc.name}-blue` or `{svc.name}-green`, port {svc.plan.port}")
        lines.append(f"- `{hosts[svc.name]}` → {target}")
    lines.append("")
    if domain:
        lines.append(f"`DOMAIN` is `{domain}` in production and `<environment>.{domain}` elsewhere "
                     "(`environments/<env>.env`). Point each name's DNS A/AAAA record at the VM before the first "
                     "deploy.")
    else:
        lines.append(f"The Design names no domain: set `DOMAIN` in `{lay.operator_env}` and point each name's "
                     "DNS A/AAAA record at the VM before the first deploy.")
    return lines


def _stores(lay: Layout) -> list[str]:
    lines = []
    for store in lay.stores:
        sizes = ", ".join(f"{env} {z.storage_gb} GB" for env, z in store.sizes.items())
        users = ", ".join(store.used_by)
        if store.engine == "sqlite":
            lines.append(f"- **SQLite** ({store.role}, {sizes}; used by {users}): files in `{lay.data_dir}/sqlite` on "
                         f"the host, mounted at `{SQLITE_MOUNT}` in the container (which runs as uid {APP_UID}). "
                         f"Point the app's database path there (e.g. `{SQLITE_MOUNT}/<file>.db`).")
        elif store.engine == "postgres":
            lines.append(f"- **Postgres** `{POSTGRES_IMAGE}` ({sizes}; used by {users}): data in "
                         f"`{lay.data_dir}/postgres`; user and database `{lay.db_name}`; password "
                         f"`POSTGRES_PASSWORD` from {lay.secret_store}. The apps' `DATABASE_URL` secret names host "
                         f"`postgres`, port 5432, that user and that password.")
        else:
            lines.append(f"- **Redis** `{REDIS_IMAGE}` ({store.role}; used by {users}): data in "
                         f"`{lay.data_dir}/redis`; "
                         "reachable only on the internal `data` network: `REDIS_URL` is `redis://redis:6379/0`.")
    for store in lay.external:
        lines.append(f"- **{store.name}** ({store.engine}) is not run on the VM: wire its URL as a secret.")
    return lines or ["- none: the services keep no state on the host."]


def _backup(lay: Layout) -> list[str]:
    plan = lay.design.backup
    if plan is None:
        return ["The Design has no backup plan: nothing here keeps state."]
    mode, region = offsite(lay)
    lines = [
        f"Plan: {plan.method}; {plan.schedule}; RPO {plan.rpo_minutes} min, RTO {plan.rto_minutes} min "
        f"(restore estimate {plan.restore_estimate_minutes} min); failover: {plan.failover}.",
        "",
        f"`backup.sh` runs from `{lay.backup_unit}.timer` ({backup_calendar(lay)}) and keeps "
        f"{plan.retention_days} days of copies in `{lay.backup_dir}/<UTC time>/` with a `SHA256SUMS` file.",
    ]
    if mode == "object-storage":
        lines.append(f"Off the host: each copy goes to `BACKUP_OFFSITE_URL` (set it in `{lay.config_dir}/backup.env`, "
                     f"e.g. `s3://<bucket>/{lay.project}`)" + (f" in {region}" if region else "")
                     + f"; expire objects after {plan.retention_days} days with a bucket lifecycle rule.")
    elif mode == "disk-backups":
        lines.append("Off the host: turn on the provider's daily disk backups for the VM; they carry these files.")
    if "litestream" in plan.method.lower():
        lines.append("**Not generated yet:** the continuous replication the plan names (Litestream); until it is "
                     "added, this VM gets the local copies above, so the achievable RPO is the timer's interval.")
    for note in plan.notes:
        lines.append(f"**Note from the plan:** {note}.")
    keep = "; leave `postgres` running" if lay.store("postgres") else ""
    lines += ["", "Restore: stop the app first (`docker stop` its containers, e.g. `docker ps --filter "
              f"label=com.docker.compose.project={lay.project}`{keep}), then:", ""]
    if lay.store("sqlite"):
        lines.append(f"- SQLite: `sudo install -o {APP_UID} -g {APP_UID} -m 0640 {lay.backup_dir}/<time>/<file>.db "
                     f"{lay.data_dir}/sqlite/` and remove any stale `-wal`/`-shm` files beside it.")
    if lay.store("postgres"):
        lines.append(f"- Postgres: `docker exec -i {lay.project}-postgres-1 pg_restore --clean --if-exists "
                     f"--username={lay.db_name} --dbname={lay.db_name} < {lay.backup_dir}/<time>/postgres.dump`.")
    lines.append(f"- Then `sudo systemctl restart {lay.unit}` (it starts the recorded version) and check the "
                 "health endpoints.")
    return lines


def _peak(lay: Layout) -> str:
    """Extra memory the new colour needs per environment while the old one still serves."""
    parts = []
    for env in lay.design.environments:
        extra = sum(s.plan.sizes[env].memory_mib * s.plan.sizes[env].replicas_min
                    for s in lay.blue_green if env in s.plan.sizes)
        parts.append(f"{env} +{extra} MiB")
    return ", ".join(parts)


def _stacks(lay: Layout) -> list[str]:
    found = stacks(lay.design)
    if not found:
        return ["Nothing runs beside the app."]
    lines = [f"`stacks.sh` installs each stack's folder from the release tree into `{lay.app_dir}/<stack>/` and "
             "starts it with `docker compose up --detach` (idempotent; a stack whose files changed is recreated). "
             "`deploy.sh` does both before it switches the app; at boot "
             f"`{stacks_unit_name(lay)}` starts them after `{lay.unit}` has rendered their secrets.", ""]
    for stack in found:
        files = ", ".join(f"`{stack.source}/{f}`" for f in stack.compose_files)
        nets = ", ".join(f"`{n}`" for n in stack.networks) or "none of the app's"
        lines.append(f"- **{stack.name}**: {files}; joins the app networks {nets}.")
    secret_files = monitoring_secret_files(lay.design)
    if secret_files:
        lines += ["", f"Monitoring secrets (files, mode {SECRET_FILE_MODE}, group `{DEPLOY_USER}`, written by "
                  "`render-env.sh`): " + ", ".join(f"`{f.name}` → `{f.path}`" for f in secret_files) + "."]
    if chain_secrets(lay.design):
        lines += ["", f"Chain stack secrets (`{lay.runtime_dir}/chains.env`, read by `docker compose --env-file`): "
                  + ", ".join(f"`{n}`" for n in chain_secrets(lay.design)) + "."]
    if lay.design.backup is not None and any(s.name == "monitoring" for s in found):
        lines += ["", f"After each successful run `backup.sh` writes `{BACKUP_METRIC}` to "
                  f"`{BACKUP_TEXTFILE_DIR}/{BACKUP_PROM}` (node_exporter's textfile collector), which the "
                  "backup-freshness alerts read."]
    return lines


def readme(lay: Layout) -> KitFile:
    d = lay.design
    secrets = lay.secret_names
    migrations = [f"`{s.name}`: `{s.plan.runtime.migration_command}`" for s in lay.services
                  if s.plan.runtime and s.plan.runtime.migration_command]
    lines = [
        f"# {d.project} on a VM",
        "",
        f"Generated by launchbay from the Design (platform `{d.platform}`, cloud `{d.cloud}`, environments "
        f"{', '.join(f'`{e}`' for e in d.environments)}): one VM per environment runs every service with Docker "
        "Compose" + (" behind Caddy" if lay.has_caddy else "") + ". Change the Design and regenerate rather than "
        "editing these files; your edits are merged on regeneration.",
        "",
        "## Services",
        "",
        *_services_table(lay),
        "",
        f"Images are `${{REGISTRY}}/{lay.project}/<service>:${{VERSION}}` with an exact version tag (never "
        f"`latest`): pulled from `REGISTRY` when `{lay.operator_env}` sets it, otherwise built on the VM by "
        "`deploy.sh` from the release tree it was shipped in (tagged `local/...`). Each container has CPU "
        "and memory limits (the sizes above, from `environments/<env>.env`), a health check, "
        "`no-new-privileges`, and — except SSR frontends — a "
        "read-only root filesystem. No container publishes a port" + (" except Caddy (80/443)." if lay.has_caddy
                                                                     else "."),
        "",
        "## Sites and TLS",
        "",
        *_sites(lay),
        "",
        "## Data",
        "",
        *_stores(lay),
        "",
        "## Files on the VM",
        "",
        f"- `{lay.app_dir}/`: this folder's files (installed by `deploy.sh` when it runs from a release tree) "
        "and `environment.env` (the environment's `environments/<env>.env`).",
        f"- `{lay.operator_env}`: `DEPLOY_ENVIRONMENT` (written by provision.sh), `REGISTRY`"
        + (" and `DOMAIN`" if lay.has_caddy and not lay.domain else "") + ".",
        f"- `{lay.config_dir}/config/<service>.env`: non-secret config values, one per line (`NAME=value`); "
        "the names are in `deploy/env/<service>.env.example`.",
        f"- `{lay.runtime_dir}/<service>.env`: built by `render-env.sh` at boot and on each deploy (mode 0600, in "
        "memory, never committed).",
        f"- `{lay.state_dir}/state.env`: the active colour and version, and the previous ones (for rollback).",
        "",
        "## Secrets",
        "",
    ]
    if secrets:
        lines.append(f"Store: **{lay.secret_store}**; each secret is {secret_location(lay)}. Names: "
                     + ", ".join(f"`{n}`" for n in secrets) + ".")
        if lay.secret_store == "sops":
            lines.append(f"Keep `deploy/secrets/<env>.sops.yaml` encrypted in the repository, copy it to "
                         f"`{lay.config_dir}/secrets.sops.yaml` and the age key to `{lay.config_dir}/age.key` "
                         f"(mode 0600, owner `{DEPLOY_USER}`).")
        elif lay.secret_store == "vault":
            lines.append(f"Put `VAULT_ADDR` and a read-only `VAULT_TOKEN` in `{lay.config_dir}/secret-store.env` "
                         "(mode 0600).")
        else:
            lines.append(f"The VM needs credentials allowed `secretsmanager:GetSecretValue` on "
                         f"`{lay.project}/<environment>/*` only (an instance role, or `{lay.config_dir}/"
                         "secret-store.env` with mode 0600).")
    else:
        lines.append("The services read no secrets.")
    lines += [
        "",
        "## Provision",
        "",
        "1. Create a Debian 13 VM and pass `provision.sh` as its cloud-init user-data, with `DEPLOY_ENVIRONMENT`, "
        "`SSH_ALLOW_FROM` and `DEPLOY_SSH_KEY` set at its top (`SSH_ALLOW_FROM` defaults to `none`, no SSH at all; "
        "a pipeline that deploys over SSH needs its addresses there). It can be run again by hand "
        "(`sudo bash provision.sh`): every step is idempotent.",
        f"2. In `{lay.operator_env}` set `REGISTRY` if the pipeline pushes images (otherwise the VM builds them)"
        + (" and `DOMAIN`" if lay.has_caddy and not lay.domain else "")
        + f"; fill `{lay.config_dir}/config/<service>.env` from "
        "`deploy/env/<service>.env.example`, and make the secrets readable (above).",
        "",
        "## Deploy",
        "",
        f"As `{DEPLOY_USER}`, from a release tree of the repository at that version (the pipeline ships one "
        f"to `{lay.app_dir}/releases/<version>`): `deploy/vm/deploy.sh <version>`. It installs the kit into "
        f"`{lay.app_dir}`, refreshes the env files, pulls (or builds) the images, starts the data stores"
        + (" and Caddy" if lay.has_caddy else "")
        + (", then the stacks beside the app (" + ", ".join(s.name for s in stacks(lay.design)) + ")"
           if stacks(lay.design) else "")
        + (", runs the migrations once" if migrations else "") + ", then:",
        "",
    ]
    if lay.blue_green:
        lines += [
            "- blue-green services start in the idle colour; the script waits (at most `HEALTH_TIMEOUT`, 300 s) for "
            "every container to be healthy, switches Caddy to the new colour (`caddy reload`), then removes the old "
            "colour. If the new colour is not healthy in time it is removed and the old colour keeps serving; the "
            "script exits non-zero.",
        ]
    if lay.singletons:
        lines.append("- singletons (" + ", ".join(f"`{s.name}`" for s in lay.singletons) + ") are stopped, then "
                     "started on the new version (two copies must never run); if the new one is not healthy the "
                     "previous version is started again.")
    if migrations:
        lines.append("- migrations (" + "; ".join(migrations) + ") run before the new version serves, while the old "
                     "one still does: keep them backward compatible (expand, then contract).")
    strategy = d.cicd.get("strategy", "rolling")
    lines += [
        "",
        f"The Design's deploy strategy is `{strategy}`: on one VM that means the above — a second colour for the "
        "moment of the switch, never two copies of a singleton."
        + (f" While both colours run they need extra memory: {_peak(lay)}." if lay.blue_green else ""),
        f"The `{lay.unit}` unit brings the recorded version back up at boot.",
        "",
        "## Monitoring and chain stacks",
        "",
        *_stacks(lay),
        "",
        "## Roll back",
        "",
        f"`{lay.app_dir}/rollback.sh` deploys the previous version recorded in `{lay.state_dir}/state.env` the same "
        "way (health-checked, without migrations). Running it again returns to the version rolled back from.",
        "",
        "## Backups",
        "",
        *_backup(lay),
        "",
        "## Firewall and host",
        "",
        ("Only 80/tcp, 443/tcp and 443/udp are open, plus SSH (22) from `SSH_ALLOW_FROM`" if lay.has_caddy
         else "Only SSH (22) from `SSH_ALLOW_FROM` is open: nothing here serves HTTP, so 80/443 stay closed")
        + ". Password logins are off; unattended upgrades install security updates. The Design's rule: "
        f"{d.network.get('firewall', 'n/a')}.",
    ]
    return text_file("deploy/vm/README.md", lines)
