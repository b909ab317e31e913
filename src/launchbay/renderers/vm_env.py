"""`render-env.sh` (each service's runtime env file, built at boot and before each deploy) and
`deploy/env/<service>.env.example` (names only).

Config values come from a non-secret file per service on the VM; secrets are read by name from the
store the Design names (`security.secrets`), one secret per variable at `<project>/<environment>/<NAME>`;
build-time variables are baked into the image by CI and are not read at run time. The env files are
written 0600 under /run (memory, not disk) and no value is ever printed.
"""

from __future__ import annotations

import shlex

from launchbay.models.kit import KitFile
from launchbay.renderers.base import text_file
from launchbay.renderers.vm_layout import DEPLOY_USER, Layout, VmService
from launchbay.renderers.vm_stacks import (
    CHAINS_ENV,
    SECRET_DIR_MODE,
    SECRET_FILE_MODE,
    chain_secrets,
    monitoring_secret_files,
    secret_dirs,
    secrets_dir,
)

_FETCH = {
    "aws-secrets-manager": [
        "fetch_secret() { # fetch_secret NAME: the secret's value on stdout (captured, never shown)",
        '  aws secretsmanager get-secret-value --secret-id "$SECRET_PREFIX/$1" --query SecretString --output text',
        "}",
    ],
    "vault": [
        "fetch_secret() { # fetch_secret NAME: the secret's value on stdout (captured, never shown)",
        '  vault kv get -mount="$VAULT_KV_MOUNT" -field=value "$SECRET_PREFIX/$1"',
        "}",
    ],
    "sops": [
        "fetch_secret() { # fetch_secret NAME: the secret's value on stdout (captured, never shown)",
        '  sops --decrypt --extract "[\\"$1\\"]" "$SOPS_FILE"',
        "}",
    ],
}


def secret_location(lay: Layout, env: str = "<environment>") -> str:
    """Where one secret lives, as the README and the env examples tell the operator."""
    store = lay.secret_store
    if store == "sops":
        return f"key <NAME> in {lay.config_dir}/secrets.sops.yaml (sops-encrypted; deploy/secrets/{env}.sops.yaml)"
    if store == "vault":
        return f"vault kv secret {lay.project}/{env}/<NAME>, field value"
    return f"secret {lay.project}/{env}/<NAME>"


def _store_settings(lay: Layout) -> list[str]:
    store = lay.secret_store
    region = lay.design.region if lay.design.region not in {"", "n/a"} else None
    if store == "aws-secrets-manager":
        return [f'export AWS_REGION="${{AWS_REGION:-{region}}}"'] if region else [
            '[[ -n "${AWS_REGION:-}" ]] || die "set AWS_REGION in ' + lay.config_dir + '/secret-store.env"']
    if store == "vault":
        return ['VAULT_KV_MOUNT="${VAULT_KV_MOUNT:-secret}"',
                '[[ -n "${VAULT_ADDR:-}" ]] || die "set VAULT_ADDR (and the token) in '
                + lay.config_dir + '/secret-store.env"']
    if store == "sops":
        return [f'SOPS_FILE="${{SOPS_FILE:-{lay.config_dir}/secrets.sops.yaml}}"',
                f'export SOPS_AGE_KEY_FILE="${{SOPS_AGE_KEY_FILE:-{lay.config_dir}/age.key}}"']
    return []


def _wiring(lay: Layout, svc: VmService) -> list[str]:
    words: list[str] = []
    for env in sorted(svc.plan.env, key=lambda e: e.name):
        if env.wiring in ("build", "signer"):
            continue
        if env.name == "PORT" and svc.plan.port is not None:
            words += ["fixed", f"PORT={svc.plan.port}"]
        else:
            words += [env.wiring, env.name]
    return words


def _renders(lay: Layout) -> list[str]:
    lines: list[str] = []
    for svc in lay.services:
        words = _wiring(lay, svc)
        lines.append(f"render {shlex.quote(svc.name)}" + "".join(f" {shlex.quote(w)}" for w in words))
    if lay.store("postgres"):
        lines.append("render postgres secret POSTGRES_PASSWORD")
    chain = chain_secrets(lay.design)
    if chain:
        lines.append("# the chain stack's secret variables (docker compose --env-file, by stacks.sh)")
        lines.append(f"render {CHAINS_ENV}" + "".join(f" secret {name}" for name in chain))
    files = monitoring_secret_files(lay.design)
    if files:
        top = secrets_dir(lay.design)
        lines.append(f"# the monitoring stack's secret files (compose.monitoring.yml, alertmanager.yml), mode "
                     f"{SECRET_FILE_MODE}, group {DEPLOY_USER}")
        for sub in secret_dirs(lay.design):
            rel = sub.removeprefix(top)
            lines.append(f'secret_dir "$MONITORING_SECRETS_DIR{rel}"')
        for f in files:
            lines.append(f'secret_file {f.name} "$MONITORING_SECRETS_DIR{f.path.removeprefix(top)}"')
    return lines


_BODY = r"""
SECRET_PREFIX="$PROJECT/$(setting DEPLOY_ENVIRONMENT)"
[[ "$SECRET_PREFIX" != "$PROJECT/" ]] || die "DEPLOY_ENVIRONMENT is not set in $APP_DIR/environment.env"
mkdir -p "$RUNTIME_DIR"
chmod 700 "$RUNTIME_DIR"
PROBLEMS=()
WRITTEN=()

# render SERVICE [KIND NAME]...: KIND is config (from the service's config file), secret (from the
# store) or fixed (NAME=value from the Design). Written to a temporary file, moved in place at the end.
render() {
  local service="$1" kind name value tmp
  shift
  tmp="$(mktemp "$RUNTIME_DIR/.$service.XXXXXX")"
  WRITTEN+=("600:$tmp:$RUNTIME_DIR/$service.env")
  while (($#)); do
    kind="$1"
    name="$2"
    shift 2
    case "$kind" in
      config)
        if ! value="$(config_value "$service" "$name")" || [[ -z "$value" ]]; then
          PROBLEMS+=("$service: $name has no value in $CONFIG_DIR/config/$service.env")
          continue
        fi
        ;;
      secret)
        if ! value="$(fetch_secret "$name")" || [[ -z "$value" ]]; then
          PROBLEMS+=("$service: secret $name could not be read from $SECRET_STORE")
          continue
        fi
        ;;
      fixed)
        value="${name#*=}"
        name="${name%%=*}"
        ;;
      *) die "unknown wiring $kind" ;;
    esac
    if [[ "$value" == *"'"* || "$value" == *$'\n'* ]]; then
      PROBLEMS+=("$service: $name holds a quote or a line break, which an env file cannot carry")
      continue
    fi
    printf "%s='%s'\n" "$name" "$value" >>"$tmp"
  done
}

# secret_dir DIR: a folder of secret files, setgid so every file in it belongs to its group
secret_dir() {
  mkdir -p "$1"
  chmod DIR_MODE "$1"
}

# secret_file NAME PATH: one secret as a file (no trailing newline), mode FILE_MODE, moved in place at the end
secret_file() {
  local name="$1" dest="$2" value tmp
  if ! value="$(fetch_secret "$name")" || [[ -z "$value" ]]; then
    PROBLEMS+=("monitoring: secret $name could not be read from $SECRET_STORE")
    return 0
  fi
  tmp="$(mktemp "${dest%/*}/.${dest##*/}.XXXXXX")"
  printf '%s' "$value" >"$tmp"
  WRITTEN+=("FILE_MODE:$tmp:$dest")
}

"""

_TAIL = r"""
# WRITTEN entries are MODE:TEMPORARY:DESTINATION
if ((${#PROBLEMS[@]})); then
  for entry in "${WRITTEN[@]}"; do
    entry="${entry#*:}"
    rm -f "${entry%%:*}"
  done
  printf 'render-env: %s\n' "${PROBLEMS[@]}" >&2
  die "${#PROBLEMS[@]} variable(s) not wired: no env file was changed"
fi
for entry in "${WRITTEN[@]}"; do
  mode="${entry%%:*}"
  entry="${entry#*:}"
  chmod "$mode" "${entry%%:*}"
  mv -f "${entry%%:*}" "${entry#*:}"
done
"""


def render_env_script(lay: Layout) -> KitFile:
    lines = [
        "#!/usr/bin/env bash",
        f"# Build the runtime env file of each {lay.project} service (generated by launchbay from the Design).",
        f"# Config values: {lay.config_dir}/config/<service>.env (non-secret, KEY=value lines).",
        f"# Secrets: {lay.secret_store}, one per variable: {secret_location(lay)}.",
        f"# Output: {lay.runtime_dir}/<service>.env, mode 0600. Values are never printed, and nothing is",
        "# replaced unless every variable could be wired.",
        "set -euo pipefail",
        "umask 077",
        "",
        f"PROJECT={shlex.quote(lay.project)}",
        f'APP_DIR="${{APP_DIR:-{lay.app_dir}}}"',
        f'CONFIG_DIR="${{CONFIG_DIR:-{lay.config_dir}}}"',
        f'RUNTIME_DIR="${{RUNTIME_DIR:-{lay.runtime_dir}}}"',
        f"SECRET_STORE={shlex.quote(lay.secret_store)}",
        *([f'MONITORING_SECRETS_DIR="${{MONITORING_SECRETS_DIR:-{secrets_dir(lay.design)}}}"']
          if monitoring_secret_files(lay.design) else []),
        "",
        "die() {",
        "  printf 'render-env: error: %s\\n' \"$*\" >&2",
        "  exit 1",
        "}",
        "",
        "# value_in FILE NAME: NAME's value in a KEY=value file (exit 1 when absent)",
        "value_in() {",
        "  local line",
        '  [[ -f "$1" ]] || return 1',
        '  while IFS= read -r line || [[ -n "$line" ]]; do',
        '    if [[ "$line" == "$2="* ]]; then',
        "      printf '%s' \"${line#*=}\"",
        "      return 0",
        "    fi",
        '  done <"$1"',
        "  return 1",
        "}",
        'setting() { value_in "$APP_DIR/environment.env" "$1" || true; }',
        'config_value() { value_in "$CONFIG_DIR/config/$1.env" "$2"; }',
        "",
        *_store_settings(lay),
        *_FETCH.get(lay.secret_store, ['fetch_secret() { die "no secret store configured"; }']),
        *_BODY.strip("\n").replace("DIR_MODE", SECRET_DIR_MODE).replace("FILE_MODE", SECRET_FILE_MODE).splitlines(),
        "",
        *_renders(lay),
        *_TAIL.rstrip("\n").splitlines(),
    ]
    return text_file("deploy/vm/render-env.sh", lines, executable=True)


def env_examples(lay: Layout) -> list[KitFile]:
    files = []
    for svc in lay.services:
        groups: dict[str, list[str]] = {"config": [], "fixed": [], "secret": [], "build": [], "signer": []}
        for env in sorted(svc.plan.env, key=lambda e: e.name):
            kind = "fixed" if env.name == "PORT" and svc.plan.port is not None else env.wiring
            groups[kind].append(env.name)
        lines = [
            f"# {svc.plan.name}: every variable it reads, names only (launchbay never writes a value).",
            f"# On the VM, config values go in {lay.config_dir}/config/{svc.name}.env; render-env.sh builds",
            f"# {lay.runtime_dir}/{svc.name}.env from it and the secret store at boot and on each deploy.",
        ]
        if groups["config"]:
            lines.append("# config: set a (non-secret) value on the VM")
            lines += [f"{n}=" for n in groups["config"]]
        if groups["fixed"]:
            lines.append(f"# set by render-env.sh from the Design (port {svc.plan.port})")
            lines += [f"{n}=" for n in groups["fixed"]]
        if groups["secret"]:
            lines.append(f"# secret, from {lay.secret_store} (never put a value here):")
            lines.append(f"#   {secret_location(lay)}")
            lines += [f"{n}=" for n in groups["secret"]]
        if groups["build"]:
            lines.append("# build-time: passed to the image build by CI, not read at run time")
            lines += [f"{n}=" for n in groups["build"]]
        if groups["signer"]:
            lines.append("# raw signing keys: never set — a signer replaces them (see the blockchain-ops doc)")
            lines += [f"# {n}" for n in groups["signer"]]
        if not svc.plan.env:
            lines.append("# (the service reads no environment variables)")
        files.append(text_file(f"deploy/env/{svc.name}.env.example", lines))
    if lay.store("postgres"):
        files.append(text_file("deploy/env/postgres.env.example", [
            "# postgres (on the VM): the database container's password, names only.",
            f"# secret, from {lay.secret_store} (never put a value here):",
            f"#   {secret_location(lay)}",
            "POSTGRES_PASSWORD=",
        ]))
    return files
