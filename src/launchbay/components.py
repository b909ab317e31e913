"""Find component roots: folders with their own manifest (package.json, pyproject.toml, go.mod...).

Runs before the detectors so each fact can be attributed to the component that holds its file.
"""

from __future__ import annotations

from launchbay.tree import ProjectTree

# A folder holding one of these files is a component root.
MANIFESTS = (
    "package.json", "pyproject.toml", "requirements.txt", "setup.py", "Pipfile", "go.mod",
    "Cargo.toml", "foundry.toml", "hardhat.config.js", "hardhat.config.ts", "hardhat.config.cjs",
    "Anchor.toml", "ape-config.yaml", "Dockerfile", "Procfile", "Gemfile", "deno.json",
    "subgraph.yaml", "ponder.config.ts",
)


# Manifests below these folders belong to tests, fixtures and samples, not to deployable components.
NOT_COMPONENT_DIRS = frozenset({
    "test", "tests", "__tests__", "e2e", "fixtures", "__fixtures__", "testdata", "test-fixtures", "evals",
    "examples", "example", "samples", "sample", "benchmarks", "bench",
})


def discover_components(tree: ProjectTree) -> tuple[str, ...]:
    """Sorted component roots as relative POSIX paths, "." for the repository root."""
    roots: set[str] = set()
    for rel in tree.named(*MANIFESTS):
        folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
        if NOT_COMPONENT_DIRS.intersection(folder.split("/")):
            continue
        if _nested_manifest_is_part_of_parent(tree, rel, folder):
            continue
        roots.add(folder)
    return tuple(sorted(roots))


def _nested_manifest_is_part_of_parent(tree: ProjectTree, rel: str, folder: str) -> bool:
    """A Dockerfile or requirements.txt in a sub-folder of a component (e.g. `docker/`) is not a
    component of its own when that folder has no other manifest: it belongs to its parent."""
    name = rel.rsplit("/", 1)[-1]
    if name not in {"Dockerfile", "requirements.txt", "Procfile"} or folder == ".":
        return False
    siblings = {f"{folder}/{m}" for m in MANIFESTS if m != name}
    if any(tree.exists(s) for s in siblings):
        return False
    return folder.rsplit("/", 1)[-1] in {"docker", "deploy", "ops", "requirements", ".devcontainer", "scripts"}
