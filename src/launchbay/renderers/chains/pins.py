"""Typed access to `data/chains/clients.yaml`: the pinned images, ports and flag lists of the chain
infrastructure, each with the release it came from. Data, not code, so a version bump is a one-line,
reviewable change with its source beside it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Image:
    image: str
    version: str
    release: str
    released: str

    @property
    def ref(self) -> str:
        return f"{self.image}:{self.version}"


@dataclass(frozen=True)
class ClientPin:
    """One node client: image, ports, and the flags that run it on a network."""

    id: str
    layer: str
    image: Image
    checked: str
    data: str
    writable: tuple[str, ...]
    ports: dict[str, int]
    metrics_path: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    full_args: tuple[str, ...]
    archive_args: tuple[str, ...]
    checkpoint_args: tuple[str, ...] = ()

    def checkpoint_argv(self, **values: str | int) -> list[str]:
        """The one-shot checkpoint-sync run before the client starts ([] when the client does it itself)."""
        return [arg.format(**values) for arg in self.checkpoint_args]

    def argv(self, mode: str, **values: str | int) -> list[str]:
        """The client's arguments with placeholders filled, plus its full/archive mode flags."""
        extra = self.archive_args if mode == "archive" else self.full_args
        return [arg.format(**values) for arg in (*self.args, *extra)]


@dataclass(frozen=True)
class NetworkPin:
    name: str
    chain_id: int
    block_time_s: int
    flags: dict[str, str]
    checkpoint_sync_url: str
    checkpoint_source: str


@dataclass(frozen=True)
class ProxyPin:
    image: Image
    uid: int
    http_port: int
    metrics_port: int
    health_path: str


@dataclass(frozen=True)
class Pins:
    compiled: str
    busybox: Image
    proxy: ProxyPin
    graph_node: Image
    graph_node_ports: dict[str, int]
    ipfs: Image
    ipfs_uid: int
    ipfs_api_port: int
    networks: dict[str, NetworkPin]
    block_times: dict[str, float]
    clients: dict[str, ClientPin]


def _image(raw: dict[str, Any]) -> Image:
    return Image(image=str(raw["image"]), version=str(raw["version"]), release=str(raw["release"]),
                 released=str(raw["released"]))


def _strs(raw: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in raw or ())


@cache
def pins() -> Pins:
    text = resources.files("launchbay").joinpath("data", "chains", "clients.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    proxy = raw["proxy"]["erpc"]
    graph = raw["indexer"]["graph-node"]
    ipfs = raw["indexer"]["ipfs"]
    clients = {
        cid: ClientPin(id=cid, layer=str(c["layer"]), image=_image(c), checked=str(c["checked"]), data=str(c["data"]),
                       writable=_strs(c.get("writable")), ports={k: int(v) for k, v in c["ports"].items()},
                       metrics_path=str(c["metrics_path"]), command=_strs(c.get("command")), args=_strs(c["args"]),
                       full_args=_strs(c.get("full_args")), archive_args=_strs(c.get("archive_args")),
                       checkpoint_args=_strs(c.get("checkpoint_args")))
        for cid, c in raw["clients"].items()
    }
    networks = {
        name: NetworkPin(name=name, chain_id=int(n["chain_id"]), block_time_s=int(n["block_time_s"]),
                         flags={k: str(v) for k, v in n["flags"].items()},
                         checkpoint_sync_url=str(n["checkpoint_sync_url"]),
                         checkpoint_source=str(n["checkpoint_source"]))
        for name, n in raw["networks"].items()
    }
    return Pins(
        compiled=str(raw["compiled"]), busybox=_image(raw["helpers"]["busybox"]),
        proxy=ProxyPin(image=_image(proxy), uid=int(proxy["uid"]), http_port=int(proxy["http_port"]),
                       metrics_port=int(proxy["metrics_port"]), health_path=str(proxy["health_path"])),
        graph_node=_image(graph), graph_node_ports={k: int(v) for k, v in graph["ports"].items()},
        ipfs=_image(ipfs), ipfs_uid=int(ipfs["uid"]), ipfs_api_port=int(ipfs["api_port"]),
        networks=networks, block_times={k: float(v) for k, v in raw["block_times_s"].items()}, clients=clients,
    )
