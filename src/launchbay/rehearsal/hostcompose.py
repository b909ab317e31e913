"""`docker compose`, the subset the generated deploy.sh and rollback.sh call, on the host network.

The rehearsal puts a `docker` wrapper first on PATH that sends `docker compose …` here (everything
else goes to the real client). Supported: global `--project-name --project-directory --file
--env-file --profile`; `up [--detach] [--no-deps] [--force-recreate] [--no-start]`, `ps [--all] [--quiet]`,
`run [--rm] [--no-deps] [-T] SERVICE CMD…`, `rm [--stop] [--force]`, `stop`, `exec [-T] SERVICE CMD…`,
`down`. `pull` fails (the rehearsal has no registry). Every action is appended to an event log with
its time, and a container's log is archived before it is removed, so the rehearsal can tell which
colour served each request.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from launchbay.rehearsal.adapt import ENV_VAR, Adaptation, InterpolationError, interpolate, parse_env_file
from launchbay.rehearsal.compose_body import (
    PROJECT_LABEL,
    SERVICE_LABEL,
    argv,
    caddy_config_dir,
    container_body,
    duration_ns,
)
from launchbay.rehearsal.dockerapi import DockerApi, DockerApiError

_GLOBAL_VALUE = {"--project-name": "project", "-p": "project", "--project-directory": "directory",
                 "--file": "file", "-f": "file", "--env-file": "env_file", "--profile": "profile"}


class ComposeError(RuntimeError):
    pass


@dataclass
class Invocation:
    project: str | None = None
    directory: str | None = None
    file: str | None = None
    env_file: str | None = None
    profile: list[str] = field(default_factory=list)
    command: str = ""
    args: list[str] = field(default_factory=list)


def parse(argv_: list[str]) -> Invocation:
    inv = Invocation()
    i = 0
    while i < len(argv_):
        arg = argv_[i]
        key, eq, value = arg.partition("=")
        if key in _GLOBAL_VALUE:
            if not eq:
                i += 1
                if i >= len(argv_):
                    raise ComposeError(f"{arg} needs a value")
                value = argv_[i]
            attr = _GLOBAL_VALUE[key]
            if attr == "profile":
                inv.profile.append(value)
            else:
                setattr(inv, attr, value)
            i += 1
            continue
        if arg.startswith("-"):
            raise ComposeError(f"unsupported global option {arg}")
        inv.command, inv.args = arg, argv_[i + 1:]
        return inv
    raise ComposeError("no compose command given")


def _flags(args: list[str], known: dict[str, str]) -> tuple[set[str], list[str]]:
    """Split leading flags (mapped to canonical names) from the positional rest."""
    seen: set[str] = set()
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] not in known:
            raise ComposeError(f"unsupported option {args[i]}")
        seen.add(known[args[i]])
        i += 1
    return seen, args[i:]


class Project:
    def __init__(self, inv: Invocation, adaptation: Adaptation, api: DockerApi) -> None:
        self.adaptation = adaptation
        self.api = api
        directory = Path(inv.directory or Path.cwd())
        compose_file = Path(inv.file) if inv.file else directory / "compose.yaml"
        env = dict(parse_env_file(Path(inv.env_file))) if inv.env_file else {}
        env.update(os.environ)
        try:
            doc = interpolate(yaml.safe_load(compose_file.read_text()), env)
        except InterpolationError as err:
            raise ComposeError(str(err)) from err
        self.name = inv.project or doc.get("name") or directory.name
        self.services: dict[str, dict[str, Any]] = doc.get("services") or {}
        self.events = Path(adaptation.state_dir) / "events.jsonl"

    def event(self, kind: str, **detail: Any) -> None:
        with self.events.open("a") as fh:
            fh.write(json.dumps({"t": time.time(), "event": kind, **detail}, sort_keys=True) + "\n")

    def service(self, name: str) -> dict[str, Any]:
        if name not in self.services:
            raise ComposeError(f"no such service: {name}")
        return self.services[name]

    def containers(self, name: str) -> list[dict[str, Any]]:
        found = self.api.containers({PROJECT_LABEL: self.name, SERVICE_LABEL: name})
        return sorted(found, key=lambda c: c.get("Created", 0))

    def archive(self, container: dict[str, Any]) -> None:
        ident = container["Id"]
        out, err = self.api.logs(ident, timestamps=True)
        name = container["Names"][0].lstrip("/") if container.get("Names") else ident[:12]
        logs = Path(self.adaptation.state_dir) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / f"{name}-{ident[:12]}.log").write_text(out + err)

    def remove(self, name: str, stop: bool = True) -> None:
        for container in self.containers(name):
            if stop and container.get("State") == "running":
                timeout = duration_ns(self.service(name).get("stop_grace_period", "10s")) // 1_000_000_000
                self.api.stop(container["Id"], int(timeout))
            self.archive(container)
            self.api.remove(container["Id"])
            self.event("removed", service=name, id=container["Id"][:12],
                       image=self.api_image_of(container))

    @staticmethod
    def api_image_of(container: dict[str, Any]) -> str:
        return str(container.get("ImageID") or container.get("Image") or "")

    def image_config(self, name: str) -> dict[str, Any]:
        ref = self.service(name)["image"]
        info = self.api.image(ref)
        if info is None:
            raise ComposeError(f"{name}: image {ref} is not in the engine (the rehearsal pulls nothing)")
        return dict(info.get("Config") or {})

    def up(self, names: list[str], no_deps: bool, force: bool, no_start: bool = False) -> None:
        for name in names:
            svc = self.service(name)
            if not no_deps:
                deps = svc.get("depends_on") or {}
                missing = [d for d in deps if not any(c.get("State") == "running" for c in self.containers(d))]
                if missing:
                    self.up(missing, no_deps=False, force=False)
            replicas = int((svc.get("deploy") or {}).get("replicas", 1))
            config = self.image_config(name)
            bodies = [container_body(self.name, name, svc, self.adaptation, config, r) for r in range(replicas)]
            current = self.containers(name)
            if no_start and current:
                continue
            hashes = {c["Labels"].get("com.docker.compose.config-hash") for c in current}
            fresh = (not force and len(current) == replicas and all(c.get("State") == "running" for c in current)
                     and hashes == {b["Labels"]["com.docker.compose.config-hash"] for b in bodies})
            if fresh:
                if self.adaptation.families.get(name) == "caddy":
                    self.refresh_caddy(name)
                continue
            self.remove(name)
            for replica, body in enumerate(bodies):
                ident = self.api.create(f"{self.name}-{name}-{replica + 1}", body)
                if no_start:
                    self.event("created", service=name, id=ident[:12], image=body["Image"])
                    continue
                self.api.start(ident)
                self.event("started", service=name, id=ident[:12], image=body["Image"],
                           address=self.adaptation.address(name, replica))

    def refresh_caddy(self, name: str) -> None:
        for volume in self.service(name).get("volumes") or []:
            parts = volume.split(":")
            if len(parts) > 1 and parts[1] == "/etc/caddy/Caddyfile":
                caddy_config_dir(self.adaptation.map_path(parts[0]))

    def run(self, name: str, command: list[str], remove: bool) -> int:
        svc = dict(self.service(name))
        body = container_body(self.name, name, svc, self.adaptation, self.image_config(name))
        body["Cmd"] = command
        body["Healthcheck"] = {"Test": ["NONE"]}
        body["HostConfig"]["RestartPolicy"] = {"Name": "no"}
        body["Labels"]["com.docker.compose.oneoff"] = "True"
        ident = self.api.create(f"{self.name}-{name}-run-{uuid.uuid4().hex[:8]}", body)
        started = time.time()
        try:
            self.api.start(ident)
            code = self.api.wait(ident, timeout_s=900)
            out, err = self.api.logs(ident)
            sys.stdout.write(out)
            sys.stderr.write(err)
        finally:
            if remove:
                self.api.remove(ident)
        self.event("ran", service=name, command=command, exit_code=code, seconds=round(time.time() - started, 2))
        return code

    def exec(self, name: str, command: list[str]) -> int:
        running = [c for c in self.containers(name) if c.get("State") == "running"]
        if not running:
            raise ComposeError(f"service {name} is not running")
        if self.adaptation.families.get(name) == "caddy":
            self.refresh_caddy(name)
        started = time.time()
        code, out, err = self.api.exec_run(running[0]["Id"], command)
        sys.stdout.write(out)
        sys.stderr.write(err)
        self.event("exec", service=name, command=command[:2], exit_code=code, start=started, end=time.time())
        return code

    def ps(self, names: list[str], quiet: bool, all_: bool) -> None:
        for name in names or list(self.services):
            for container in self.containers(name):
                if not all_ and container.get("State") != "running":
                    continue
                if quiet:
                    print(container["Id"])
                else:
                    print(f"{container['Names'][0].lstrip('/')}\t{name}\t{container.get('Status', '')}")

    def down(self) -> None:
        for container in self.api.containers({PROJECT_LABEL: self.name}):
            self.archive(container)
            self.api.remove(container["Id"])


def dispatch(project: Project, inv: Invocation) -> int:
    cmd, args = inv.command, inv.args
    if cmd == "up":
        flags, names = _flags(args, {"--detach": "detach", "-d": "detach", "--no-deps": "no_deps",
                                     "--force-recreate": "force", "--no-start": "no_start",
                                     "--remove-orphans": "remove_orphans"})
        project.up(names or list(project.services), "no_deps" in flags, "force" in flags, "no_start" in flags)
        return 0
    if cmd == "ps":
        flags, names = _flags(args, {"--all": "all", "-a": "all", "--quiet": "quiet", "-q": "quiet"})
        project.ps(names, "quiet" in flags, "all" in flags)
        return 0
    if cmd == "run":
        flags, rest = _flags(args, {"--rm": "rm", "--no-deps": "no_deps", "-T": "no_tty"})
        if not rest:
            raise ComposeError("run needs a service")
        return project.run(rest[0], argv(rest[1:]) or [], "rm" in flags)
    if cmd in {"rm", "stop"}:
        flags, names = _flags(args, {"--stop": "stop", "-s": "stop", "--force": "force", "-f": "force"})
        for name in names:
            if cmd == "rm":
                project.remove(name, stop=True)
            else:
                for container in project.containers(name):
                    if container.get("State") == "running":
                        project.api.stop(container["Id"], 10)
        return 0
    if cmd == "exec":
        _, rest = _flags(args, {"-T": "no_tty"})
        if len(rest) < 2:
            raise ComposeError("exec needs a service and a command")
        return project.exec(rest[0], rest[1:])
    if cmd == "down":
        project.down()
        return 0
    if cmd == "pull":
        raise ComposeError("pull: the rehearsal has no registry (leave REGISTRY unset to build locally)")
    raise ComposeError(f"unsupported compose command {cmd!r}")


def main(argv_: list[str] | None = None) -> int:
    try:
        inv = parse(list(sys.argv[1:] if argv_ is None else argv_))
        adaptation = Adaptation.load(Path(os.environ[ENV_VAR]))
        api = DockerApi(os.environ["DOCKER_HOST"])
        return dispatch(Project(inv, adaptation, api), inv)
    except (ComposeError, DockerApiError, KeyError, ValueError, OSError) as err:
        print(f"compose (launchbay rehearsal): {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
