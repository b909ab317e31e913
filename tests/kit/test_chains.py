"""The chain kit (`deploy/chains/`): the eRPC gateway, own node pairs, indexers and the facts API.

Real designs (the examples, and evm-dapp with changed answers) are rendered once per module; the real
validators (eRPC model, Compose schema, kubernetes-validate, shellcheck, yamllint) run over the written
files; the two scripts run for real (the JWT generator in a temp dir, the readiness gate against fake
clients on 127.0.0.1)."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit
from launchbay.models.design import ChainNode, Design
from launchbay.models.kit import KitFile
from launchbay.renderers.chains import ChainsRenderer
from launchbay.renderers.chains.facts import chain_facts, markdown_fragment
from launchbay.renderers.chains.pins import pins
from launchbay.secretscan import secret_kind
from launchbay.validators.base import find_tool
from launchbay.validators.compose import ComposeValidator
from launchbay.validators.erpc import ErpcValidator, check_text
from launchbay.validators.kubernetes import KubernetesValidator
from launchbay.validators.shell import ShellValidator
from launchbay.validators.yamllint import YamllintValidator
from tests.kit.support import design, require_tool

OWN = frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum",))})


def _own(platform: str | None = None, **more: Any) -> Design:
    d = design("evm-dapp", blockchain=OWN | frozenset(more.items()))
    return d.model_copy(update={"platform": platform}) if platform else d


def _two_pairs(platform: str) -> Design:
    """Own nodes on Ethereum and on Sepolia (the planner sizes mainnets only: the Sepolia pair is added here)."""
    d = _own(platform)
    sepolia = tuple(n.model_copy(update={"chain": "sepolia"}) for n in d.chain_nodes if n.chain == "ethereum")
    assert d.blockchain is not None
    plan = d.blockchain.model_copy(update={"chains": (*d.blockchain.chains, d.blockchain.chains[0].model_copy(
        update={"name": "sepolia", "chain_id": 11155111, "testnet": True}))})
    return d.model_copy(update={"chain_nodes": (*d.chain_nodes, *sepolia), "blockchain": plan})


VARIANTS: dict[str, Any] = {
    "evm-dapp": lambda: design("evm-dapp"),
    "evm-dapp-k8s": lambda: design("evm-dapp").model_copy(update={"platform": "kubernetes"}),
    "py-web3": lambda: design("py-web3"),
    "own-ecs": lambda: _own(),
    "own-k8s": lambda: _own("kubernetes"),
    "own-vm-graph": lambda: _own("vm", indexer="graph-node"),
    "two-k8s": lambda: _two_pairs("kubernetes"),
    "two-vm": lambda: _two_pairs("vm"),
    "graph-k8s": lambda: design("evm-dapp", blockchain=frozenset({("indexer", "graph-node")})).model_copy(
        update={"platform": "kubernetes"}),
}


@pytest.fixture(scope="module")
def kits() -> dict[str, dict[str, KitFile]]:
    return {name: {f.path: f for f in ChainsRenderer().render(make())} for name, make in VARIANTS.items()}


@pytest.fixture(scope="module")
def written(kits: dict[str, dict[str, KitFile]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, files in kits.items():
        root = tmp_path_factory.mktemp(name)
        for f in files.values():
            path = root / f.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f.content, encoding="utf-8")
        out[name] = root
    return out


def _files(root: Path) -> tuple[str, ...]:
    return tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))


def _docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def _erpc(kit: dict[str, KitFile]) -> dict[str, Any]:
    data = yaml.safe_load(kit["deploy/chains/erpc/erpc.yaml"].content)
    assert isinstance(data, dict)
    return data


# ───────────────────────────── what is generated ─────────────────────────────

def test_third_party_evm_dapp_gets_the_gateway_with_base_networks_and_alchemy_and_no_nodes(kits: Any) -> None:
    for name in ("evm-dapp", "evm-dapp-k8s"):
        kit = kits[name]
        cfg = _erpc(kit)
        project = cfg["projects"][0]
        assert [n["evm"]["chainId"] for n in project["networks"]] == [8453, 84532]
        assert [p["vendor"] for p in project["providers"]] == ["alchemy"]
        assert project["providers"][0]["settings"] == {"apiKey": "${ALCHEMY_API_KEY}"}
        assert project["providers"][0]["onlyNetworks"] == ["evm:8453", "evm:84532"]
        assert "upstreams" not in project  # no own node
        assert not any("-node.yaml" in p or "compose.nodes" in p or p.endswith(".sh") for p in kit), sorted(kit)
    assert "deploy/chains/kubernetes/erpc.yaml" in kits["evm-dapp-k8s"]
    assert "deploy/chains/kubernetes/erpc.yaml" not in kits["evm-dapp"]  # ECS: a Terraform module, not a manifest
    readme = kits["evm-dapp"]["deploy/chains/README.md"].content
    assert "Terraform (module `chain_services`) runs them as Fargate services" in readme
    assert "| production | `erpc` | 2 × erpc |" in readme


def test_py_web3_gets_both_providers_and_its_rpc_url_mapped(kits: Any) -> None:
    project = _erpc(kits["py-web3"])["projects"][0]
    assert [(p["id"], p["settings"]["apiKey"], p["onlyNetworks"]) for p in project["providers"]] == [
        ("alchemy", "${ALCHEMY_API_KEY}", ["evm:11155111"]), ("infura", "${INFURA_API_KEY}", ["evm:11155111"])]
    facts = chain_facts(design("py-web3"))
    assert facts is not None
    assert [(a.env, a.chain, a.url) for a in facts.app_rpc] == [
        ("RPC_URL", "sepolia", "http://erpc:4000/main/evm/11155111")]
    assert [s.env for s in facts.secrets] == ["ALCHEMY_API_KEY", "INFURA_API_KEY"]
    assert facts.indexer.kind == "none" and not facts.indexer.files


def test_gateway_is_finality_aware_lag_aware_rate_limited_and_exports_metrics(kits: Any) -> None:
    cfg = _erpc(kits["evm-dapp"])
    ttl = {p["finality"]: p["ttl"] for p in cfg["database"]["evmJsonRpcCache"]["policies"]}
    assert ttl == {"finalized": "0s", "unfinalized": "5s", "realtime": "2s", "unknown": "30s"}
    assert cfg["metrics"] == {"enabled": True, "listenV4": True, "hostV4": "0.0.0.0", "port": 4001}
    assert cfg["rateLimiters"]["budgets"][0]["rules"][0] == {"method": "*", "maxCount": 200, "period": "second",
                                                              "perIP": True}
    policy = cfg["projects"][0]["networks"][0]["selectionPolicy"]["evalFunc"]
    assert "blockNumberLagAbove(15)" in policy and "blockSecondsLagAbove(30)" in policy  # Base: 2 s blocks
    assert "$" not in kits["evm-dapp"]["deploy/chains/erpc/erpc.yaml"].content.replace("${ALCHEMY_API_KEY}", "")
    readme = kits["evm-dapp"]["deploy/chains/README.md"].content
    assert "port **4001**" in readme and "`PONDER_RPC_URL_8453` | base | `http://erpc:4000/main/evm/8453`" in readme


def test_own_nodes_pair_has_pvcs_and_memory_of_the_design(kits: Any) -> None:
    d = _own("kubernetes")
    sized = {n.layer: n for n in d.chain_nodes if n.chain == "ethereum"}
    assert set(sized) == {"execution", "consensus"}
    docs = _docs(kits["own-k8s"]["deploy/chains/kubernetes/ethereum-node.yaml"].content)
    sts = next(x for x in docs if x["kind"] == "StatefulSet")
    claims = {c["metadata"]["name"]: c["spec"]["resources"]["requests"]["storage"]
              for c in sts["spec"]["volumeClaimTemplates"]}
    assert claims == {"execution-data": f"{sized['execution'].disk_gb}G",
                      "consensus-data": f"{sized['consensus'].disk_gb}G"}
    containers = {c["name"]: c for c in sts["spec"]["template"]["spec"]["containers"]}
    assert set(containers) == {"execution", "consensus", "sync-gate"}
    for layer in ("execution", "consensus"):
        c = containers[layer]
        assert c["image"] == f"{pins().clients[sized[layer].client].image.ref}"
        assert c["resources"]["requests"]["memory"] == f"{sized[layer].memory_gb}G"
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    init = {c["name"]: c for c in sts["spec"]["template"]["spec"]["initContainers"]}
    assert list(init) == ["jwt-init", "checkpoint-sync"]  # nimbus: trustedNodeSync before the node
    assert "--trusted-node-url=https://mainnet-checkpoint-sync.attestant.io" in init["checkpoint-sync"]["args"]
    assert containers["sync-gate"]["readinessProbe"]["exec"]["command"] == ["sh", "/scripts/node-ready.sh"]
    # the gateway prefers the node; the provider becomes the fallback for that chain
    project = _erpc(kits["own-k8s"])["projects"][0]
    assert project["upstreams"][0]["endpoint"] == "http://ethereum-node:8545"
    assert project["providers"][0]["overrides"] == {"evm:1": {"tags": ["tier:fallback"]}}


def test_own_nodes_on_ecs_run_on_a_node_host_with_compose_sized_by_labels(kits: Any) -> None:
    d = _own()
    assert d.platform == "containers"
    compose = yaml.safe_load(kits["own-ecs"]["deploy/chains/compose.nodes.yml"].content)
    sizes = {v: int(spec["labels"]["launchbay.chains.size-gb"]) for v, spec in compose["volumes"].items()
             if "launchbay.chains.size-gb" in spec["labels"]}
    assert sizes == {f"ethereum-{n.layer}-data": n.disk_gb for n in d.chain_nodes if n.chain == "ethereum"}
    assert _erpc(kits["own-ecs"])["projects"][0]["upstreams"][0]["endpoint"] == "${ETHEREUM_NODE_RPC_URL}"


def test_no_two_pairs_share_a_jwt_secret(kits: Any) -> None:
    # Kubernetes: each pair's secret lives in a memory emptyDir of its own pod, written by its own init container.
    seen_sts = []
    for path, f in kits["two-k8s"].items():
        for doc in _docs(f.content) if path.endswith("-node.yaml") else []:
            if doc["kind"] != "StatefulSet":
                continue
            spec = doc["spec"]["template"]["spec"]
            jwt = next(v for v in spec["volumes"] if v["name"] == "jwt")
            assert jwt == {"name": "jwt", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}}
            assert spec["initContainers"][0]["name"] == "jwt-init"
            writers = [c["name"] for c in [*spec["initContainers"], *spec["containers"]]
                       if any(m["name"] == "jwt" and not m.get("readOnly") for m in c.get("volumeMounts", []))]
            assert writers == ["jwt-init"]  # the clients only read it
            assert not any("secret" in v for v in spec["volumes"])  # no shared Secret object
            seen_sts.append(doc["metadata"]["name"])
    assert sorted(seen_sts) == ["ethereum-node", "sepolia-node"]
    # Compose: one named volume per pair, mounted only by that pair's services.
    compose = yaml.safe_load(kits["two-vm"]["deploy/chains/compose.nodes.yml"].content)
    users: dict[str, set[str]] = {}
    for svc_name, svc in compose["services"].items():
        for vol in svc.get("volumes", []):
            source = vol.split(":")[0]
            if source.endswith("-jwt"):
                users.setdefault(source, set()).add(svc_name.split("-")[0])
    assert users == {"ethereum-jwt": {"ethereum"}, "sepolia-jwt": {"sepolia"}}
    for pair in ("ethereum", "sepolia"):
        assert compose["services"][f"{pair}-jwt-init"]["command"][:2] == ["sh", "/scripts/jwt-init.sh"]
        depends = compose["services"][f"{pair}-execution"]["depends_on"]
        assert depends == {f"{pair}-jwt-init": {"condition": "service_completed_successfully"}}


HEX_SECRET = re.compile(r"\b(?:0x)?[0-9a-fA-F]{64}\b")


@pytest.mark.parametrize("name", list(VARIANTS))
def test_no_generated_file_holds_a_jwt_key_mnemonic_or_secret_value(kits: Any, name: str) -> None:
    for path, f in kits[name].items():
        assert "PRIVATE KEY" not in f.content, path
        for n, line in enumerate(f.content.splitlines(), 1):
            assert secret_kind(line) is None, f"{path}:{n}: {secret_kind(line)}"
            assert not HEX_SECRET.search(line), f"{path}:{n}"
        # every credential is a reference: ${NAME} (eRPC/compose) or a secretKeyRef
        for value in re.findall(r"(?:apiKey|postgres_pass|POSTGRES_PASSWORD):[ ]*(\S+)", f.content):
            assert value.startswith(('"${', "${", '"$${')), f"{path}: {value}"


def test_whole_kit_carries_the_chain_files_with_every_image_pinned() -> None:
    d = _own()
    kit = render_kit(d)
    facts = chain_facts(d)
    assert facts is not None
    chain_files = [f for f in kit.files if f.path in facts.files]
    assert [f.path for f in chain_files] == list(facts.files)
    for f in chain_files:
        for image in re.findall(r"image: (\S+)", f.content):
            assert ":" in image and not image.endswith((":latest", ":stable")), f"{f.path}: {image}"


def test_non_chain_example_gets_no_chain_files() -> None:
    d = design("discord-bot")
    assert d.blockchain is None
    assert list(ChainsRenderer().render(d)) == []
    assert chain_facts(d) is None and markdown_fragment(d) == ""
    assert not [f.path for f in render_kit(d).files if f.path.startswith("deploy/chains/")]


def test_solana_is_documented_never_faked() -> None:
    d = design("evm-dapp", blockchain=frozenset({("node_strategy", "hybrid"), ("chains", ("solana-mainnet",))}))
    assert any(n.chain == "solana-mainnet" for n in d.chain_nodes)
    kit = {f.path: f for f in ChainsRenderer().render(d)}
    assert not any("solana" in p for p in kit)
    facts = chain_facts(d)
    assert facts is not None and not facts.nodes
    gap = next(g for g in facts.gaps if g.chain == "solana-mainnet")
    assert "512 GB RAM" in gap.reason and "accounts 500 GB" in gap.reason
    assert "provider" in gap.recommendation
    assert "solana-mainnet" in kit["deploy/chains/README.md"].content


def test_a_chain_without_a_wireable_upstream_gets_no_gateway() -> None:
    """Solana only, through Helius (no eRPC vendor, not EVM): a README that says so, no empty gateway."""
    d = design("discord-bot", blockchain=frozenset({("chains", ("solana-mainnet",)), ("node_strategy", "third-party"),
                                                    ("rpc_providers", ("helius",))}))
    kit = {f.path: f.content for f in ChainsRenderer().render(d)}
    assert list(kit) == ["deploy/chains/README.md"]
    assert "No gateway is generated" in kit["deploy/chains/README.md"]
    assert "solana-mainnet: not an EVM chain" in kit["deploy/chains/README.md"]


def test_an_unsupported_pair_is_a_gap_not_a_half_node() -> None:
    d = _own("kubernetes")
    nodes = tuple(n for n in d.chain_nodes if n.layer == "execution")  # no consensus client sized
    facts = chain_facts(d.model_copy(update={"chain_nodes": nodes}))
    assert facts is not None and not facts.nodes
    assert "no consensus client" in facts.gaps[0].reason


def test_facts_api_matches_the_files(kits: Any) -> None:
    for name, make in VARIANTS.items():
        facts = chain_facts(make())
        assert facts is not None
        assert facts.files == tuple(sorted(kits[name])), name
        assert facts.proxy.metrics_port == 4001 and facts.proxy.http_port == 4000
    facts = chain_facts(_two_pairs("kubernetes"))
    assert facts is not None
    assert [p.pair for p in facts.nodes] == ["ethereum", "sepolia"]
    assert {p.jwt.path for p in facts.nodes} == {"/secrets/jwt.hex"}
    assert len({p.jwt.volume + p.pair for p in facts.nodes}) == 2
    assert "nethermind" in facts.diversity and "nimbus" in facts.diversity
    ponder = chain_facts(design("evm-dapp"))
    assert ponder is not None and ponder.indexer.service == "@vaultline/indexer"
    assert ponder.indexer.rpc_url == "http://erpc:4000/main/evm/8453" and ponder.indexer.metrics_port == 42069


def test_rendering_is_deterministic() -> None:
    d = _two_pairs("vm")
    assert [(f.path, f.content) for f in ChainsRenderer().render(d)] == \
        [(f.path, f.content) for f in ChainsRenderer().render(d)]


# ───────────────────────────── validators ─────────────────────────────

def test_erpc_configs_validate(written: dict[str, Path]) -> None:
    checked = 0
    for name, root in written.items():
        result = ErpcValidator().run(root, _files(root), None)
        assert result.status == "PASS", (name, result.findings)
        checked += 1
    assert checked == len(VARIANTS)


def test_erpc_validator_catches_what_erpc_would_refuse(kits: Any) -> None:
    text = kits["evm-dapp"]["deploy/chains/erpc/erpc.yaml"].content
    assert check_text("erpc.yaml", text) == []
    bad = (text.replace("  maxTimeout: 30s", "  maxTimeout: 30000\n  httpPort4: 1")
           .replace('apiKey: "${ALCHEMY_API_KEY}"', "apiKey: ${ALCHEMY_API_KEY}")
           .replace("rateLimitBudget: per-client", "rateLimitBudget: missing")
           .replace("finality: realtime", "finality: soon")
           .replace("logLevel: info", "logLevel: info\n# costs $5")
           .replace("maxTotalSize: 256MB", "maxTotalSize: lots"))
    found = check_text("erpc.yaml", bad)
    messages = " | ".join(m for _f, _l, m in found)
    for expected in ("maxTimeout", "httpPort4", "double-quoted", "finality", "bare '$'", "byte size"):
        assert expected in messages, messages
    lines = bad.splitlines()
    for _f, line, message in found:
        assert 1 <= line <= len(lines), message
    assert any("apiKey" in lines[line - 1] for _f, line, m in found if "double-quoted" in m)
    # semantic rules run once the structure is right
    semantic = check_text("erpc.yaml", text.replace("rateLimitBudget: per-client", "rateLimitBudget: missing"))
    assert [m for _f, _l, m in semantic] == ["$.projects[0]: rateLimitBudget 'missing' does not exist in "
                                             "rateLimiters.budgets"]


def test_compose_files_validate(written: dict[str, Path]) -> None:
    tool = find_tool(require_tool("check-jsonschema"))
    for name in ("own-ecs", "own-vm-graph", "two-vm"):
        root = written[name]
        result = ComposeValidator().run(root, _files(root), tool)
        assert result.status == "PASS", (name, result.findings)
        assert "compose file(s)" in result.summary


def test_kubernetes_manifests_validate_strictly(written: dict[str, Path]) -> None:
    require_tool("kubernetes-validate")
    for name in ("evm-dapp-k8s", "own-k8s", "two-k8s", "graph-k8s"):
        root = written[name]
        result = KubernetesValidator().run(root, _files(root), find_tool("kubernetes-validate"))
        assert result.status == "PASS", (name, result.findings)


def test_scripts_pass_shellcheck(written: dict[str, Path]) -> None:
    tool = find_tool(require_tool("shellcheck"))
    root = written["own-k8s"]
    result = ShellValidator().run(root, _files(root), tool)
    assert result.status == "PASS" and result.summary.startswith("2 script(s)"), result.findings


def test_yaml_passes_yamllint(written: dict[str, Path]) -> None:
    tool = find_tool(require_tool("yamllint"))
    for name, root in written.items():
        result = YamllintValidator().run(root, _files(root), tool)
        assert result.status == "PASS", (name, result.findings)


# ───────────────────────────── the scripts, run ─────────────────────────────

def _sh(script: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", script, "sh", *args], capture_output=True, text=True, timeout=30, check=False,
                          env={**os.environ, **env})


def test_jwt_init_makes_one_random_secret_per_pair_and_keeps_it(kits: Any, tmp_path: Path) -> None:
    script = kits["own-k8s"]["deploy/chains/scripts/jwt-init.sh"].content
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert _sh(script, {"JWT_DIR": str(a)}).returncode == 0
    assert _sh(script, {"JWT_DIR": str(b)}).returncode == 0
    first = (a / "jwt.hex").read_text()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert (a / "jwt.hex").stat().st_mode & 0o777 == 0o600
    assert first != (b / "jwt.hex").read_text()
    again = _sh(script, {"JWT_DIR": str(a)})
    assert again.returncode == 0 and "keeping it" in again.stdout
    assert (a / "jwt.hex").read_text() == first


class _FakeNode(http.server.BaseHTTPRequestHandler):
    syncing = True

    def do_POST(self) -> None:  # execution JSON-RPC
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        result: Any = {"startingBlock": "0x0", "currentBlock": "0x1", "highestBlock": "0x9"} if self.syncing else False
        self._reply({"jsonrpc": "2.0", "id": 1, "result": result})

    def do_GET(self) -> None:  # Beacon API
        self._reply({"data": {"head_slot": "1", "sync_distance": "0", "is_syncing": self.syncing}})

    def _reply(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture()
def fake_node() -> Iterator[tuple[type[_FakeNode], str]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeNode)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _FakeNode, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_readiness_gate_fails_while_syncing_and_passes_when_synced(kits: Any, fake_node: Any) -> None:
    if shutil.which("wget") is None:
        pytest.skip("wget (busybox provides it in the image) not on this machine")
    handler, url = fake_node
    script = kits["own-k8s"]["deploy/chains/scripts/node-ready.sh"].content
    env = {"EL_URL": url, "CL_URL": url, "PROBE_TIMEOUT": "3"}
    handler.syncing = True
    syncing = _sh(script, env)
    assert syncing.returncode == 1 and "syncing" in syncing.stderr
    handler.syncing = False
    assert _sh(script, env).returncode == 0
    down = _sh(script, {**env, "CL_URL": "http://127.0.0.1:9"})
    assert down.returncode == 1 and "not answering" in down.stderr


def test_design_has_the_figures_the_tests_rely_on() -> None:
    nodes = [n for n in _own().chain_nodes if n.chain == "ethereum"]
    assert all(isinstance(n, ChainNode) and n.disk_gb > 0 and n.memory_gb > 0 for n in nodes)
    assert {n.client for n in nodes} <= set(pins().clients)


# every pinned client appears at least once (a full cross product only repeats the same flags)
PAIRS = [("geth", "lighthouse"), ("reth", "nimbus"), ("erigon", "lighthouse"), ("nethermind", "nimbus")]


def _with_clients(platform: str, el: str, cl: str) -> Design:
    d = _own(platform)
    nodes = tuple(n.model_copy(update={"client": el if n.layer == "execution" else cl}) for n in d.chain_nodes)
    return d.model_copy(update={"chain_nodes": nodes})


def test_every_pinned_client_pair_renders_valid_manifests_and_compose(tmp_path: Path) -> None:
    """Each execution × consensus client in clients.yaml: its flags, its checkpoint method, strict schemas."""
    assert {c for pair in PAIRS for c in pair} == set(pins().clients)
    require_tool("kubernetes-validate")
    tool = find_tool(require_tool("check-jsonschema"))
    for el, cl in PAIRS:
        for platform in ("kubernetes", "vm"):
            for f in ChainsRenderer().render(_with_clients(platform, el, cl)):
                # one folder per variant under deploy/, where the validators look
                path = tmp_path / f.path.replace("deploy/chains/", f"deploy/{el}-{cl}-{platform}/")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f.content, encoding="utf-8")
        sts = next(x for x in _docs((tmp_path / f"deploy/{el}-{cl}-kubernetes/kubernetes/ethereum-node.yaml")
                                    .read_text()) if x["kind"] == "StatefulSet")
        spec = sts["spec"]["template"]["spec"]
        containers = {c["name"]: c for c in spec["containers"]}
        assert containers["execution"]["image"] == pins().clients[el].image.ref
        assert any("jwt" in a and a.endswith("/secrets/jwt.hex") for a in containers["execution"]["args"]), el
        assert any(a.endswith("/secrets/jwt.hex") for a in containers["consensus"]["args"]), cl
        assert any("127.0.0.1:8551" in a for a in containers["consensus"]["args"]), cl  # engine API on loopback
        checkpoint = [a for c in [*spec["initContainers"], containers["consensus"]] for a in c.get("args", [])
                      if "mainnet-checkpoint-sync.attestant.io" in a]
        assert len(checkpoint) == 1, (el, cl, checkpoint)
    k8s_result = KubernetesValidator().run(tmp_path, _files(tmp_path), find_tool("kubernetes-validate"))
    assert k8s_result.status == "PASS", k8s_result.findings
    compose_result = ComposeValidator().run(tmp_path, _files(tmp_path), tool)
    assert compose_result.status == "PASS", compose_result.findings
    assert compose_result.summary.startswith(f"{2 * len(PAIRS)} compose file(s)")


def test_trivy_scans_the_plain_chain_manifests_with_zero_high_findings(tmp_path: Path) -> None:
    from launchbay.generate import write_kit
    from launchbay.validate import kit_files
    from launchbay.validators.base import find_tool
    from launchbay.validators.trivy import TrivyValidator, manifests

    require_tool("trivy")
    d = design("evm-dapp", scale=frozenset({("peak_rps", 2000)}), team=frozenset({("size", 5)}),
               blockchain=frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum", "base-sepolia"))}))
    write_kit(render_kit(d), tmp_path)
    files = kit_files(tmp_path)
    found = manifests(tmp_path, files)
    assert "deploy/chains/kubernetes/erpc.yaml" in found and "deploy/chains/kubernetes/ethereum-node.yaml" in found
    result = TrivyValidator().run(tmp_path, files, find_tool("trivy"))
    assert result.status == "PASS", result.findings
    assert "0 HIGH/CRITICAL" in result.summary
