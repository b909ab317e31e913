"""A Docker engine for the rehearsal: a private `dockerd` on its own unix socket, or one already running.

The private daemon has no bridge, no iptables rules and no IP forwarding or masquerading: every
container the rehearsal runs uses the host network on loopback addresses, so nothing it starts is
reachable from outside the machine and no private address range is ever routed. Its data root is kept
(under the cache directory) so image layers survive between rehearsals; its socket and exec root live
in a short temporary directory (unix socket paths are limited to about 100 bytes). It is stopped by the
PID it was started with, with bounded waits.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from launchbay.errors import LaunchbayError
from launchbay.rehearsal.dockerapi import DockerApi

INSTALL_HINT = "apt-get install docker.io (root needed to run dockerd); or set DOCKER_HOST to a running engine"


class EngineUnavailable(LaunchbayError):
    """No Docker engine can be started or reached here."""


@dataclass
class Engine:
    """A reachable engine; `pid` is set only when this process started it (and so must stop it)."""

    host: str
    pid: int | None = None
    work_dir: Path | None = None
    log_path: Path | None = None
    _lock: IO[str] | None = field(default=None, repr=False)

    @property
    def api(self) -> DockerApi:
        return DockerApi(self.host)

    def env(self) -> dict[str, str]:
        """Environment for the docker CLI: this engine, and the classic builder (no BuildKit daemon)."""
        return {"DOCKER_HOST": self.host, "DOCKER_BUILDKIT": "0"}

    def docker(self, *args: str, timeout: float = 600, stdin: bytes | None = None,
               check: bool = True) -> subprocess.CompletedProcess[bytes]:
        exe = docker_cli()
        proc = subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=timeout, check=False,
                              env={**os.environ, **self.env()})
        if check and proc.returncode != 0:
            raise LaunchbayError(f"docker {' '.join(args[:3])} failed: "
                                 f"{proc.stderr.decode(errors='replace').strip()[-800:]}")
        return proc

    def stop(self, timeout_s: float = 40) -> None:
        """Stop the daemon this process started (SIGTERM, then SIGKILL after the timeout)."""
        if self.pid is not None:
            _terminate(self.pid, timeout_s)
            self.pid = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self.work_dir is not None:
            _unmount_under(self.work_dir)
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None


def _unmount_under(folder: Path) -> None:
    """dockerd leaves its network-namespace bind mount (exec-root/netns/default) behind: unmount it."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return
    prefix = str(folder.resolve()) + "/"
    points = [line.split()[1] for line in mounts if len(line.split()) > 1 and line.split()[1].startswith(prefix)]
    for point in sorted(points, key=len, reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True, timeout=30, check=False)


def docker_cli() -> str:
    exe = shutil.which("docker")
    if exe is None:
        raise EngineUnavailable("no docker client on PATH", hint=INSTALL_HINT)
    return exe


def _terminate(pid: int, timeout_s: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = 0 if _alive(pid) else pid
        if done == pid:
            return
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def system_path() -> str:
    """PATH with the system folders (dockerd, debootstrap and the chroot they call live in sbin)."""
    parts = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(parts + [d for d in ("/usr/local/sbin", "/usr/sbin", "/sbin") if d not in parts])


def which_system(name: str) -> str | None:
    return shutil.which(name, path=system_path())


def existing_engine() -> Engine | None:
    """The engine DOCKER_HOST names, when it is a unix socket that answers."""
    host = os.environ.get("DOCKER_HOST", "")
    if host.startswith("unix://") and DockerApi(host).ping():
        return Engine(host=host)
    return None


def can_start() -> str | None:
    """Why a private engine cannot be started here, or None when it can."""
    if which_system("dockerd") is None:
        return "dockerd is not installed"
    if os.geteuid() != 0:
        return "dockerd needs root"
    if shutil.which("docker") is None:
        return "no docker client on PATH"
    return None


def start_engine(data_root: Path, timeout_s: float = 60) -> Engine:
    """Start a private dockerd whose images live in `data_root`; wait (bounded) until it answers."""
    why = can_start()
    if why:
        raise EngineUnavailable(f"cannot start a Docker engine: {why}", hint=INSTALL_HINT)
    data_root.mkdir(parents=True, exist_ok=True)
    lock = (data_root.parent / f".{data_root.name}.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        lock.close()
        raise EngineUnavailable(f"another rehearsal is using {data_root}",
                                hint="wait for it to finish, or set LAUNCHBAY_CACHE to another folder") from err
    work = Path(tempfile.mkdtemp(prefix="lb-dockerd-", dir="/tmp"))
    sock = work / "docker.sock"
    log_path = work / "dockerd.log"
    args = [str(which_system("dockerd")), "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
            "--userland-proxy=false", "-H", f"unix://{sock}", "--data-root", str(data_root),
            "--exec-root", str(work / "exec"), "--pidfile", str(work / "docker.pid"), "--log-level", "warn"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env={**os.environ, "PATH": system_path()})
    engine = Engine(host=f"unix://{sock}", pid=proc.pid, work_dir=work, log_path=log_path, _lock=lock)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-1500:]
            engine.stop()
            raise EngineUnavailable(f"dockerd exited with {proc.returncode}: {tail}", hint=INSTALL_HINT)
        if sock.exists() and engine.api.ping():
            return engine
        time.sleep(0.3)
    tail = log_path.read_text(errors="replace")[-1500:]
    engine.stop()
    raise EngineUnavailable(f"dockerd did not answer within {timeout_s:.0f}s: {tail}", hint=INSTALL_HINT)
