"""What runs on the VM beside the app's own Compose project: the monitoring stack
(`deploy/monitoring/compose.monitoring.yml`) and the chain stack (`deploy/chains/compose*.yml`: the eRPC
gateway, graph-node, own nodes), with the secrets they read — and `stacks.sh`, which installs them into
the app folder and starts them (`docker compose up --detach`, idempotent), plus the systemd unit that
starts them again at boot once the app unit has rendered their secrets.

Which stacks exist is decided from the Design exactly as their renderers decide (the monitoring renderer's
`applies`, the chains renderer's planned file list), never by looking at the host at run time. The
networks each stack joins and the secret files it reads are read from the configurations those renderers
build, so the scripts and the configs cannot disagree.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

import yaml

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import monitoring
from launchbay.renderers.base import text_file
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.chains import layout as chains_layout
from launchbay.renderers.chains.facts import chain_facts
from launchbay.renderers.monitoring_alertmanager import SECRETS_DIR, secret_files
from launchbay.renderers.monitoring_facts import BACKUP_METRIC, facts
from launchbay.renderers.monitoring_rules import MONITORING_DIR
from launchbay.renderers.monitoring_vm import compose as monitoring_compose
from launchbay.renderers.monitoring_vm import runtime_dir
from launchbay.renderers.vm_layout import DEPLOY_USER, Layout

SECRET_FILE_MODE = "0640"  # read by the stack's containers through the secrets folder's group (group_add)
SECRET_DIR_MODE = "2750"  # setgid: every file written inside belongs to the deploy group
BACKUP_PROM = "launchbay_backup.prom"  # the file in node_exporter's textfile folder (monitoring.md names it too)
CHAINS_ENV = "chains"  # $RUNTIME_DIR/chains.env: the chain stack's secret variables, for Compose interpolation


@dataclass(frozen=True)
class Stack:
    """One Compose project beside the app: where its files come from and go, and what it needs."""

    name: str  # also its folder under the app folder
    source: str  # its folder in the release tree (the kit)
    compose_files: tuple[str, ...]  # relative to that folder, in `-f` order
    networks: tuple[str, ...]  # the app's networks it joins (they exist once the app's containers do)
    env_file: str | None  # runtime env file (without `.env`) holding the secret variables it interpolates


@dataclass(frozen=True)
class SecretFile:
    """A secret a stack reads from a file: its name in the store and where render-env writes it."""

    name: str
    path: str


def _external_networks(doc: dict[str, Any]) -> list[str]:
    nets = doc.get("networks") or {}
    return [str(n.get("name", key)) for key, n in nets.items() if isinstance(n, dict) and n.get("external")]


def monitoring_stack(design: Design) -> Stack | None:
    if not monitoring.applies(design):
        return None
    doc = monitoring_compose(facts(design))
    return Stack("monitoring", MONITORING_DIR, ("compose.monitoring.yml",), tuple(_external_networks(doc)), None)


def chain_stack(design: Design) -> Stack | None:
    """The chain stack when the chains renderer writes Compose files for this Design (its own list)."""
    chain = chain_facts(design)
    if chain is None:
        return None
    wanted = [p for p in (chains_layout.COMPOSE, chains_layout.COMPOSE_NODES) if p in chain.files]
    if not wanted:
        return None
    rendered = _chain_composes(design)
    networks: list[str] = []
    for path in wanted:
        for net in _external_networks(yaml.safe_load(rendered[path]) or {}):
            if net not in networks:
                networks.append(net)
    files = tuple(p.removeprefix(f"{chains_layout.ROOT}/") for p in wanted)
    return Stack("chains", chains_layout.ROOT, files, tuple(networks), CHAINS_ENV if chain.secrets else None)


_RENDERED: dict[str, dict[str, str]] = {}


def _chain_composes(design: Design) -> dict[str, str]:
    """The chains renderer's Compose files for this Design, rendered once per Design (every vm file asks)."""
    key = design.model_dump_json()
    if key not in _RENDERED:
        if len(_RENDERED) >= 8:
            _RENDERED.pop(next(iter(_RENDERED)))
        wanted = (chains_layout.COMPOSE, chains_layout.COMPOSE_NODES)
        _RENDERED[key] = {f.path: f.content for f in ChainsRenderer().render(design) if f.path in wanted}
    return _RENDERED[key]


def stacks(design: Design) -> tuple[Stack, ...]:
    return tuple(s for s in (monitoring_stack(design), chain_stack(design)) if s is not None)


def chain_secrets(design: Design) -> tuple[str, ...]:
    """Secret variables the chain stack's Compose files interpolate (provider keys, graph-node's password)."""
    chain = chain_facts(design)
    stack = chain_stack(design)
    if chain is None or stack is None or stack.env_file is None:
        return ()
    return tuple(sorted({s.env for s in chain.secrets}))


def secrets_dir(design: Design) -> str:
    """Where the monitoring stack's secret files live on the host (memory, like the app's env files)."""
    return runtime_dir(facts(design))


def monitoring_secret_files(design: Design) -> tuple[SecretFile, ...]:
    """Every secret file the monitoring configs reference, on the host: the Alertmanager receivers' files
    (the folder compose.monitoring.yml mounts at the receivers' `*_file` folder) and each Compose secret
    (`<name>` is read from the store as `<NAME>`: grafana_admin_password → GRAFANA_ADMIN_PASSWORD)."""
    if monitoring_stack(design) is None:
        return ()
    f = facts(design)
    doc = monitoring_compose(f)
    out: list[SecretFile] = []
    mounts = [str(v) for v in doc["services"]["alertmanager"].get("volumes", [])]
    host = next((v.split(":", 1)[0] for v in mounts if v.split(":")[1] == SECRETS_DIR), None)
    if host is not None:
        out += [SecretFile(s.store_name, f"{host}/{s.key}") for s in secret_files(f)]
    for name, spec in (doc.get("secrets") or {}).items():
        out.append(SecretFile(name.upper(), str(spec["file"])))
    return tuple(sorted(out, key=lambda s: s.path))


def secret_dirs(design: Design) -> tuple[str, ...]:
    """The folders holding the secret files (created setgid, group deploy, by tmpfiles and render-env)."""
    dirs = {s.path.rsplit("/", 1)[0] for s in monitoring_secret_files(design)}
    if monitoring_stack(design) is not None:
        dirs.add(secrets_dir(design))
    return tuple(sorted(dirs))


def stack_networks(design: Design) -> tuple[str, ...]:
    out: list[str] = []
    for stack in stacks(design):
        out += [n for n in stack.networks if n not in out]
    return tuple(out)


def store_names(design: Design) -> tuple[str, ...]:
    """Every secret the stacks read from the secret store, by name (Terraform creates them beside the app's)."""
    return tuple(sorted({*(s.name for s in monitoring_secret_files(design)), *chain_secrets(design)}))


def stacks_unit_name(lay: Layout) -> str:
    return f"{lay.project}-stacks.service"


def stacks_unit(lay: Layout) -> list[str]:
    """At boot the app unit renders the secrets (render-env); this unit then starts the stacks, so none of
    them starts on a missing secret file."""
    return [
        "[Unit]",
        f"Description={lay.project} monitoring and chain stacks (Docker Compose; generated by launchbay)",
        "Documentation=file://" + lay.app_dir + "/README.md",
        f"Requires=docker.service {lay.unit}",
        f"After=docker.service {lay.unit}",
        f"ConditionPathExists={lay.state_dir}/state.env",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        f"User={DEPLOY_USER}",
        f"Group={DEPLOY_USER}",
        "SupplementaryGroups=docker",
        f"WorkingDirectory={lay.app_dir}",
        f"ExecStart={lay.app_dir}/stacks.sh up",
        "TimeoutStartSec=600",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ]


def _entry(stack: Stack) -> str:
    return "|".join((stack.name, stack.source, " ".join(stack.compose_files), stack.env_file or ""))


_BODY = r"""
log() { printf '%s stacks: %s\n' "$PROJECT" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# install_stack NAME SOURCE: copy a stack's kit folder into APP_DIR/NAME when it changed (the running
# containers then get recreated by `up`, since their bind-mounted files were replaced)
install_stack() {
  local name="$1" source="$2" target="$APP_DIR/$1" staged="$APP_DIR/.$1.new"
  [[ -d "$source" ]] || die "$source is missing from the release tree"
  rm -rf "$staged"
  cp -R "$source" "$staged"
  if [[ -d "$target" ]] && diff -r -q "$staged" "$target" >/dev/null; then
    rm -rf "$staged"
    return 0
  fi
  rm -rf "$target.old"
  if [[ -d "$target" ]]; then mv "$target" "$target.old"; fi
  mv "$staged" "$target"
  rm -rf "$target.old"
  mkdir -p "$STATE_DIR/stacks"
  touch "$STATE_DIR/stacks/$name.changed"
  log "installed $name from $source"
}

# up NAME FILES ENV: docker compose up for one stack (idempotent: only what changed is recreated)
up() {
  local name="$1" files="$2" env="$3" file
  local -a args extra
  args=(docker compose --project-directory "$APP_DIR/$name")
  for file in $files; do args+=(--file "$APP_DIR/$name/$file"); done
  if [[ -n "$env" ]]; then args+=(--env-file "$RUNTIME_DIR/$env.env"); fi
  extra=()
  if [[ -f "$STATE_DIR/stacks/$name.changed" ]]; then extra=(--force-recreate); fi
  "${args[@]}" up --detach --remove-orphans "${extra[@]}" || die "$name did not start"
  rm -f "$STATE_DIR/stacks/$name.changed"
  log "$name is up"
}

main() {
  local entry name source files env
  case "${1:-}" in
    install)
      [[ $# -eq 2 ]] || die "usage: stacks.sh install RELEASE_TREE"
      for entry in "${STACKS[@]}"; do
        IFS='|' read -r name source files env <<<"$entry"
        install_stack "$name" "$2/$source"
      done
      ;;
    up)
      DOCKER_GID="$(getent group docker | cut -d: -f3)" || die "no docker group on this host"
      export DOCKER_GID
      if [[ -d "$MONITORING_SECRETS_DIR" ]]; then
        MONITORING_SECRETS_GID="$(stat -c %g "$MONITORING_SECRETS_DIR")"
        export MONITORING_SECRETS_GID
      fi
      for entry in "${STACKS[@]}"; do
        IFS='|' read -r name source files env <<<"$entry"
        up "$name" "$files" "$env"
      done
      ;;
    *) die "usage: stacks.sh install RELEASE_TREE | stacks.sh up" ;;
  esac
}

main "$@"
"""


def stacks_script(lay: Layout) -> KitFile:
    design = lay.design
    entries = [_entry(s) for s in stacks(design)]
    lines = [
        "#!/usr/bin/env bash",
        f"# The Compose projects that run beside {lay.project}'s app (generated by launchbay from the Design):",
        "#   " + (", ".join(f"{s.name} ({s.source})" for s in stacks(design)) or "none"),
        "# Usage: stacks.sh install RELEASE_TREE   copy each stack's folder from a release tree into APP_DIR/<stack>",
        "#        stacks.sh up                     start them (docker compose up --detach; idempotent)",
        "# deploy.sh runs both before it switches the app; the systemd unit runs `up` at boot. Their secrets are",
        f"# written by render-env.sh ({secrets_dir(design)}, {lay.runtime_dir}/<stack>.env), never by this kit.",
        "set -euo pipefail",
        "",
        f"PROJECT={shlex.quote(lay.project)}",
        f'APP_DIR="${{APP_DIR:-{lay.app_dir}}}"',
        f'STATE_DIR="${{STATE_DIR:-{lay.state_dir}}}"',
        f'RUNTIME_DIR="${{RUNTIME_DIR:-{lay.runtime_dir}}}"',
        f'MONITORING_SECRETS_DIR="${{MONITORING_SECRETS_DIR:-{secrets_dir(design)}}}"',
        "# stacks as name|folder in the release tree|compose files|env file in RUNTIME_DIR (without .env)",
        f"STACKS=({' '.join(shlex.quote(e) for e in entries)})",
        *_BODY.rstrip("\n").splitlines(),
    ]
    return text_file("deploy/vm/stacks.sh", lines, executable=True)


def backup_metric_lines(lay: Layout) -> list[str]:
    """backup.sh's report of a successful run, for the BackupTooOld / BackupNeverReported alerts: the
    gauge node_exporter's textfile collector exports, written to a temporary file and moved in place."""
    if monitoring_stack(lay.design) is None:
        return []
    return [
        "",
        "# report the success to node_exporter's textfile collector (atomically: a scrape never sees half a file)",
        'mkdir -p "$TEXTFILE_DIR"',
        f'prom="$TEXTFILE_DIR/{BACKUP_PROM}"',
        "{",
        f"  printf '# HELP {BACKUP_METRIC} Unix time of the last successful backup.\\n'",
        f"  printf '# TYPE {BACKUP_METRIC} gauge\\n'",
        f"  printf '{BACKUP_METRIC}{{store=\"all\"}} %s\\n' \"$(date +%s)\"",
        '} >"$prom.tmp"',
        'chmod 0644 "$prom.tmp"',
        'mv -f "$prom.tmp" "$prom"',
    ]

