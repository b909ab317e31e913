"""The `vm` kit: rendered from real designs (discord-bot as planned; evm-dapp and py-web3 with answers
that make the plan pick a VM), checked for its invariants and by the real validators."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.errors import LaunchbayError
from launchbay.generate import render_kit, write_kit
from launchbay.models.design import DataStore, Design, StoreSize
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.dockerfile import DockerfileRenderer
from launchbay.renderers.monitoring import MonitoringRenderer
from launchbay.renderers.vm import VmRenderer
from launchbay.renderers.vm_layout import layout
from launchbay.renderers.vm_provision import app_unit, backup_service_unit, backup_timer_unit
from launchbay.secretscan import secret_kind
from launchbay.validate import kit_files, validate_kit
from launchbay.validators.caddy import check_caddyfile
from launchbay.validators.compose import ComposeValidator, path_line
from launchbay.validators.shell import ShellValidator
from tests.kit.support import design
from tests.kit.support import require_tool as _tool

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("discord-bot", "evm-dapp", "py-web3")


def vm_design(name: str) -> Design:
    """discord-bot plans a VM as it is; evm-dapp on a self-hosted server; py-web3 with a few RPS and RPO 60."""
    if name == "evm-dapp":
        return design(name, deployment=frozenset({("cloud", "self-hosted")}))
    if name == "py-web3":
        return design(name, scale=frozenset({("peak_rps", 5)}), backup=frozenset({("rpo_minutes", 60)}))
    return design(name)


def files(name: str) -> dict[str, str]:
    return {f.path: f.content for f in VmRenderer().render(vm_design(name))}


def compose(name: str) -> dict[str, Any]:
    data = yaml.safe_load(files(name)["deploy/vm/compose.yaml"])
    assert isinstance(data, dict)
    return data






# --- which designs, which files ---------------------------------------------------------------

def test_variants_really_plan_a_vm() -> None:
    for name in VARIANTS:
        d = vm_design(name)
        assert d.platform == "vm" and all(s.target == "vm" for s in d.services), name


@pytest.mark.parametrize("name", ["evm-dapp", "py-web3"])
def test_nothing_for_designs_that_are_not_vm(name: str) -> None:
    assert design(name).platform != "vm"
    assert list(VmRenderer().render(design(name))) == []


def test_file_set() -> None:
    bot = set(files("discord-bot"))
    assert bot == {
        "deploy/vm/compose.yaml", "deploy/vm/environments/production.env", "deploy/vm/deploy.sh",
        "deploy/vm/rollback.sh", "deploy/vm/render-env.sh", "deploy/vm/provision.sh", "deploy/vm/backup.sh",
        "deploy/vm/README.md", "deploy/vm/systemd/discord-bot.service", "deploy/vm/systemd/discord-bot-backup.service",
        "deploy/vm/systemd/discord-bot-backup.timer", "deploy/env/discord-bot.env.example",
        "deploy/vm/stacks.sh", "deploy/vm/systemd/discord-bot-stacks.service",
    }  # a bot serves no HTTP: no Caddyfile
    dapp = set(files("evm-dapp"))
    assert {"deploy/vm/Caddyfile", "deploy/vm/environments/staging.env", "deploy/env/api.env.example",
            "deploy/env/indexer.env.example", "deploy/env/web.env.example", "deploy/env/postgres.env.example"} <= dapp


@pytest.mark.parametrize("name", VARIANTS)
def test_rendering_is_byte_identical_and_clean(name: str) -> None:
    first = VmRenderer().render(vm_design(name))
    second = VmRenderer().render(vm_design(name))
    assert [(f.path, f.content) for f in first] == [(f.path, f.content) for f in second]
    for f in first:
        assert f.content.endswith("\n") and not f.content.endswith("\n\n") and "\r" not in f.content, f.path
        assert f.executable == f.path.endswith(".sh"), f.path
        assert "/tmp/" not in f.content and str(ROOT) not in f.content, f.path


# --- compose.yaml -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", VARIANTS)
def test_every_container_is_pinned_limited_health_checked_and_restarted(name: str) -> None:
    services = compose(name)["services"]
    for key, svc in services.items():
        image = svc["image"]
        assert not image.endswith(":latest") and ":" in image.rsplit("/", 1)[-1], key
        assert re.search(r":(\$\{VERSION:\?\}|\d+\.\d+(\.\d+)?(-alpine)?)$", image), image
        assert svc["restart"] == "unless-stopped"
        assert svc["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}
        assert svc["deploy"]["resources"]["limits"]["memory"], key
        assert "no-new-privileges:true" in svc["security_opt"]
        assert "ports" not in svc or key == "caddy", key


def test_app_images_sizes_and_colours_come_from_the_design() -> None:
    d = vm_design("evm-dapp")
    services = compose("evm-dapp")["services"]
    assert services["api-blue"]["image"] == "${REGISTRY:?}/evm-dapp/api:${VERSION:?}"
    assert services["api-blue"]["profiles"] == ["blue"] and services["api-green"]["profiles"] == ["green"]
    assert "indexer" in services and "profiles" not in services["indexer"]  # a singleton: one copy, no colours
    assert services["api-blue"]["deploy"]["resources"]["limits"] == {"cpus": "${API_CPUS:?}",
                                                                      "memory": "${API_MEMORY:?}"}
    assert services["api-blue"]["env_file"] == ["/run/evm-dapp/env/api.env"]
    assert services["api-blue"]["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                                  "redis": {"condition": "service_healthy"}}
    assert services["postgres"]["image"] == "postgres:17.11" and services["redis"]["image"] == "redis:8.8.2"
    assert services["caddy"]["ports"] == ["80:80", "443:443", "443:443/udp"]
    assert compose("evm-dapp")["networks"]["data"] == {"internal": True}
    health = services["api-blue"]["healthcheck"]["test"]
    assert "http://127.0.0.1:8080/health" in health[-1] and health[1] == "node"
    assert "http://127.0.0.1:8001/healthz" in compose("py-web3")["services"]["api-blue"]["healthcheck"]["test"][-1]
    for env in d.environments:
        text = files("evm-dapp")[f"deploy/vm/environments/{env}.env"]
        for plan in d.services:
            key = {"apps/api": "API", "apps/indexer": "INDEXER", "apps/web": "WEB"}[plan.component]
            size = plan.sizes[env]
            assert f"{key}_CPUS={size.vcpu.normalize():f}\n" in text
            assert f"{key}_MEMORY={size.memory_mib}M\n" in text
            if plan.kind != "indexer":
                assert f"{key}_REPLICAS={size.replicas_min}\n" in text


def test_sqlite_lives_on_the_host_and_the_bot_has_no_port() -> None:
    bot = compose("discord-bot")["services"]["discord-bot"]
    assert bot["volumes"] == ["/var/lib/discord-bot/data/sqlite:/app/data"]
    assert bot["user"] == "10001:10001" and bot["read_only"] is True
    assert bot["healthcheck"]["test"] == ["CMD-SHELL", "kill -0 1"]
    assert "caddy" not in compose("discord-bot")["services"]


def test_native_images_are_probed_with_the_busybox_they_carry() -> None:
    """A Go/Rust image runs on debian-slim, which has neither wget nor nc: compose calls the busybox the
    generated Dockerfile copies in, by its path, with the same argv as the image's own HEALTHCHECK."""
    d = vm_design("py-web3")
    api = d.services[0]
    assert api.runtime is not None and api.component == "api"
    go = api.runtime.model_copy(update={"language": "go", "package_manager": "go", "runtime_version": "go 1.27",
                                        "build_command": None, "migration_command": None})
    for path, tool in (("/healthz", "wget"), (None, "nc")):
        svc = api.model_copy(update={"runtime": go, "start_command": "./server", "health_path": path})
        native = d.model_copy(update={"services": (svc, *d.services[1:])})
        kit = {f.path: f.content for f in VmRenderer().render(native)}
        test = yaml.safe_load(kit["deploy/vm/compose.yaml"])["services"]["api-blue"]["healthcheck"]["test"]
        docker = {f.path: f.content for f in DockerfileRenderer().render(native)}["api/Dockerfile"]
        check = json.loads(docker.split("HEALTHCHECK ", 1)[1].split("\n", 2)[1].strip()[4:])
        assert test == ["CMD", *check]
        assert test[1:3] == ["/usr/local/bin/busybox", tool]
        assert "COPY --from=probe /bin/busybox /usr/local/bin/busybox" in docker
    # the project's own image: launchbay cannot know its tools, so the probe is whatever its PATH has
    own = api.model_copy(update={"runtime": go.model_copy(update={"dockerfile": "api/Dockerfile"}),
                                 "start_command": "./server"})
    kit = {f.path: f.content for f in VmRenderer().render(d.model_copy(update={"services": (own, *d.services[1:])}))}
    assert yaml.safe_load(kit["deploy/vm/compose.yaml"])["services"]["api-blue"]["healthcheck"]["test"][:2] == [
        "CMD", "wget"]


def test_bun_services_are_probed_with_bun() -> None:
    d = vm_design("py-web3")
    api = d.services[0]
    assert api.runtime is not None
    bun = api.runtime.model_copy(update={"language": "typescript", "package_manager": "bun", "runtime_version": None,
                                         "build_command": None, "migration_command": None})
    svc = api.model_copy(update={"runtime": bun, "start_command": "bun src/index.ts"})
    kit = {f.path: f.content for f in VmRenderer().render(d.model_copy(update={"services": (svc, *d.services[1:])}))}
    test = yaml.safe_load(kit["deploy/vm/compose.yaml"])["services"]["api-blue"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "bun", "-e"] and "http://127.0.0.1:8001/healthz" in test[3]


# --- Caddy -------------------------------------------------------------------------------------

def test_caddy_proxies_each_http_service_through_its_active_colour() -> None:
    text = files("evm-dapp")["deploy/vm/Caddyfile"]
    assert "{$DOMAIN} {\n\tencode zstd gzip" in text  # the web frontend has the domain itself
    assert "api.{$DOMAIN} {" in text and "import /etc/caddy/active/api.caddy" in text
    assert "indexer.{$DOMAIN} {" in text and "reverse_proxy indexer:42069" in text
    py = files("py-web3")["deploy/vm/Caddyfile"]
    assert "{$DOMAIN} {" in py and "worker" not in py  # the worker has no port


def test_a_design_domain_lands_in_each_environment_file() -> None:
    d = vm_design("evm-dapp")
    with_domain = d.model_copy(update={"network": {**d.network, "domain": "vaultline.example.com"}})
    out = {f.path: f.content for f in VmRenderer().render(with_domain)}
    assert "DOMAIN=vaultline.example.com\n" in out["deploy/vm/environments/production.env"]
    assert "DOMAIN=staging.vaultline.example.com\n" in out["deploy/vm/environments/staging.env"]


@pytest.mark.validator
def test_caddyfile_adapts_with_real_caddy() -> None:
    """The caddy validator, given the upstream snippets deploy.sh writes (its own printf format), yields
    the green upstreams."""
    caddy = _tool("caddy")
    out = files("evm-dapp")
    fmt = re.search(r"printf '(reverse_proxy [^']*)'", out["deploy/vm/deploy.sh"])
    assert fmt is not None
    template = fmt.group(1).replace("\\n", "\n").replace("\\t", "\t")
    snippets = {f"/etc/caddy/active/{name}.caddy": template % (name, "green", port)
                for name, port in (("api", 8080), ("web", 3000))}
    findings, adapted, stood_in = check_caddyfile(caddy, out["deploy/vm/Caddyfile"], "deploy/vm/Caddyfile",
                                                  {"DOMAIN": "example.com"}, snippets, adapt=True)
    assert findings == [] and stood_in == ()
    assert "api-green" in adapted and "indexer:42069" in adapted


# --- env wiring --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", VARIANTS)
def test_every_env_var_is_wired_and_listed(name: str) -> None:
    out = files(name)
    render_env = out["deploy/vm/render-env.sh"]
    deploy = out["deploy/vm/deploy.sh"]
    for svc in layout(vm_design(name)).services:
        line = next(ln for ln in render_env.splitlines() if ln.startswith(f"render {svc.name} ") or
                    ln == f"render {svc.name}")
        example = out[f"deploy/env/{svc.name}.env.example"]
        for env in svc.plan.env:
            if env.wiring == "signer":  # a raw signing key: listed as never set, never rendered
                assert re.search(rf"^# {env.name}$", example, re.M) and f" {env.name}" not in line, env.name
                continue
            assert re.search(rf"^{env.name}=$", example, re.M), (svc.name, env.name)
            if env.wiring == "build":
                assert env.name in next(ln for ln in deploy.splitlines() if ln.startswith("IMAGES="))
            elif env.name == "PORT" and svc.plan.port:
                assert f" fixed PORT={svc.plan.port}" in line
            else:
                assert f" {env.wiring} {env.name}" in line, (svc.name, env.name)


@pytest.mark.parametrize("name", VARIANTS)
def test_no_secret_value_anywhere(name: str) -> None:
    for path, text in files(name).items():
        for no, line in enumerate(text.splitlines(), start=1):
            assert secret_kind(line) is None, f"{path}:{no}: {line}"
        if path.startswith("deploy/env/"):
            assert all(ln.startswith("#") or ln.endswith("=") for ln in text.splitlines()), path


def test_secret_store_follows_the_design() -> None:
    assert "sops --decrypt --extract" in files("discord-bot")["deploy/vm/render-env.sh"]
    aws = files("evm-dapp")["deploy/vm/render-env.sh"]
    assert "aws secretsmanager get-secret-value --secret-id" in aws and 'AWS_REGION:-us-east-1' in aws
    vault = design("py-web3", scale=frozenset({("peak_rps", 5)}), backup=frozenset({("rpo_minutes", 60)}),
                   security=frozenset({("secrets_manager", "vault")}))
    text = next(f.content for f in VmRenderer().render(vault) if f.path.endswith("render-env.sh"))
    assert 'vault kv get -mount="$VAULT_KV_MOUNT" -field=value' in text


def test_unwirable_designs_are_refused_with_the_names() -> None:
    d = vm_design("discord-bot")
    no_store = d.model_copy(update={"security": {**d.security, "secrets": "open item"}})
    with pytest.raises(LaunchbayError, match="DISCORD_TOKEN"):
        list(VmRenderer().render(no_store))
    mongo = DataStore(name="mongodb", engine="mongodb", role="database", used_by=(d.services[0].name,),
                      sizes={"production": StoreSize(instance_class=None, storage_gb=5, multi_az=False,
                                                     max_connections=None, needed_connections=None)})
    with pytest.raises(LaunchbayError, match="mongodb"):
        list(VmRenderer().render(d.model_copy(update={"data_stores": (*d.data_stores, mongo)})))


# --- host: provisioning, units, backups, docs --------------------------------------------------

@pytest.mark.parametrize("name", VARIANTS)
def test_provision_is_strict_idempotent_and_embeds_the_unit_files(name: str) -> None:
    out = files(name)
    text = out["deploy/vm/provision.sh"]
    lay = layout(vm_design(name))
    assert "set -euo pipefail" in text and "docker.io docker-compose" in text
    assert "useradd --create-home --shell /bin/bash deploy" in text and "id -u deploy" in text
    assert "ufw default deny incoming" in text and 'ufw allow from "$cidr" to any port 22 proto tcp' in text
    assert ("ufw allow 443/tcp" in text) == lay.has_caddy
    assert 'APT::Periodic::Unattended-Upgrade "1";' in text
    for body in (app_unit(lay), backup_service_unit(lay), backup_timer_unit(lay)):
        assert "\n".join(body) in text
    assert out[f"deploy/vm/systemd/{lay.unit}"] == "\n".join(app_unit(lay)) + "\n"
    unit = out[f"deploy/vm/systemd/{lay.unit}"]
    assert "docker compose --project-name" in unit and "up --detach" in unit and "ExecStartPre=" in unit


OWN_NODES = {"deployment": frozenset({("cloud", "self-hosted")}),
             "blockchain": frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum", "sepolia"))})}


def _stacks_line(text: str) -> list[str]:
    line = next(ln for ln in text.splitlines() if ln.startswith("STACKS=("))
    return shlex.split(line.removeprefix("STACKS=(").removesuffix(")"))


def test_the_stacks_beside_the_app_follow_the_design() -> None:
    """Which stacks run is the monitoring and chains renderers' own decision; the networks they join are read
    from their generated Compose files."""
    assert _stacks_line(files("discord-bot")["deploy/vm/stacks.sh"]) == [
        "monitoring|deploy/monitoring|compose.monitoring.yml|"]
    dapp = files("evm-dapp")
    assert _stacks_line(dapp["deploy/vm/stacks.sh"]) == ["monitoring|deploy/monitoring|compose.monitoring.yml|",
                                                         "chains|deploy/chains|compose.yml|chains"]
    nodes = {f.path: f.content for f in VmRenderer().render(design("evm-dapp", **OWN_NODES))}
    assert _stacks_line(nodes["deploy/vm/stacks.sh"])[1] == "chains|deploy/chains|compose.yml compose.nodes.yml|chains"
    kit = {f.path: f.content for f in ChainsRenderer().render(vm_design("evm-dapp"))}
    kit.update({f.path: f.content for f in MonitoringRenderer().render(vm_design("evm-dapp"))})
    joined: list[str] = []
    for path in ("deploy/monitoring/compose.monitoring.yml", "deploy/chains/compose.yml"):
        for net in (yaml.safe_load(kit[path])["networks"] or {}).values():
            if net.get("external") and net["name"] not in joined:
                joined.append(net["name"])
    assert joined == ["evm-dapp_edge", "evm-dapp_data"]
    assert f"STACK_NETWORKS=({' '.join(joined)})" in dapp["deploy/vm/deploy.sh"]
    assert "stacks.sh" in next(ln for ln in dapp["deploy/vm/deploy.sh"].splitlines() if ln.startswith("KIT="))


def test_provision_prepares_the_stacks() -> None:
    for name in VARIANTS:
        out = files(name)
        lay = layout(vm_design(name))
        text = out["deploy/vm/provision.sh"]
        assert "install -d -m 0755 -o root -g root /var/lib/node_exporter/textfile" in text
        tmpfiles = text.split("<<'TMPFILES' || true\n", 1)[1].split("\nTMPFILES\n", 1)[0]
        assert tmpfiles.strip().splitlines() == [
            f"d {lay.runtime_dir} 0700 deploy deploy -", f"d /run/{lay.project}/monitoring 2750 deploy deploy -",
            f"d /run/{lay.project}/monitoring/alertmanager 2750 deploy deploy -"]
        unit = out[f"deploy/vm/systemd/{lay.project}-stacks.service"]
        assert unit.rstrip("\n") in text and f"systemctl enable {lay.project}-stacks.service" in text
        assert f"Requires=docker.service {lay.unit}" in unit and f"ExecStart={lay.app_dir}/stacks.sh up" in unit


def test_a_service_keyed_like_the_chain_stacks_env_file_is_refused() -> None:
    d = vm_design("evm-dapp")
    services = tuple(s.model_copy(update={"component": "apps/chains"}) if s.component == "apps/api" else s
                     for s in d.services)
    with pytest.raises(LaunchbayError, match="clashes with the chain stack"):
        list(VmRenderer().render(d.model_copy(update={"services": services})))


def test_backups_follow_the_plan() -> None:
    bot = files("discord-bot")
    plan = vm_design("discord-bot").backup
    assert plan is not None
    assert "sqlite3 \"$db\" \".backup" in bot["deploy/vm/backup.sh"]
    assert f"RETENTION_DAYS={plan.retention_days}" in bot["deploy/vm/backup.sh"]
    assert "OnCalendar=hourly" in bot["deploy/vm/systemd/discord-bot-backup.timer"]
    assert "aws s3" not in bot["deploy/vm/backup.sh"]  # off the host by the provider's disk backups
    dapp = files("evm-dapp")["deploy/vm/backup.sh"]
    assert "pg_dump --username=evm_dapp --dbname=evm_dapp --format=custom" in dapp
    assert "aws s3 cp --recursive --only-show-errors --region us-west-2" in dapp


@pytest.mark.parametrize("name", VARIANTS)
def test_readme_figures_are_the_designs(name: str) -> None:
    d = vm_design(name)
    text = files(name)["deploy/vm/README.md"]
    for plan in d.services:
        for size in plan.sizes.values():
            assert f"{size.vcpu.normalize():f} vCPU, {size.memory_mib} MiB" in text
    if d.backup:
        assert f"keeps {d.backup.retention_days} days" in text and d.backup.method in text
        assert f"RPO {d.backup.rpo_minutes} min" in text
    for note in d.backup.notes if d.backup else ():
        assert note in text


# --- validators --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in VARIANTS:
        root = tmp_path_factory.mktemp(name)
        write_kit(render_kit(vm_design(name), {"vm": VmRenderer()}), root)
        out[name] = root
    return out


@pytest.mark.validator
@pytest.mark.parametrize("name", VARIANTS)
def test_shellcheck_and_bash_n_find_nothing(name: str, kits: dict[str, Path]) -> None:
    _tool("shellcheck")
    report = validate_kit(kits[name], strict=True, validators={"shell": ShellValidator()})
    (result,) = report.results
    assert result.status == "PASS" and result.findings == (), result.findings
    assert "6 script(s)" in result.summary  # deploy, rollback, render-env, provision, backup, stacks


@pytest.mark.validator
@pytest.mark.parametrize("name", VARIANTS)
def test_compose_schema_finds_nothing(name: str, kits: dict[str, Path]) -> None:
    _tool("check-jsonschema")
    report = validate_kit(kits[name], strict=True, validators={"compose": ComposeValidator()})
    (result,) = report.results
    assert result.status == "PASS" and result.findings == (), result.findings


@pytest.mark.validator
def test_validators_report_real_problems_with_lines(tmp_path: Path) -> None:
    _tool("shellcheck")
    _tool("check-jsonschema")
    (tmp_path / "bad.sh").write_text("#!/usr/bin/env bash\necho $1\nif then\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x\n    restart: 3\n", encoding="utf-8")
    files_ = kit_files(tmp_path)
    shell = ShellValidator().run(tmp_path, files_, _resolve("shellcheck"))
    assert shell.status == "FAIL" and any(f[1] == 3 and "bash -n" in f[2] for f in shell.findings)
    comp = ComposeValidator().run(tmp_path, files_, _resolve("check-jsonschema"))
    assert comp.status == "FAIL" and comp.findings[0][:2] == ("compose.yaml", 4)


def _resolve(name: str) -> Any:
    from launchbay.validators.base import find_tool

    return find_tool(name)


def test_only_generated_scripts_are_checked(tmp_path: Path) -> None:
    write_kit(render_kit(vm_design("discord-bot"), {"vm": VmRenderer()}), tmp_path)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "theirs.sh").write_text("echo $1\n", encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text("services: 3\n", encoding="utf-8")
    all_files = kit_files(tmp_path)
    assert ShellValidator().applies(tmp_path, all_files)
    from launchbay.validators.compose import compose_files
    from launchbay.validators.shell import scripts

    assert "scripts/theirs.sh" not in scripts(tmp_path, all_files)
    assert compose_files(tmp_path, all_files) == ("deploy/vm/compose.yaml",)


def test_json_paths_map_to_lines() -> None:
    text = "services:\n  'a.b':\n    image: x\n    ports:\n      - 1\n      - 2\n"
    assert path_line(text, "$.services['a.b'].ports[1]") == 6
    assert path_line(text, "$.services['a.b']") == 3
    assert path_line(text, "$.nothing.here") == 1


def test_generated_workspace_dockerfiles_build_from_the_context_their_recipe_expects() -> None:
    from launchbay.renderers.dockerfile import build_context
    from launchbay.renderers.vm_layout import layout

    d = design("evm-dapp", deployment=frozenset({("cloud", "self-hosted")}))
    web = next(s for s in layout(d).services if s.plan.component == "apps/web")
    assert web.plan.runtime is not None and web.plan.runtime.dockerfile is None  # launchbay generates it
    assert web.context == build_context(d, web.plan) == "."  # a pnpm workspace member copies the root lockfile
