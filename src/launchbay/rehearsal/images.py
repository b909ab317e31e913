"""The kit's images from the rehearsal's side: which public references it pins, lock files that cannot
be installed, and the deliberately broken release.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from launchbay.models.kit import Kit
from launchbay.rehearsal.engine import Engine
from launchbay.renderers.dockerfile_images import UV_VERSION

if TYPE_CHECKING:
    from launchbay.rehearsal.site import Site

_FROM = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?(?P<ref>\S+)(?:\s+AS\s+(?P<stage>\S+))?", re.IGNORECASE)
BROKEN_CMD = ["/bin/sh", "-c", "echo 'launchbay rehearsal: this release is deliberately broken' >&2; exit 3"]


def pinned_refs(kit: Kit) -> list[str]:
    """Public image references in the generated Dockerfiles (not build stages) and compose files."""
    refs: set[str] = set()
    for item in kit.files:
        name = item.path.rsplit("/", 1)[-1]
        if name == "Dockerfile" or name.endswith(".Dockerfile"):
            stages: set[str] = set()
            for line in item.content.splitlines():
                m = _FROM.match(line.strip())
                if not m:
                    continue
                if m["ref"] not in stages and "$" not in m["ref"]:
                    refs.add(m["ref"])
                if m["stage"]:
                    stages.add(m["stage"])
        elif item.path.endswith("compose.yaml"):
            doc = yaml.safe_load(item.content) or {}
            for svc in (doc.get("services") or {}).values():
                image = str(svc.get("image") or "")
                if image and "$" not in image:
                    refs.add(image)
    return sorted(refs)


def stub_lock(text: str) -> bool:
    """A uv.lock that lists packages without any wheel or sdist cannot be installed (`uv sync --frozen`)."""
    return "[[package]]" in text and "wheels = [" not in text and "sdist = " not in text


def refresh_stub_locks(engine: Engine, site: Site) -> list[str]:
    """Re-lock, in the release tree only, each uv project whose lock is a placeholder; returns notes."""
    notes = []
    for svc in site.lay.services:
        rt = svc.plan.runtime
        if rt is None or rt.package_manager != "uv":
            continue
        folder = site.release / svc.plan.component
        lock = folder / "uv.lock"
        if not lock.exists() or not stub_lock(lock.read_text()):
            continue
        dockerfile = site.release / svc.dockerfile
        base = next((m["ref"] for line in dockerfile.read_text().splitlines() if (m := _FROM.match(line.strip()))),
                    None)
        if base is None:
            continue
        engine.docker("run", "--rm", "--network", "host", "--volume", f"{folder}:/src", "--workdir", "/src",
                      "--env", "UV_PYTHON_DOWNLOADS=never", base, "sh", "-c",
                      f"pip install --quiet --root-user-action=ignore uv=={UV_VERSION} && rm uv.lock "
                      "&& uv lock --quiet",
                      timeout=600)
        notes.append(f"{svc.plan.component}/uv.lock lists packages without wheels or sdists (a placeholder), so "
                     "`uv sync --frozen` cannot install it: the rehearsal re-locked its copy with uv "
                     f"{UV_VERSION}")
    return notes


def next_release(engine: Engine, site: Site, current: str, new: str) -> None:
    """Tag release `new` as CI would hand it over: each image of `current` plus a version label, so it has
    its own image ID (the switch starts genuinely new containers) and deploy.sh finds it and builds nothing.
    The generated Dockerfiles were exercised by the first release's build on the VM."""
    project = site.lay.project
    for svc in site.lay.services:
        dockerfile = (f"FROM local/{project}/{svc.name}:{current}\n"
                      f'LABEL org.opencontainers.image.version="{new}"\n')
        engine.docker("build", "--tag", f"local/{project}/{svc.name}:{new}", "-", stdin=dockerfile.encode(),
                      timeout=300)


def broken_release(engine: Engine, site: Site, good: str, broken: str) -> None:
    """Tag release `broken`: HTTP services get the good image with a command that exits at start (a
    release that never becomes healthy); the others are the good image unchanged."""
    project = site.lay.project
    for svc in site.lay.services:
        good_tag, broken_tag = f"local/{project}/{svc.name}:{good}", f"local/{project}/{svc.name}:{broken}"
        if svc.http and not svc.singleton:
            cmd = ", ".join(f'"{part}"' for part in BROKEN_CMD)
            dockerfile = f"FROM {good_tag}\nCMD [{cmd}]\n"
            engine.docker("build", "--tag", broken_tag, "-", stdin=dockerfile.encode(), timeout=300)
        else:
            engine.docker("tag", good_tag, broken_tag)
