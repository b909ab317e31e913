"""The vm scripts run for real in a sandbox: fake `docker` (and `caddy`, `sops`, `aws`) commands on
PATH record their arguments and answer the health queries, so the tests see exactly what deploy.sh,
rollback.sh, render-env.sh and backup.sh would do on a host — in what order, and what they leave."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.monitoring import MonitoringRenderer
from launchbay.renderers.vm import VmRenderer
from tests.kit.test_vm import vm_design

FAKE_DOCKER = r"""#!/usr/bin/env bash
# Records every call; answers `compose ps --quiet SERVICE` with an id and `inspect` with a health state.
printf '%s\n' "$*" >>"$FAKE_LOG"
args=("$@")
last="${args[${#args[@]}-1]}"
if [[ " $* " == *" ps "* && " $* " == *" --quiet "* ]]; then
  printf 'id-%s\n' "$last"
elif [[ "$1" == inspect ]]; then
  service="${last#id-}"
  if [[ -n "${FAKE_UNHEALTHY:-}" && "$service" == $FAKE_UNHEALTHY ]]; then
    echo "unhealthy 0"
  elif [[ -n "${FAKE_STARTING:-}" && "$service" == $FAKE_STARTING ]]; then
    echo "starting 0"
  else
    echo "healthy 0"
  fi
elif [[ " $* " == *" caddy reload "* && -n "${FAKE_RELOAD_FAILS:-}" ]]; then
  exit 1
elif [[ "$1 $2" == "network inspect" && -n "${FAKE_NO_NETWORKS:-}" ]]; then
  exit 1
elif [[ " $* " == *" up "* && -n "${FAKE_STACK_FAILS:-}" && " $* " == *"$FAKE_STACK_FAILS"* ]]; then
  exit 1
fi
exit 0
"""

FAKE_GETENT = """#!/usr/bin/env bash
[[ "$*" == "group docker" ]] && echo "docker:x:999:"
"""

RECORDER = """#!/usr/bin/env bash
printf '%s %s\\n' "$(basename "$0")" "$*" >>"$FAKE_LOG"
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@dataclass
class Host:
    """A fake VM: the app, state and config folders, a bin folder of fakes and the call log."""

    root: Path
    files: dict[str, str]

    @property
    def app(self) -> Path:
        return self.root / "app"

    @property
    def log(self) -> Path:
        return self.root / "calls.log"

    @property
    def state(self) -> Path:
        return self.root / "state" / "state.env"

    def calls(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def env(self, **extra: str) -> dict[str, str]:
        return {"PATH": f"{self.root / 'bin'}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(self.log),
                "APP_DIR": str(self.app), "STATE_DIR": str(self.root / "state"),
                "CONFIG_DIR": str(self.root / "etc"), "HEALTH_TIMEOUT": "5", "HEALTH_INTERVAL": "0",
                "RUNTIME_DIR": str(self.root / "run" / "env"), "TEXTFILE_DIR": str(self.root / "textfile"),
                "MONITORING_SECRETS_DIR": str(self.root / "run" / "monitoring"),
                "REGISTRY": "registry.example/team", "HOME": str(self.root), **extra}

    def run(self, script: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(self.app / script), *args], env=self.env(**extra), capture_output=True,
                              text=True, timeout=60, check=False)

    def state_of(self) -> dict[str, str]:
        lines = self.state.read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)

    def upstream(self, name: str) -> str:
        return (self.app / "caddy" / "active" / f"{name}.caddy").read_text(encoding="utf-8")


def make_host(tmp_path: Path, name: str) -> Host:
    host = Host(root=tmp_path, files={f.path: f.content for f in VmRenderer().render(vm_design(name))})
    for folder in ("app", "state", "etc/config", "bin"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for path, text in host.files.items():
        if path.startswith("deploy/vm/") and path.endswith(".sh"):
            _executable(host.app / path.rsplit("/", 1)[-1], text)
    _executable(host.app / "render-env.sh", "#!/usr/bin/env bash\nprintf 'render-env\\n' >>\"$FAKE_LOG\"\n")
    (host.app / "environment.env").write_text(host.files["deploy/vm/environments/production.env"], encoding="utf-8")
    _executable(tmp_path / "bin" / "docker", FAKE_DOCKER)
    _executable(tmp_path / "bin" / "caddy", RECORDER)
    _executable(tmp_path / "bin" / "getent", FAKE_GETENT)
    return host


def index(calls: list[str], *needles: str, start: int = 0) -> int:
    """The first call at or after `start` containing every needle."""
    for i, call in enumerate(calls[start:], start=start):
        if all(n in call for n in needles):
            return i
    raise AssertionError(f"no call with {needles} in:\n" + "\n".join(calls[start:]))


def absent(calls: list[str], *needles: str, start: int = 0) -> bool:
    return not any(all(n in c for n in needles) for c in calls[start:])


# --- deploy.sh: blue-green ----------------------------------------------------------------------

def test_blue_green_order_new_up_healthy_switch_old_down(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    first = host.run("deploy.sh", "v1")
    assert first.returncode == 0, first.stderr
    assert host.state_of()["ACTIVE_COLOUR"] == "blue" and "api-blue 8080" in host.upstream("api")
    mark = len(host.calls())

    second = host.run("deploy.sh", "v2")
    assert second.returncode == 0, second.stderr
    calls = host.calls()
    migrate = index(calls, "run --rm --no-deps -T api-green sh -c prisma migrate deploy", start=mark)
    up = index(calls, "up --detach --no-deps --force-recreate api-green web-green", start=mark)
    healthy = index(calls, "inspect", "id-api-green", start=up)
    switch = index(calls, "exec -T caddy caddy reload --config /etc/caddy/Caddyfile", start=healthy)
    singleton_stop = index(calls, "--profile green stop indexer", start=switch)
    singleton_up = index(calls, "up --detach --no-deps --force-recreate indexer", start=singleton_stop)
    old_down = index(calls, "--profile blue rm --stop --force api-blue web-blue", start=singleton_up)
    assert migrate < up < healthy < switch < singleton_stop < singleton_up < old_down
    assert absent(calls, "rm --stop", "api-green", start=mark)  # the new colour is kept
    assert "api-green 8080" in host.upstream("api") and "web-green 3000" in host.upstream("web")
    assert host.state_of() == {"ACTIVE_COLOUR": "green", "VERSION": "v2", "REGISTRY": "registry.example/team",
                               "PREVIOUS_COLOUR": "blue", "PREVIOUS_VERSION": "v1",
                               "PREVIOUS_REGISTRY": "registry.example/team"}
    assert not any(c.startswith("caddy ") for c in calls)  # Caddy is reloaded inside its container


def test_failing_health_check_leaves_the_old_colour_serving(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert host.run("deploy.sh", "v1").returncode == 0
    mark = len(host.calls())
    before = host.state.read_text(encoding="utf-8")

    failed = host.run("deploy.sh", "v2", FAKE_UNHEALTHY="api-green")
    assert failed.returncode != 0
    assert "failed its health check in green" in failed.stderr and "blue keeps serving" in failed.stderr
    calls = host.calls()
    up = index(calls, "up --detach --no-deps --force-recreate api-green web-green", start=mark)
    index(calls, "rm --stop --force api-green web-green", start=up)  # the broken colour is removed
    assert absent(calls, "caddy reload", start=mark)
    assert absent(calls, "api-blue", start=mark) and absent(calls, "indexer", start=up)
    assert "api-blue 8080" in host.upstream("api")
    assert host.state.read_text(encoding="utf-8") == before


def test_health_wait_is_bounded(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert host.run("deploy.sh", "v1").returncode == 0
    failed = host.run("deploy.sh", "v2", FAKE_STARTING="web-green", HEALTH_TIMEOUT="1", HEALTH_INTERVAL="0.2")
    assert failed.returncode != 0 and "gave up waiting" in failed.stderr
    assert host.state_of()["VERSION"] == "v1" and "web-blue 3000" in host.upstream("web")


def test_a_failing_singleton_restores_the_previous_release(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert host.run("deploy.sh", "v1").returncode == 0
    mark = len(host.calls())
    failed = host.run("deploy.sh", "v2", FAKE_UNHEALTHY="indexer")
    assert failed.returncode != 0 and "v1 restored" in failed.stderr
    calls = host.calls()
    switch = index(calls, "caddy reload", start=mark)
    restart_old = index(calls, "--profile blue up --detach --no-deps --force-recreate indexer", start=switch)
    switch_back = index(calls, "--profile blue exec -T caddy caddy reload", start=restart_old)
    index(calls, "rm --stop --force api-green web-green", start=switch_back)
    assert "api-blue 8080" in host.upstream("api") and host.state_of()["VERSION"] == "v1"


def test_failed_caddy_reload_switches_nothing(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert host.run("deploy.sh", "v1").returncode == 0
    failed = host.run("deploy.sh", "v2", FAKE_RELOAD_FAILS="1")
    assert failed.returncode != 0 and "caddy reload failed" in failed.stderr
    assert "api-blue 8080" in host.upstream("api") and host.state_of()["VERSION"] == "v1"


def test_refuses_latest_and_concurrent_deploys(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert "refusing" in host.run("deploy.sh", "latest").stderr
    assert host.run("deploy.sh", "not a tag").returncode != 0
    with (tmp_path / "state" / "deploy.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another deploy holds the lock
        busy = host.run("deploy.sh", "v1")
    assert busy.returncode != 0 and "another deploy" in busy.stderr
    assert host.calls() == []


# --- deploy.sh: singletons; rollback.sh --------------------------------------------------------

def test_a_bot_is_stopped_before_it_is_started(tmp_path: Path) -> None:
    host = make_host(tmp_path, "discord-bot")
    assert host.run("deploy.sh", "v1").returncode == 0
    mark = len(host.calls())
    result = host.run("deploy.sh", "v2")
    assert result.returncode == 0, result.stderr
    calls = host.calls()
    stop = index(calls, "stop discord-bot", start=mark)
    start = index(calls, "up --detach --no-deps --force-recreate discord-bot", start=mark)
    assert stop < start < index(calls, "inspect", "id-discord-bot", start=start)
    assert absent(calls, "caddy", start=mark) and absent(calls, "-blue", start=mark)


def test_rollback_redeploys_the_recorded_previous_version(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    nothing = host.run("rollback.sh")
    assert nothing.returncode != 0 and "no previous version" in nothing.stderr
    assert host.run("deploy.sh", "v1").returncode == 0
    assert host.run("deploy.sh", "v2").returncode == 0
    mark = len(host.calls())
    back = host.run("rollback.sh")
    assert back.returncode == 0, back.stderr
    calls = host.calls()
    assert absent(calls, "run --rm", start=mark)  # no migrations on the way back
    index(calls, "--profile blue up --detach --no-deps --force-recreate api-blue web-blue", start=mark)
    assert "api-blue 8080" in host.upstream("api")
    assert host.state_of()["VERSION"] == "v1" and host.state_of()["PREVIOUS_VERSION"] == "v2"


def _release_tree(host: Host, name: str) -> Path:
    """The repository at one version, as the pipeline ships it: the vm kit plus the stacks' folders."""
    release = host.root / "release"
    stacks = {f.path: f.content for f in MonitoringRenderer().render(vm_design(name))}
    stacks.update({f.path: f.content for f in ChainsRenderer().render(vm_design(name))})
    for path, text in {**host.files, **stacks}.items():
        target = release / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return release


def test_release_tree_installs_the_kit_and_builds_without_a_registry(tmp_path: Path) -> None:
    host = make_host(tmp_path, "discord-bot")
    release = _release_tree(host, "discord-bot")
    (release / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    for script in ("deploy.sh", "render-env.sh"):
        (host.app / script).unlink()
    _executable(release / "deploy" / "vm" / "render-env.sh", "#!/usr/bin/env bash\nexit 0\n")
    (tmp_path / "etc" / "deploy.env").write_text("DEPLOY_ENVIRONMENT=production\n", encoding="utf-8")
    env = {k: v for k, v in host.env().items() if k != "REGISTRY"}
    _executable(tmp_path / "bin" / "docker", FAKE_DOCKER.replace("exit 0\n", '[[ "$1" != image ]] || exit 1\nexit 0\n'))
    proc = subprocess.run(["bash", str(release / "deploy" / "vm" / "deploy.sh"), "abc123"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (host.app / "compose.yaml").read_text(encoding="utf-8") == host.files["deploy/vm/compose.yaml"]
    assert os.access(host.app / "deploy.sh", os.X_OK)
    calls = host.calls()
    index(calls, "build --file", f"{release}/Dockerfile", "--tag local/discord-bot/discord-bot:abc123")
    assert host.state_of()["REGISTRY"] == "local"
    # the monitoring stack was installed beside the app and (new files) started with its containers recreated
    installed = host.app / "monitoring" / "compose.monitoring.yml"
    assert installed.read_text(encoding="utf-8") == (release / "deploy/monitoring/compose.monitoring.yml").read_text(
        encoding="utf-8")
    index(calls, f"compose --project-directory {host.app}/monitoring --file {installed} up --detach "
                 "--remove-orphans --force-recreate")
    mark = len(calls)
    again = subprocess.run(["bash", str(release / "deploy" / "vm" / "deploy.sh"), "abc124"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 0, again.stderr
    up = index(host.calls(), f"--file {installed} up --detach --remove-orphans", start=mark)
    assert "--force-recreate" not in host.calls()[up]  # nothing changed: up is a no-op for running containers


# --- render-env.sh ----------------------------------------------------------------------------

SECRET = "fake-test-secret-9f2c"


def test_render_env_writes_0600_files_and_never_prints_values(tmp_path: Path) -> None:
    host = make_host(tmp_path, "discord-bot")
    _executable(host.app / "render-env.sh", host.files["deploy/vm/render-env.sh"])
    _executable(tmp_path / "bin" / "sops", f"#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>\"$FAKE_LOG\"\n"
                                           f"printf '{SECRET}\\n'\n")
    runtime = tmp_path / "run" / "env"
    config = tmp_path / "etc" / "config" / "discord-bot.env"
    config.write_text("DIGEST_CRON=0 9 * * *\nDISCORD_CLIENT_ID=123\nGUILD_ID=456\nLOG_LEVEL=info\n", encoding="utf-8")
    ok = host.run("render-env.sh", RUNTIME_DIR=str(runtime))
    assert ok.returncode == 0, ok.stderr
    out = runtime / "discord-bot.env"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8") == (f"DIGEST_CRON='0 9 * * *'\nDISCORD_CLIENT_ID='123'\n"
                                               f"DISCORD_TOKEN='{SECRET}'\nGUILD_ID='456'\nLOG_LEVEL='info'\n")
    assert SECRET not in ok.stdout + ok.stderr
    assert '--extract ["DISCORD_TOKEN"]' in host.log.read_text(encoding="utf-8")

    config.write_text("DIGEST_CRON=0 9 * * *\n", encoding="utf-8")  # three config values missing now
    missing = host.run("render-env.sh", RUNTIME_DIR=str(runtime))
    assert missing.returncode != 0 and "3 variable(s) not wired" in missing.stderr
    assert "GUILD_ID has no value" in missing.stderr and SECRET not in missing.stderr
    assert f"DISCORD_TOKEN='{SECRET}'" in out.read_text(encoding="utf-8")  # the previous file is untouched
    assert sorted(p.name for p in runtime.iterdir()) == ["discord-bot.env"]


def test_render_env_reads_aws_secrets_by_name(tmp_path: Path) -> None:
    host = make_host(tmp_path, "py-web3")
    _executable(host.app / "render-env.sh", host.files["deploy/vm/render-env.sh"])
    _executable(tmp_path / "bin" / "aws", f"#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>\"$FAKE_LOG\"\n"
                                          f"printf '{SECRET}\\n'\n")
    (tmp_path / "etc" / "config" / "api.env").write_text("CHAIN_ID=8453\nLOG_LEVEL=info\n", encoding="utf-8")
    (tmp_path / "etc" / "config" / "worker.env").write_text("POLL_INTERVAL_SECONDS=5\n", encoding="utf-8")
    runtime = tmp_path / "run" / "env"
    ok = host.run("render-env.sh", RUNTIME_DIR=str(runtime))
    assert ok.returncode == 0, ok.stderr
    api = (runtime / "api.env").read_text(encoding="utf-8")
    assert "PORT='8001'\n" in api and f"RPC_URL='{SECRET}'\n" in api
    assert "SIGNER_PRIVATE_KEY" not in api  # a raw signing key: a signer replaces it, never the env file
    assert (runtime / "postgres.env").read_text(encoding="utf-8") == f"POSTGRES_PASSWORD='{SECRET}'\n"
    log = host.log.read_text(encoding="utf-8")
    assert "secretsmanager get-secret-value --secret-id py-web3/production/DATABASE_URL" in log
    assert SECRET not in ok.stdout + ok.stderr


# --- backup.sh ---------------------------------------------------------------------------------

def test_backup_copies_sqlite_checks_it_and_prunes(tmp_path: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 CLI not installed")
    host = make_host(tmp_path, "discord-bot")
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "lantern.db") as db:
        db.execute("create table t (x)")
        db.execute("insert into t values (42)")
    backups = tmp_path / "backups"
    old = backups / "20200101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (0, 0))
    proc = host.run("backup.sh", SQLITE_DIR=str(data), BACKUP_DIR=str(backups))
    assert proc.returncode == 0, proc.stderr
    (made,) = [p for p in backups.iterdir() if p.name != old.name]
    assert not old.exists()  # older than the retention
    with sqlite3.connect(made / "lantern.db") as copy:
        assert copy.execute("select x from t").fetchall() == [(42,)]
    assert "lantern.db" in (made / "SHA256SUMS").read_text(encoding="utf-8")


# --- the stacks beside the app (stacks.sh) -------------------------------------------------------

def test_stacks_start_after_the_data_stores_and_before_anything_switches(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    result = host.run("deploy.sh", "v1")
    assert result.returncode == 0, result.stderr
    calls = host.calls()
    base = index(calls, "up --detach postgres redis caddy")
    monitoring = index(calls, f"--project-directory {host.app}/monitoring --file {host.app}/monitoring/"
                              "compose.monitoring.yml up --detach --remove-orphans", start=base)
    chains = index(calls, f"--project-directory {host.app}/chains --file {host.app}/chains/compose.yml --env-file "
                          f"{tmp_path}/run/env/chains.env up --detach --remove-orphans", start=monitoring)
    migrate = index(calls, "run --rm --no-deps -T api-blue", start=chains)
    index(calls, "up --detach --no-deps --force-recreate api-blue web-blue", start=migrate)
    assert absent(calls, "--no-start")  # the app's networks already exist (the fake says so)


def test_a_first_deploy_creates_the_app_networks_before_the_stacks_join_them(tmp_path: Path) -> None:
    host = make_host(tmp_path, "discord-bot")  # no data store, no proxy: nothing else creates `edge` first
    result = host.run("deploy.sh", "v1", FAKE_NO_NETWORKS="1")
    assert result.returncode == 0, result.stderr
    calls = host.calls()
    inspect = index(calls, "network inspect discord-bot_edge")
    create = index(calls, "--profile blue up --no-start --no-deps discord-bot", start=inspect)
    stack = index(calls, "compose.monitoring.yml up --detach", start=create)
    index(calls, "up --detach --no-deps --force-recreate discord-bot", start=stack)


def test_a_stack_that_does_not_start_switches_nothing(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    assert host.run("deploy.sh", "v1").returncode == 0
    before = host.state.read_text(encoding="utf-8")
    mark = len(host.calls())
    failed = host.run("deploy.sh", "v2", FAKE_STACK_FAILS="compose.monitoring.yml")
    assert failed.returncode != 0 and "monitoring did not start" in failed.stderr
    assert "nothing switched" in failed.stderr
    calls = host.calls()
    assert absent(calls, "up --detach --no-deps --force-recreate api-green", start=mark)
    assert absent(calls, "caddy reload", start=mark)
    assert absent(calls, "run --rm", start=mark)  # no migration either
    assert host.state.read_text(encoding="utf-8") == before and "api-blue 8080" in host.upstream("api")


def test_render_env_writes_the_stacks_secrets_readable_by_their_group_only(tmp_path: Path) -> None:
    host = make_host(tmp_path, "evm-dapp")
    _executable(host.app / "render-env.sh", host.files["deploy/vm/render-env.sh"])
    _executable(tmp_path / "bin" / "aws", "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>\"$FAKE_LOG\"\n"
                                          "[[ \" $* \" != *\"${FAKE_MISSING:-none}\"* ]] || exit 255\n"
                                          f"printf '{SECRET}\\n'\n")
    (tmp_path / "etc" / "config" / "api.env").write_text("CORS_ORIGIN=x\nLOG_LEVEL=info\n", encoding="utf-8")
    (tmp_path / "etc" / "config" / "web.env").write_text("", encoding="utf-8")
    (tmp_path / "etc" / "config" / "indexer.env").write_text("", encoding="utf-8")
    runtime = tmp_path / "run" / "env"
    runtime.mkdir(parents=True)
    ok = host.run("render-env.sh")
    assert ok.returncode == 0, ok.stderr
    assert SECRET not in ok.stdout + ok.stderr
    secrets = tmp_path / "run" / "monitoring"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o2750
    assert stat.S_IMODE((secrets / "alertmanager").stat().st_mode) == 0o2750
    written = sorted(p.relative_to(secrets).as_posix() for p in secrets.rglob("*") if p.is_file())
    assert written == ["alertmanager/pagerduty_routing_key", "alertmanager/slack_webhook_url",
                       "grafana_admin_password", "postgres_password"]
    for rel in written:
        path = secrets / rel
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, rel
        assert path.read_text(encoding="utf-8") == SECRET  # no trailing newline: read verbatim as a key or URL
    chains = runtime / "chains.env"
    assert chains.read_text(encoding="utf-8") == f"ALCHEMY_API_KEY='{SECRET}'\n"
    assert stat.S_IMODE(chains.stat().st_mode) == 0o600
    log = host.log.read_text(encoding="utf-8")
    assert "--secret-id evm-dapp/production/ALERTMANAGER_SLACK_WEBHOOK_URL" in log
    assert "--secret-id evm-dapp/production/GRAFANA_ADMIN_PASSWORD" in log

    for path in secrets.rglob("*"):
        if path.is_file():
            path.unlink()
    missing = host.run("render-env.sh", FAKE_MISSING="GRAFANA_ADMIN_PASSWORD")
    assert missing.returncode != 0 and "secret GRAFANA_ADMIN_PASSWORD could not be read" in missing.stderr
    assert not [p for p in secrets.rglob("*") if p.is_file()]  # all or nothing, temporary files removed


def test_backup_reports_its_success_to_node_exporter_and_only_its_success(tmp_path: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 CLI not installed")
    host = make_host(tmp_path, "discord-bot")
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "lantern.db") as db:
        db.execute("create table t (x)")
    before = int(time.time())
    proc = host.run("backup.sh", SQLITE_DIR=str(data), BACKUP_DIR=str(tmp_path / "backups"))
    assert proc.returncode == 0, proc.stderr
    textfile = tmp_path / "textfile"
    assert sorted(p.name for p in textfile.iterdir()) == ["launchbay_backup.prom"]  # no temporary file left
    prom = textfile / "launchbay_backup.prom"
    assert stat.S_IMODE(prom.stat().st_mode) == 0o644  # node_exporter runs as nobody
    sample = prom.read_text(encoding="utf-8").splitlines()[-1]
    name, value = sample.rsplit(" ", 1)
    assert name == 'launchbay_backup_last_success_timestamp_seconds{store="all"}'
    assert before <= int(value) <= int(time.time())

    dapp = make_host(tmp_path / "dapp", "evm-dapp")  # pg_dump (the fake docker) writes nothing: the run fails
    failed = dapp.run("backup.sh", BACKUP_DIR=str(tmp_path / "dapp" / "backups"))
    assert failed.returncode != 0 and "pg_dump wrote nothing" in failed.stderr
    assert not (tmp_path / "dapp" / "textfile").exists()
