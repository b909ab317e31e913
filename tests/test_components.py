"""Component roots and attributing files to the deepest component that holds them."""

from __future__ import annotations

from pathlib import Path

from launchbay.components import discover_components
from launchbay.detectors.base import DetectorContext
from launchbay.tree import ProjectTree
from tests.conftest import write_tree


def test_roots_and_ownership(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": "{}", "apps/api/package.json": "{}", "apps/api/docker/Dockerfile": "FROM x\n",
        "contracts/foundry.toml": "", "services/bot/requirements.txt": "discord.py\n", "scripts/x.sh": "",
    })
    tree = ProjectTree(root)
    comps = discover_components(tree)
    assert comps == (".", "apps/api", "contracts", "services/bot")
    ctx = DetectorContext(tree=tree, components=comps)
    assert ctx.component_of("apps/api/src/server.ts") == "apps/api"
    assert ctx.component_of("apps/api/docker/Dockerfile") == "apps/api"
    assert ctx.component_of("apps/api") == "apps/api"  # a folder named directly (compose build context)
    assert ctx.component_of("apps/apiary/x.ts") == "."
    assert ctx.component_of("scripts/x.sh") == "."
    assert ctx.component_of("README.md") == "."


def test_no_root_component(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"api/go.mod": "module x\n", "docs/prd.md": "# PRD\n"})
    tree = ProjectTree(root)
    ctx = DetectorContext(tree=tree, components=discover_components(tree))
    assert ctx.component_of("docs/prd.md") == "" and ctx.component_of("api/main.go") == "api"


def test_tests_fixtures_and_samples_are_not_components(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        "package.json": "{}", "evals/harness/Dockerfile.sandbox": "FROM node:20\n",
        "test/fixtures/app/package.json": "{}", "examples/demo/package.json": "{}", "apps/web/package.json": "{}",
    })
    assert discover_components(ProjectTree(root)) == (".", "apps/web")
