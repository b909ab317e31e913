"""Phase 4 (files): render the Design into a kit and write it without ever destroying work.

`render_kit` is pure (Design → Kit). `write_kit` compares each file with the manifest of what was
generated last time (`.launchbay/manifest.json`, hashes plus a copy of each generated text in
`.launchbay/base/`):
- new file → written; unchanged input → nothing written (byte-identical rerun);
- file the user never edited → replaced by the new rendering;
- file the user edited → merged three-way (`git merge-file`: user ⊕ (base → new)); a conflict leaves
  markers in the file and fails the run;
- file on disk that launchbay never generated (an existing Dockerfile) → never touched.
`check=True` writes nothing and reports what would change (drift detection in CI).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design
from launchbay.models.kit import Kit, KitFile
from launchbay.renderers import REGISTRY
from launchbay.renderers.base import Renderer, rendered
from launchbay.renderers.scanner_exceptions import exceptions_file

STATE_DIR = ".launchbay"
MANIFEST = f"{STATE_DIR}/manifest.json"
BASE_DIR = f"{STATE_DIR}/base"
CONFLICT_MARK = "<<<<<<< your edit"

Action = Literal["created", "updated", "merged", "conflict", "unchanged", "kept-user-edit", "user-owned"]


@dataclass
class WriteReport:
    actions: dict[str, Action] = field(default_factory=dict)

    def count(self, action: Action) -> int:
        return sum(1 for a in self.actions.values() if a == action)

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(p for p, a in sorted(self.actions.items()) if a in {"created", "updated", "merged", "conflict"})

    @property
    def conflicts(self) -> tuple[str, ...]:
        return tuple(p for p, a in sorted(self.actions.items()) if a == "conflict")


# Secret stores the renderers wire: AWS Secrets Manager (ECS secrets / boot-time env file), or on a VM
# the env file rendered at boot from Vault or sops.
WIRED_STORES = {"aws": {"aws-secrets-manager"}, "self-hosted": {"aws-secrets-manager", "vault", "sops"}}


class UnwiredError(LaunchbayError):
    """Variables the code reads that the kit cannot deliver: generating anyway would ship a broken app."""


def check_wiring(design: Design) -> None:
    """Every secret a service reads needs a store the kit can wire; list every one that has none."""
    store = design.security.get("secrets", "")
    allowed = WIRED_STORES.get(design.cloud, set())
    unwired = sorted(f"{s.name}: {e.name}" for s in design.services for e in s.env
                     if e.wiring == "secret" and store not in allowed)
    if unwired:
        raise UnwiredError(
            f"{len(unwired)} secret variable(s) cannot be wired with secrets manager {store!r} on {design.cloud}: "
            + "; ".join(unwired),
            hint=f"answer security.secrets_manager with one of {', '.join(sorted(allowed))} and run again",
        )


def render_kit(design: Design, renderers: Mapping[str, Renderer] | None = None) -> Kit:
    """Every renderer's files, sorted by path; two renderers claiming one path is a bug."""
    if renderers is None:
        check_wiring(design)
    files: dict[str, KitFile] = {}
    for renderer in (REGISTRY if renderers is None else renderers).values():
        for kit_file in rendered(renderer, design):
            if kit_file.path in files:
                raise LaunchbayError(f"two renderers generate {kit_file.path}", hint="report this as a launchbay bug")
            files[kit_file.path] = kit_file
    if renderers is None:  # the full kit: the scanner-exceptions page is read back from what was rendered
        page = exceptions_file(design, {p: f.content for p, f in files.items()})
        if page.path in files:
            raise LaunchbayError(f"two renderers generate {page.path}", hint="report this as a launchbay bug")
        files[page.path] = page
    return Kit(files=tuple(files[p] for p in sorted(files)))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load_manifest(root: Path) -> dict[str, str]:
    path = root / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (ValueError, AttributeError):
        raise LaunchbayError(f"{path}: unreadable manifest", hint="restore it from git, or delete it to "
                             "treat every existing file as user-owned") from None


def _target(root: Path, rel: str) -> Path:
    full = (root / rel).resolve()
    if os.path.commonpath([str(full), str(root.resolve())]) != str(root.resolve()):
        raise LaunchbayError(f"refusing to write outside {root}: {rel}")
    return full


def _atomic_write(path: Path, text: str, executable: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.launchbay-tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.chmod(tmp, 0o755 if executable else 0o644)
    tmp.replace(path)


def merge_three_way(user: str, base: str, new: str) -> tuple[str, bool]:
    """git merge-file: apply base→new onto the user's version; returns (text, had_conflicts)."""
    with tempfile.TemporaryDirectory(prefix="launchbay-merge-") as tmp:
        paths = []
        for name, text in (("user", user), ("base", base), ("new", new)):
            p = Path(tmp) / name
            p.write_text(text, encoding="utf-8", newline="\n")
            paths.append(str(p))
        proc = subprocess.run(["git", "merge-file", "-p", "-L", "your edit", "-L", "last generated",
                               "-L", "launchbay", *paths], capture_output=True, text=True, timeout=30, check=False)
    if proc.returncode < 0 or proc.returncode > 127:
        raise LaunchbayError("git merge-file failed", hint=proc.stderr.strip() or "is git installed?")
    return proc.stdout, proc.returncode > 0


def write_kit(kit: Kit, root: str | os.PathLike[str], *, check: bool = False) -> WriteReport:
    """Write (or, with check, only compare) the kit under `root`; see the module docstring."""
    base_root = Path(root)
    manifest = _load_manifest(base_root)
    report = WriteReport()
    new_manifest: dict[str, str] = {}
    for kit_file in kit.files:
        path = _target(base_root, kit_file.path)
        base_copy = _target(base_root, f"{BASE_DIR}/{kit_file.path}")
        on_disk = path.read_text(encoding="utf-8") if path.exists() else None
        generated_before = manifest.get(kit_file.path)
        if on_disk is None:
            action: Action = "created"
            text = kit_file.content
        elif on_disk == kit_file.content:
            action, text = "unchanged", on_disk  # also adopts an identical file the manifest lost
        elif generated_before is None:
            report.actions[kit_file.path] = "user-owned"
            continue
        elif _sha(on_disk) == generated_before:
            action, text = "updated", kit_file.content
        else:  # the user edited a generated file
            base = base_copy.read_text(encoding="utf-8") if base_copy.exists() else None
            if CONFLICT_MARK in on_disk:
                action, text = "conflict", on_disk  # an earlier conflict is still unresolved
            elif base == kit_file.content:
                action, text = "kept-user-edit", on_disk
            elif base is None:
                action, text = "conflict", on_disk
            else:
                text, conflicted = merge_three_way(on_disk, base, kit_file.content)
                action = "conflict" if conflicted else "merged"
        report.actions[kit_file.path] = action
        # The manifest always records what launchbay generated, so an edited file stays "edited".
        new_manifest[kit_file.path] = kit_file.sha256
        if check:
            continue
        if text != on_disk:
            _atomic_write(path, text, kit_file.executable)
        if not base_copy.exists() or base_copy.read_text(encoding="utf-8") != kit_file.content:
            _atomic_write(base_copy, kit_file.content, False)
    if not check:
        kept = {p: h for p, h in manifest.items() if p not in new_manifest and (base_root / p).exists()}
        body = json.dumps({"generator": "launchbay", "files": dict(sorted({**kept, **new_manifest}.items()))},
                          indent=2, sort_keys=True) + "\n"
        target = _target(base_root, MANIFEST)
        if not target.exists() or target.read_text(encoding="utf-8") != body:  # an unchanged rerun writes nothing
            _atomic_write(target, body, False)
    return report
