"""The tree walker on hostile input: symlink escapes and loops, binary and non-UTF-8 files, huge
files, deep nesting, git's file list and .gitignore. Review must never crash and never read outside."""

from __future__ import annotations

import os
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchbay.errors import ProjectPathError
from launchbay.review import review_project
from launchbay.tree import ProjectTree
from tests.conftest import write_tree


def test_missing_and_non_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(ProjectPathError, match="no such directory"):
        ProjectTree(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ProjectPathError, match="not a directory"):
        ProjectTree(tmp_path / "file.txt")


def test_symlinks_never_leave_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.env").write_text("DATABASE_URL=postgres://u:leaked@db/x\n")
    root = write_tree(tmp_path / "proj", {"package.json": '{"name": "p"}', "src/a.js": "process.env.OK\n"})
    os.symlink(outside / "secret.env", root / "src" / "link.js")
    os.symlink(outside, root / "linked-dir")
    os.symlink(root / "src" / "a.js", root / "inside-link.js")
    os.symlink(root / "loop1", root / "loop2")
    os.symlink(root / "loop2", root / "loop1")
    tree = ProjectTree(root)
    assert "src/link.js" not in tree.files
    assert not any(f.startswith("linked-dir") for f in tree.files)
    assert "inside-link.js" in tree.files
    assert tree.read("src/link.js") is None
    reasons = {s.path: s.reason for s in tree.skipped}
    assert reasons["src/link.js"] == "symlink points outside the project"
    profile = review_project(root)
    assert "leaked" not in profile.model_dump_json()


def test_binary_large_and_odd_encodings(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {
        "bin.js": b"\x00\x01\x02process.env.BINARY",
        "latin1.py": "import os\nos.getenv('CAF\xc9')\n".encode("latin-1"),
        "bom.py": b"\xef\xbb\xbfimport os\r\nos.getenv('WITH_BOM')\r\n",
        "big.js": b"// " + b"x" * 2_000_000,
    })
    tree = ProjectTree(root)
    assert "big.js" not in tree.files
    assert tree.read("bin.js") is None
    assert tree.read("bom.py") == "import os\nos.getenv('WITH_BOM')\n"
    assert "CAF" in (tree.read("latin1.py") or "")


def test_skips_vendored_and_build_folders_and_gitignore(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {
        "node_modules/x/index.js": "", "dist/app.js": "", "contracts/lib/forge-std/src/Test.sol": "",
        ".gitignore": "secrets/\n*.log\n", "secrets/key.txt": "k", "app.log": "", "src/main.ts": "",
        "sub/.gitignore": "local.ts\n", "sub/local.ts": "", "sub/kept.ts": "",
    })
    assert ProjectTree(root).files == (".gitignore", "src/main.ts", "sub/.gitignore", "sub/kept.ts")


def test_uses_git_file_list_without_running_hooks(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {"tracked.py": "", "ignored.py": "", ".gitignore": "ignored.py\n"})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    marker = tmp_path / "pwned"
    subprocess.run(["git", "-C", str(root), "config", "core.fsmonitor", f"touch {marker}"], check=True)
    files = ProjectTree(root).files
    assert "tracked.py" in files and "ignored.py" not in files
    assert not marker.exists()


def test_deep_nesting_is_bounded(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 60)
    root = write_tree(tmp_path / "proj", {f"{deep}/package.json": "{}", "package.json": "{}"})
    assert all(f.count("/") < 41 for f in ProjectTree(root).files)
    review_project(root)


_names = st.text(alphabet=string.ascii_letters + string.digits + "._- ", min_size=1, max_size=12).filter(
    lambda s: s not in {".", ".."}
)
_content = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.sampled_from([
        '{"name": "x", "scripts": {"start": "node a.js"}, "dependencies": {"express": "4"}}',
        "[project]\nname = 'x'\ndependencies = ['fastapi']\n", "[project\nbroken", "{not json",
        "FROM node:20\nEXPOSE 3000\nCMD [\"node\", \"a.js\"]\n", "services:\n  db:\n    image: postgres:16\n",
        "process.env.PORT || 3000\napp.listen(PORT)\n", "- [ ]: *a\n", "PRIVATE_KEY=\n",
    ]),
)
_manifest = st.sampled_from(["package.json", "pyproject.toml", "go.mod", "Cargo.toml", "Dockerfile",
                             "docker-compose.yml", ".env.example", "foundry.toml", "index.js", "main.py",
                             "docs/prd.md", "README.md"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(_names, max_size=4), st.one_of(_manifest, _names), _content), max_size=25),
       st.lists(st.tuples(st.lists(_names, min_size=1, max_size=3), st.sampled_from(["..", "/", "/etc", "."])),
                max_size=3))
def test_review_never_crashes_on_random_trees(tmp_path_factory: pytest.TempPathFactory,
                                              files: list[tuple[list[str], str, bytes | str]],
                                              links: list[tuple[list[str], str]]) -> None:
    root = tmp_path_factory.mktemp("rand")
    for parts, name, content in files:
        path = root.joinpath(*parts, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        except (OSError, UnicodeEncodeError):
            continue
    for parts, target in links:
        try:
            os.symlink(target, root.joinpath(*parts))
        except OSError:
            continue
    profile = review_project(root)
    for comp in profile.components:
        assert not comp.path.startswith("/") and ".." not in comp.path.split("/")
    payload = profile.model_dump_json()
    assert "root:x:0:0" not in payload  # nothing from /etc/passwd


def test_agent_tooling_and_planning_zones(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "proj", {
        ".claude/scripts/x.sh": "echo $SECRET_THING\n", ".beads/db.json": "{}",
        "grimoires/loa/prd.md": "# PRD\n", "grimoires/loa/context/ref/package.json": "{}",
        "state/notes.md": "# n\n", "state/tool.py": "import os\n", "sys/agent.js": "",
        ".loa-version.json": '{"zones": {"system": "sys", "state": ["state"]}}', "src/app.ts": "",
    })
    assert ProjectTree(root).files == (".loa-version.json", "grimoires/loa/prd.md", "src/app.ts", "state/notes.md")
