"""launchbay's own checks over the generated kit (no external tool):

- no `latest`: no `:latest`/`@latest` reference, no `*-latest` runner, no untagged `FROM` or
  `image:` (an untagged image *is* latest), and every GitHub action pinned by commit SHA;
- no secret values: every line of every kit file through `secretscan.secret_kind` (image digests
  `sha256:<64 hex>` are content hashes, not keys, and are blanked first);
- every env var wired: each variable of each service in `deploy/launchbay-wiring.json` (written
  from the Design by the CI renderer) must appear in another kit file that can wire it — runtime
  config and secrets in deployment files (Terraform, compose, env files, Helm values), build values
  also in a Dockerfile or pipeline — and a secret must never get a value in an env example.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from launchbay.models.kit import Finding
from launchbay.secretscan import secret_kind
from launchbay.validators.base import Result, Tool
from launchbay.validators.scope import generated, read_text

WIRING = "deploy/launchbay-wiring.json"
LATEST = re.compile(r"[:@]latest\b")
RUNNER_LATEST = re.compile(r"^\s*(?:-\s+)?runs-on:.*-latest\b")
FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(?P<image>\S+)(?:\s+AS\s+(?P<alias>\S+))?", re.IGNORECASE)
YAML_IMAGE = re.compile(r"^\s*(?:-\s+)?image:\s*['\"]?(?P<image>[^\s'\"#{}$]+)['\"]?\s*(?:#.*)?$")
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*['\"]?(?P<ref>[^\s'\"#]+)")
PINNED_ACTION = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
RUNTIME_EXCLUDED = (".github/", ".gitlab-ci.yml", ".launchbay/")
DOC_SUFFIXES = (".md", ".mmd", ".txt")


def _untagged(image: str) -> bool:
    """`node` or `ghcr.io/x/y` (no tag, no digest) pulls latest; a registry port is not a tag."""
    if "@" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last


def latest_findings(rel: str, text: str) -> Iterator[Finding]:
    is_dockerfile = rel.rsplit("/", 1)[-1].lower().startswith("dockerfile") or rel.endswith(".dockerfile")
    is_yaml = rel.endswith((".yml", ".yaml"))
    is_workflow = rel.startswith(".github/workflows/") and is_yaml
    stages: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if LATEST.search(line):
            yield rel, n, "uses a `latest` tag: pin an exact version"
        if is_yaml and RUNNER_LATEST.search(line):
            yield rel, n, "runs on a `-latest` runner image: name a fixed one (e.g. ubuntu-24.04)"
        if is_dockerfile and (m := FROM.match(line)):
            image = m.group("image")
            if image.lower() != "scratch" and image not in stages and "$" not in image and _untagged(image):
                yield rel, n, f"FROM {image} has no tag (that is latest): pin an exact version"
            if m.group("alias"):
                stages.add(m.group("alias"))
        if is_yaml and (m := YAML_IMAGE.match(line)) and _untagged(m.group("image")):
            yield rel, n, f"image {m.group('image')} has no tag (that is latest): pin an exact version"
        if is_workflow and (m := USES.match(line)):
            ref = m.group("ref")
            if not ref.startswith(("./", "docker://")) and not PINNED_ACTION.match(ref):
                yield rel, n, f"action {ref} is not pinned by a full commit SHA"


def secret_findings(rel: str, text: str) -> Iterator[Finding]:
    for n, line in enumerate(text.splitlines(), 1):
        kind = secret_kind(DIGEST.sub("sha256:<digest>", line))
        if kind:
            yield rel, n, f"looks like {kind}: reference it by name in the secret store instead"


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


def _wiring_candidates(texts: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(files that can wire runtime config/secrets, files that can wire build values)."""
    build = {p: t for p, t in texts.items() if p != WIRING and not p.endswith(DOC_SUFFIXES)}
    runtime = {p: t for p, t in build.items() if not p.startswith(RUNTIME_EXCLUDED)}
    return runtime, build


def _example_values(rel: str, text: str, secrets: set[str]) -> Iterator[Finding]:
    for n, line in enumerate(text.splitlines(), 1):
        name, sep, value = line.strip().partition("=")
        name = name.removeprefix("export ").strip()
        if sep and name in secrets and value.strip().strip("'\"") != "":
            yield rel, n, f"{name} is a secret but has a value in an example file: leave it empty"


SIGNERS = "deploy/chains/signers.json"  # where a raw signing key's replacement is declared


def wiring_findings(texts: dict[str, str]) -> Iterator[Finding]:
    if WIRING not in texts:
        yield WIRING, 1, "missing: the env wiring of the Design cannot be checked (regenerate the kit)"
        return
    try:
        doc: dict[str, Any] = json.loads(texts[WIRING])
        services = list(doc["services"])
    except (ValueError, KeyError, TypeError):
        yield WIRING, 1, "unreadable wiring file"
        return
    runtime, build = _wiring_candidates(texts)
    if not runtime:
        yield WIRING, 1, "no deployment files in the kit to wire env vars into (Terraform, compose, env examples)"
        return
    secrets: set[str] = set()
    name_lines = _name_lines(texts[WIRING])
    for svc in services:
        for env in svc.get("env", []):
            name, wiring = str(env["name"]), str(env["wiring"])
            line = next((n for n in name_lines if name_lines[n] == name), 1)
            name_lines.pop(line, None)  # each entry once, in file order
            if wiring in ("secret", "signer"):  # a raw key's slot must stay empty too
                secrets.add(name)
            if wiring == "signer":
                if not _word(name).search(texts.get(SIGNERS, "")):
                    yield WIRING, line, f"{svc.get('name')}: {name} (signer) has no signer in {SIGNERS}"
                continue
            pool = build if wiring == "build" else runtime
            pattern = _word(name)
            if not any(pattern.search(t) for t in pool.values()):
                where = "a Dockerfile, pipeline or deployment file" if wiring == "build" else "a deployment file"
                yield WIRING, line, f"{svc.get('name')}: {name} ({wiring}) is not wired in {where} of the kit"
    for rel, text in texts.items():
        if rel.endswith((".env.example", ".env.sample")) or rel.rsplit("/", 1)[-1] == ".env.example":
            yield from _example_values(rel, text, secrets)


def _name_lines(text: str) -> dict[int, str]:
    """Line number → value of each `"name": "…"` line of the wiring file, in file order."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r'\s*"name":\s*"([^"]*)"', line)
        if m:
            out[n] = m.group(1)
    return out


class ConsistencyValidator:
    name = "consistency"
    tool: str | None = None

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(generated(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        kit = generated(root, files)
        texts = {rel: text for rel in kit if (text := read_text(root, rel)) is not None}
        findings: list[Finding] = []
        for rel, text in texts.items():
            findings += latest_findings(rel, text)
            findings += secret_findings(rel, text)
        findings += wiring_findings(texts)
        summary = f"{len(texts)} kit file(s): latest tags, secret values, env wiring"
        if findings:
            return Result(self.name, "FAIL", f"{len(findings)} finding(s) — {summary}", tuple(findings))
        return Result(self.name, "PASS", f"{summary}: no findings")
