"""The host-network adaptation: what changes when the generated compose file runs on `--network host`.

On the VM, Compose gives every container its own network namespace and DNS name (`api-blue`); here
every container shares the host's, so two colours of one service would fight over one port. Instead
of renumbering ports, each container gets its own loopback address in a /24 of 127.0.0.0/8 chosen per
rehearsal, and keeps every port the kit generated. The changes, all host or port, are:

- a listen address of `0.0.0.0`/`::` in a container's command or environment becomes its loopback
  address, and `127.0.0.1`/`localhost` in its health check too (the probe must reach the same socket);
- Caddy gets the containers' names as host entries (`api-blue` → its address), so the upstream
  files deploy.sh writes (`dynamic a api-blue 8001`) are used unchanged; its admin endpoint moves to
  127.0.0.1 on a free port and its sites bind only its address (a global options block in front of
  the generated Caddyfile, which is imported unchanged); DOMAIN is `http://<address>:<port>`;
- postgres listens on its address (LAUNCHBAY_LISTEN_ADDRESS, read by the stand-in's entrypoint), redis
  gets `--bind <address>` and its health check `redis-cli -h <address>`;
- `ports:` publications and named networks are dropped (the host network has neither);
- the VM's absolute directories (/opt/<project>, /etc/<project>, /var/lib/<project>, /run/<project>/env)
  map to the rehearsal's directories, as the scripts' APP_DIR/CONFIG_DIR/STATE_DIR/RUNTIME_DIR do.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "LAUNCHBAY_REHEARSAL_ADAPT"
WILDCARDS = ("0.0.0.0", "::", "[::]")


@dataclass(frozen=True)
class Adaptation:
    project: str
    run_id: str
    paths: dict[str, str]  # VM path prefix → rehearsal directory
    addresses: dict[str, list[str]]  # compose service → one loopback address per replica
    caddy_admin: str  # host:port of Caddy's admin endpoint
    state_dir: str  # hostcompose writes its event log and archived container logs here
    families: dict[str, str] = field(default_factory=dict)  # compose service → stand-in family, if any

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> Adaptation:
        return cls(**json.loads(path.read_text()))

    def map_path(self, path: str) -> str:
        """A VM path in the rehearsal's directories (longest matching prefix); unknown paths unchanged."""
        for prefix in sorted(self.paths, key=len, reverse=True):
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return self.paths[prefix] + path[len(prefix):]
        return path

    def address(self, service: str, replica: int = 0) -> str:
        addrs = self.addresses.get(service) or []
        if not addrs:
            raise KeyError(f"no loopback address planned for {service}")
        return addrs[min(replica, len(addrs) - 1)]

    def host_entries(self) -> list[str]:
        return [f"{name}:{addr}" for name, addrs in sorted(self.addresses.items()) for addr in addrs]


_VAR = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
                  r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


class InterpolationError(ValueError):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose variable substitution (`${X}`, `${X:?}`, `${X:-d}`, `$$`) throughout a parsed document."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m["name"] or m["bare"]
        op, arg = m["op"], m["arg"] or ""
        current = env.get(name)
        unset = current is None or (op is not None and op.startswith(":") and current == "")
        if op in {":?", "?"} and unset:
            raise InterpolationError(f"required variable {name} is missing a value{': ' + arg if arg else ''}")
        if op in {":-", "-"} and unset:
            return arg
        return current or ""

    return _VAR.sub(sub, value)


def parse_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as Compose reads them: comments and blanks skipped, one pair of quotes removed."""
    out: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key] = value
    return out


def listen_on(tokens: list[str], address: str) -> list[str]:
    """A command with every wildcard listen address replaced by `address` (`--host 0.0.0.0`, `0.0.0.0:80`)."""
    out = []
    for token in tokens:
        for wildcard in WILDCARDS:
            if token == wildcard:
                token = address
            elif token.startswith(wildcard + ":"):
                token = address + token[len(wildcard):]
            elif token.endswith("=" + wildcard):
                token = token[: -len(wildcard)] + address
        out.append(token)
    return out


_LOCAL = re.compile(r"(?<![\w.])(?:127\.0\.0\.1|localhost)(?![\w.])")


def probe_at(test: list[str], address: str) -> list[str]:
    """A health check that probes `address` instead of 127.0.0.1/localhost (same port, same path)."""
    return [_LOCAL.sub(address, part) for part in test]


def caddy_wrapper(admin: str, bind: str, generated: str) -> str:
    """The Caddyfile Caddy loads in the rehearsal: only the host adaptation, then the generated file."""
    return "\n".join([
        "# launchbay rehearsal: host-network adaptation (admin endpoint and bind address), then the",
        "# generated Caddyfile unchanged.",
        "{",
        f"\tadmin {admin}",
        f"\tdefault_bind {bind}",
        "}",
        "",
        f"import {generated}",
        "",
    ])
