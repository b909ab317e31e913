"""A read-only, hostile-tree-safe view of a project's files.

Why a class of its own: every detector reads files, and every one of them must get the same
safety rules for free — git's file list (or .gitignore), vendored and build folders skipped,
no symlink followed out of the tree, binary and oversized files refused, any encoding tolerated,
and nothing ever executed or written.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

import pathspec

from launchbay.errors import ProjectPathError
from launchbay.models.profile import Skipped

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40

# Folders that hold dependencies or build output, never the project's own sources.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "vendor", "third_party",
    "dist", "build", "out", ".next", ".nuxt", ".svelte-kit", ".output", ".vercel", ".turbo",
    "target", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", "coverage", ".cache", ".parcel-cache", "artifacts", "typechain-types",
    "broadcast", ".anchor", ".terraform", ".idea", ".vscode", ".gradle", ".dart_tool",
    "site-packages", ".eggs", ".ponder", "generated",
    # launchbay's own state (the manifest and the base copies of generated files it merges against).
    ".launchbay",
    # AI-agent tooling and its state (prompts, skills, scripts): never part of the application.
    ".claude", ".beads", ".gemini", ".cursor", ".specify", ".codex", ".windsurf", ".kiro", ".roo", ".aider",
})
# Planning-state folders (Loa's grimoires): their markdown is read as planning docs, nothing else is
# treated as application code. `.loa-version.json` can name more (its "state" zones).
PLANNING_ZONES = ("grimoires/", "loa-grimoire/")
DOC_SUFFIXES = (".md", ".MD", ".markdown")


def _skipped_dir(parts: Iterable[str]) -> bool:
    """True when any folder on the path is a dependency/build folder (or a Foundry `lib/`)."""
    previous = ""
    for part in parts:
        if part in SKIP_DIRS or part.endswith(".egg-info"):
            return True
        # Foundry keeps dependencies as git submodules in lib/ (forge-std, openzeppelin...).
        if previous == "lib" and part in {"forge-std", "openzeppelin-contracts", "solmate", "ds-test"}:
            return True
        previous = part
    return False


class ProjectTree:
    """The files of one project, listed once and read lazily with caching."""

    def __init__(self, root: str | os.PathLike[str], *, max_file_bytes: int = MAX_FILE_BYTES) -> None:
        path = Path(root)
        if not path.exists():
            raise ProjectPathError(f"{root}: no such directory", hint="pass the path of a project folder")
        if not path.is_dir():
            raise ProjectPathError(f"{root}: not a directory", hint="pass the path of a project folder")
        self.root = path.resolve()
        self.max_file_bytes = max_file_bytes
        self._text: dict[str, str | None] = {}
        self._skipped: dict[str, str] = {}
        # Admitted symlinks and where they resolve (inside the root). Every other listed path is a
        # regular file reached through real folders (neither git nor the walk descends symlinked
        # folders), so it is opened directly without resolving it again.
        self._links: dict[str, str] = {}

    # ------------------------------------------------------------------ listing
    @cached_property
    def files(self) -> tuple[str, ...]:
        """Relative POSIX paths of every readable candidate file, sorted."""
        listed = self._git_files()
        if listed is None:
            listed = list(self._walk_files())
        result = []
        system, state = self._loa_zones()
        kit = self._generated()
        for rel in listed:
            parts = PurePosixPath(rel).parts
            if len(parts) > MAX_DEPTH or _skipped_dir(parts[:-1]) or rel in kit:
                continue
            if rel.startswith(system) or (rel.startswith(state) and not rel.endswith(DOC_SUFFIXES)):
                continue
            if self._admit(rel):
                result.append(rel)
        return tuple(sorted(set(result)))

    def _generated(self) -> frozenset[str]:
        """Files launchbay generated here (its manifest): its own output is not evidence about the project,
        so a second review sees the project as the first did (a generated Dockerfile is not "theirs")."""
        raw = self._read_raw(".launchbay/manifest.json") if (self.root / ".launchbay/manifest.json").is_file() else None
        try:
            files = json.loads(raw).get("files", {}) if raw else {}
        except (ValueError, AttributeError):
            files = {}
        return frozenset(str(p) for p in files) if isinstance(files, dict) else frozenset()

    def _loa_zones(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Folders to skip and planning-only folders, from Loa's `.loa-version.json` when present."""
        system: list[str] = []
        state: list[str] = list(PLANNING_ZONES)
        raw = self._read_raw(".loa-version.json") if (self.root / ".loa-version.json").is_file() else None
        try:
            zones = json.loads(raw).get("zones", {}) if raw else {}
        except (ValueError, AttributeError):
            zones = {}
        if isinstance(zones, dict):
            for value, into in ((zones.get("system"), system), (zones.get("state"), state)):
                for zone in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
                    if isinstance(zone, str) and zone.strip("./") and ".." not in zone:
                        into.append(zone.strip("/").removeprefix("./") + "/")
        return tuple(system), tuple(state)

    @cached_property
    def by_name(self) -> dict[str, tuple[str, ...]]:
        """Files grouped by base name, for detectors that look for `package.json`, `Dockerfile`..."""
        groups: dict[str, list[str]] = {}
        for rel in self.files:
            groups.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)
        return {name: tuple(paths) for name, paths in groups.items()}

    def named(self, *names: str) -> tuple[str, ...]:
        """Every file whose base name is one of `names`, sorted."""
        found: list[str] = []
        for name in names:
            found.extend(self.by_name.get(name, ()))
        return tuple(sorted(found))

    def with_suffix(self, *suffixes: str) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(suffixes))

    def exists(self, rel: str) -> bool:
        return rel in self._file_set

    @cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        return tuple(Skipped(path=p, reason=r) for p, r in sorted(self._skipped.items()))

    def _git_files(self) -> list[str] | None:
        """git's view (tracked + untracked-not-ignored), or None when this is not a git work tree.

        Hooks and fsmonitor are disabled so a hostile repository cannot run code through git.
        """
        if not (self.root / ".git").exists():
            return None
        cmd = [
            "git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
            "-c", f"safe.directory={self.root}", "-C", str(self.root),
            "ls-files", "-z", "--cached", "--others", "--exclude-standard",
        ]
        try:
            out = subprocess.run(cmd, capture_output=True, timeout=30, check=True,
                                 env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        return [p.decode("utf-8", "replace") for p in out.split(b"\0") if p]

    def _walk_files(self) -> Iterator[str]:
        """os.walk without following links, honouring every .gitignore on the way down."""
        specs: list[tuple[str, pathspec.PathSpec[Any]]] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            rel_dir = os.path.relpath(dirpath, self.root)
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
            if rel_dir.count("/") >= MAX_DEPTH:
                dirnames[:] = []
                continue
            if ".gitignore" in filenames and not os.path.islink(os.path.join(dirpath, ".gitignore")):
                text = self._read_raw(f"{rel_dir}/.gitignore" if rel_dir else ".gitignore")
                if text is not None:
                    specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(text.splitlines())))
            keep = []
            for d in sorted(dirnames):
                rel = f"{rel_dir}/{d}" if rel_dir else d
                if d in SKIP_DIRS or _ignored(specs, rel + "/"):
                    continue
                keep.append(d)
            dirnames[:] = keep
            for name in sorted(filenames):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if not _ignored(specs, rel):
                    yield rel

    def _admit(self, rel: str) -> bool:
        """Refuse symlinks that leave the tree, non-regular files and oversized files."""
        full = self.root / rel
        try:
            st = os.lstat(full)
        except OSError:
            return False
        if stat.S_ISLNK(st.st_mode):
            target = os.path.realpath(full)
            if os.path.commonpath([target, str(self.root)]) != str(self.root):
                self._skipped[rel] = "symlink points outside the project"
                return False
            try:
                st = os.stat(target)
            except OSError:
                self._skipped[rel] = "broken or looping symlink"
                return False
            self._links[rel] = target
        if not stat.S_ISREG(st.st_mode):
            return False
        if st.st_size > self.max_file_bytes:
            self._skipped[rel] = f"larger than {self.max_file_bytes} bytes"
            return False
        return True

    # ------------------------------------------------------------------ reading
    def read(self, rel: str) -> str | None:
        """The file's text, or None for binary/unreadable files (recorded as skipped)."""
        if rel not in self._text:
            self._text[rel] = self._read_raw(rel) if self.exists(rel) else None
        return self._text[rel]

    def _read_raw(self, rel: str) -> str | None:
        real = self._links.get(rel, str(self.root / rel))
        try:
            if os.path.islink(real):  # swapped for a link since listing: refuse
                return None
            with open(real, "rb") as fh:
                data = fh.read(self.max_file_bytes + 1)
        except OSError:
            return None
        if len(data) > self.max_file_bytes:
            return None
        if b"\0" in data[:8192]:
            self._skipped[rel] = "binary file"
            return None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        text = data.decode("utf-8", errors="replace")
        # Normalise line endings so line numbers agree with what editors show.
        return text.replace("\r\n", "\n").replace("\r", "\n")


def _ignored(specs: list[tuple[str, pathspec.PathSpec[Any]]], rel: str) -> bool:
    for base, spec in specs:
        if base and not rel.startswith(base + "/"):
            continue
        sub = rel[len(base) + 1:] if base else rel
        if spec.match_file(sub):
            return True
    return False
