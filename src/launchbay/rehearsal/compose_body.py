"""One compose service → the Engine API body of its container on the host network (see `adapt`).

Everything the generated compose file says is carried over (image, command, env files, environment,
user, read-only root, tmpfs, capabilities, security options, bind mounts, health check with its
timings, restart policy, CPU and memory limits, logging, stop grace period); only the host-network
adaptation in `adapt` changes addresses, and `ports:`/`networks:` are dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

from launchbay.rehearsal.adapt import Adaptation, caddy_wrapper, listen_on, parse_env_file, probe_at

PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
NUMBER_LABEL = "com.docker.compose.container-number"
HASH_LABEL = "com.docker.compose.config-hash"
RUN_LABEL = "launchbay.rehearsal.run"
CADDY_DIR = ".rehearsal-caddy"  # beside the installed Caddyfile: the wrapper and a copy of the generated file

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)")
_UNIT_NS = {"h": 3600e9, "m": 60e9, "s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}
_MEM = {"b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def duration_ns(text: str | int | float) -> int:
    if isinstance(text, int | float):
        return int(text * 1e9)
    return int(sum(float(n) * _UNIT_NS[u] for n, u in _DURATION.findall(text)))


def memory_bytes(text: str | int) -> int:
    if isinstance(text, int):
        return text
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([bkmg])?b?", text.strip().lower())
    if not m:
        raise ValueError(f"cannot read memory size {text!r}")
    return int(float(m.group(1)) * _MEM[m.group(2) or "b"])


def argv(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def environment(svc: dict[str, Any], adaptation: Adaptation) -> dict[str, str]:
    env: dict[str, str] = {}
    files = svc.get("env_file") or []
    for item in [files] if isinstance(files, str) else files:
        path = item if isinstance(item, str) else item["path"]
        env.update(parse_env_file(Path(adaptation.map_path(path))))
    declared = svc.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(entry.split("=", 1) if "=" in entry else (entry, "") for entry in declared)
    env.update({str(k): "" if v is None else str(v) for k, v in declared.items()})
    return env


def caddy_config_dir(source: str) -> Path:
    """Refresh the rehearsal's Caddy config folder from the installed Caddyfile; returns the folder."""
    installed = Path(source)
    folder = installed.parent / CADDY_DIR
    (folder / "active").mkdir(parents=True, exist_ok=True)  # the mount point of the upstream files' bind mount
    shutil.copyfile(installed, folder / "Caddyfile.generated")
    return folder


def _tmpfs(entry: str) -> tuple[str, str]:
    path, _, options = entry.partition(":")
    return path, options


def _binds(name: str, svc: dict[str, Any], adaptation: Adaptation, family: str | None) -> list[str]:
    binds = []
    for volume in svc.get("volumes") or []:
        if not isinstance(volume, str):
            raise ValueError(f"{name}: only short-syntax bind mounts are supported in the rehearsal")
        parts = volume.split(":")
        source, target = adaptation.map_path(parts[0]), parts[1]
        mode = parts[2] if len(parts) > 2 else "rw"
        if family == "caddy" and target == "/etc/caddy/Caddyfile":
            folder = caddy_config_dir(source)
            (folder / "Caddyfile").write_text(caddy_wrapper(adaptation.caddy_admin, adaptation.address(name),
                                                            "/etc/caddy/Caddyfile.generated"))
            binds.append(f"{folder}:/etc/caddy:ro")
            continue
        if not Path(source).exists():
            Path(source).mkdir(parents=True, exist_ok=True)
        binds.append(f"{source}:{target}:{mode}")
    return binds


def _health(name: str, svc: dict[str, Any], adaptation: Adaptation, family: str | None,
            address: str) -> dict[str, Any] | None:
    check = svc.get("healthcheck")
    if not check:
        return None
    if check.get("disable"):
        return {"Test": ["NONE"]}
    test = [str(t) for t in check["test"]] if isinstance(check["test"], list) else ["CMD-SHELL", check["test"]]
    if family == "redis":
        test = [*test[:2], "-h", address, *test[2:]] if test[1:2] == ["redis-cli"] else test
    elif family == "caddy":
        test = [t.replace("127.0.0.1:2019", adaptation.caddy_admin).replace("localhost:2019", adaptation.caddy_admin)
                for t in test]
    elif family is None:
        test = probe_at(test, address)
    out: dict[str, Any] = {"Test": test}
    for key, api_key in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod")):
        if key in check:
            out[api_key] = duration_ns(check[key])
    if "retries" in check:
        out["Retries"] = int(check["retries"])
    return out


def container_body(project: str, name: str, svc: dict[str, Any], adaptation: Adaptation,
                   image_config: dict[str, Any], replica: int = 0) -> dict[str, Any]:
    """The create body for replica `replica` of service `name`, with the host-network adaptation applied."""
    family = adaptation.families.get(name)
    address = adaptation.address(name, replica)
    env = environment(svc, adaptation)
    cmd = argv(svc.get("command"))
    image_cmd = [str(c) for c in (image_config.get("Cmd") or [])]
    if family is None:
        env = {k: listen_on([v], address)[0] for k, v in env.items()}
        adapted = listen_on(cmd if cmd is not None else image_cmd, address)
        if cmd is not None or adapted != image_cmd:
            cmd = adapted
    elif family == "postgres":
        env["LAUNCHBAY_LISTEN_ADDRESS"] = address
    elif family == "redis":
        cmd = [*(cmd if cmd is not None else image_cmd), "--bind", address]
    limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    logging = svc.get("logging") or {}
    host: dict[str, Any] = {
        "NetworkMode": "host",
        "RestartPolicy": {"Name": svc.get("restart", "no")},
        "ReadonlyRootfs": bool(svc.get("read_only")),
        "Tmpfs": dict(_tmpfs(entry) for entry in svc.get("tmpfs") or []),
        "CapDrop": list(svc.get("cap_drop") or []),
        "CapAdd": list(svc.get("cap_add") or []),
        "SecurityOpt": list(svc.get("security_opt") or []),
        "Binds": _binds(name, svc, adaptation, family),
        "ExtraHosts": adaptation.host_entries(),
    }
    if "memory" in limits:
        host["Memory"] = memory_bytes(str(limits["memory"]))
    if "cpus" in limits:
        host["NanoCpus"] = int(float(limits["cpus"]) * 1e9)
    if logging:
        host["LogConfig"] = {"Type": logging.get("driver", "json-file"),
                             "Config": {k: str(v) for k, v in (logging.get("options") or {}).items()}}
    body: dict[str, Any] = {
        "Image": svc["image"],
        "Env": [f"{k}={v}" for k, v in env.items()],
        "Labels": {PROJECT_LABEL: project, SERVICE_LABEL: name, NUMBER_LABEL: str(replica + 1),
                   RUN_LABEL: adaptation.run_id},
        "HostConfig": host,
        "StopTimeout": int(duration_ns(svc.get("stop_grace_period", "10s")) // 1_000_000_000),
    }
    if cmd is not None:
        body["Cmd"] = cmd
    if svc.get("entrypoint") is not None:
        body["Entrypoint"] = argv(svc["entrypoint"])
    if svc.get("user"):
        body["User"] = str(svc["user"])
    health = _health(name, svc, adaptation, family, address)
    if health is not None:
        body["Healthcheck"] = health
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    body["Labels"][HASH_LABEL] = digest
    return body
