"""A small Docker Engine API client over the daemon's unix socket (stdlib only).

The rehearsal creates containers through the API rather than `docker run` because only the API takes
a compose healthcheck in exec form (`["CMD", ...]`) unchanged, and because environment values travel
in the request body instead of on a command line other users can read.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.parse
from typing import Any

API_VERSION = "v1.41"  # Docker 20.10; newer engines still serve it


class DockerApiError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"docker API {status}: {message}")
        self.status = status


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


def socket_path(docker_host: str) -> str:
    """`unix:///run/x.sock` → `/run/x.sock`; other schemes are not supported here."""
    if not docker_host.startswith("unix://"):
        raise ValueError(f"only unix sockets are supported, not {docker_host!r}")
    return docker_host[len("unix://"):]


class DockerApi:
    def __init__(self, docker_host: str, timeout: float = 60) -> None:
        self.path = socket_path(docker_host)
        self.timeout = timeout

    def raw(self, method: str, url: str, body: Any = None, query: dict[str, Any] | None = None,
            timeout: float | None = None) -> tuple[int, bytes]:
        conn = _UnixConnection(self.path, timeout or self.timeout)
        try:
            full = f"/{API_VERSION}{url}"
            if query:
                full += "?" + urllib.parse.urlencode(query)
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json"} if data is not None else {}
            conn.request(method, full, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def call(self, method: str, url: str, body: Any = None, query: dict[str, Any] | None = None,
             ok: tuple[int, ...] = (200, 201, 204, 304), timeout: float | None = None) -> Any:
        status, data = self.raw(method, url, body, query, timeout)
        if status not in ok:
            try:
                message = json.loads(data).get("message", data.decode(errors="replace"))
            except ValueError:
                message = data.decode(errors="replace")
            raise DockerApiError(status, str(message))
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return data

    def ping(self) -> bool:
        try:
            status, _ = self.raw("GET", "/_ping", timeout=3)
        except OSError:
            return False
        return status == 200

    def containers(self, labels: dict[str, str | None], all_: bool = True) -> list[dict[str, Any]]:
        """Containers carrying every label (`None`: the label with any value)."""
        filters = {"label": [k if v is None else f"{k}={v}" for k, v in labels.items()]}
        result = self.call("GET", "/containers/json", query={"all": int(all_), "filters": json.dumps(filters)})
        return list(result or [])

    def inspect(self, ident: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/containers/{ident}/json"))

    def image(self, ref: str) -> dict[str, Any] | None:
        try:
            return dict(self.call("GET", f"/images/{urllib.parse.quote(ref, safe='')}/json"))
        except DockerApiError as err:
            if err.status == 404:
                return None
            raise

    def create(self, name: str, body: dict[str, Any]) -> str:
        return str(self.call("POST", "/containers/create", body=body, query={"name": name})["Id"])

    def start(self, ident: str) -> None:
        self.call("POST", f"/containers/{ident}/start")

    def stop(self, ident: str, timeout_s: int) -> None:
        self.call("POST", f"/containers/{ident}/stop", query={"t": timeout_s}, timeout=timeout_s + 30)

    def remove(self, ident: str) -> None:
        self.call("DELETE", f"/containers/{ident}", query={"force": 1, "v": 1}, ok=(200, 204, 404))

    def wait(self, ident: str, timeout_s: float) -> int:
        result = self.call("POST", f"/containers/{ident}/wait", timeout=timeout_s)
        return int(result.get("StatusCode", 1))

    def logs(self, ident: str, timestamps: bool = False) -> tuple[str, str]:
        """(stdout, stderr) of a container without a TTY (the stream is multiplexed in frames)."""
        status, data = self.raw("GET", f"/containers/{ident}/logs",
                                query={"stdout": 1, "stderr": 1, "timestamps": int(timestamps)})
        if status != 200:
            return "", ""
        return demux(data)

    def exec_run(self, ident: str, cmd: list[str], timeout_s: float = 120) -> tuple[int, str, str]:
        """Run `cmd` in a running container; (exit code, stdout, stderr)."""
        created = self.call("POST", f"/containers/{ident}/exec",
                            body={"Cmd": cmd, "AttachStdout": True, "AttachStderr": True})
        exec_id = created["Id"]
        status, data = self.raw("POST", f"/exec/{exec_id}/start", body={"Detach": False, "Tty": False},
                                timeout=timeout_s)
        if status != 200:
            return 1, "", data.decode(errors="replace")
        out, err = demux(data)
        info = self.call("GET", f"/exec/{exec_id}/json")
        code = info.get("ExitCode")
        return (int(code) if code is not None else 1), out, err


def demux(data: bytes) -> tuple[str, str]:
    """Split Docker's multiplexed stdout/stderr stream (8-byte frame headers) into two texts."""
    out, err = bytearray(), bytearray()
    i = 0
    while i + 8 <= len(data):
        stream, size = data[i], int.from_bytes(data[i + 4:i + 8], "big")
        (err if stream == 2 else out).extend(data[i + 8:i + 8 + size])
        i += 8 + size
    return out.decode(errors="replace"), err.decode(errors="replace")
