"""Chain alerts: `deploy/monitoring/prometheus/rules/chain.yml` and its promtool unit tests, built as
typed rules (monitoring_rules) so every alert has a severity, a runbook section in blockchain-ops.md
and a case that fires it and one that does not.

What they watch, and from where:
- the chain exporter (chain_exporter.py): head lag against a reference, a stalled head, stalled
  finality, reorg depth, the probe's RPC errors and latency, own nodes' peers and sync state, hot
  wallets' balance against its minimum, how fast it drains, and stuck or piling-up nonces;
- the eRPC proxy, when the kit runs one (`erpc_network_*` metrics of eRPC 0.1.2, read from
  telemetry/metrics.go): the error ratio of the app's real RPC traffic (infra failures only:
  severity="critical"; reverts and client errors are severity="info") and its p95 latency;
- own nodes' volumes: a disk-fill forecast (kubelet volume stats on Kubernetes, node_exporter on VMs).

Every threshold is in `thresholds(design)` with the reason for its value; the runbook prints the same
table, so a number in the doc is the number in the rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.chain_exporter import exporter_enabled, own_node_chains
from launchbay.renderers.chain_thresholds import Threshold, labels, num, proxy_serves, sel, thresholds
from launchbay.renderers.chain_wallet_alerts import wallet_alerts
from launchbay.renderers.chains.facts import chain_facts
from launchbay.renderers.monitoring_rules import (
    Alert,
    Case,
    RuleGroup,
    Runbook,
    Series,
    render_group,
    render_tests,
)
from launchbay.renderers.signing import chains_for, evm_chains, signers
from launchbay.renderers.terraform_facts import production_env

GROUP = "chain"
RUNBOOK_PAGE = "blockchain-ops.md"


def chain_alerts(design: Design) -> tuple[Alert, ...]:
    """Every chain alert this design needs, with its runbook and test cases."""
    if not exporter_enabled(design):
        return ()
    t = thresholds(design)
    chain = (chains_for(design, production_env(design)) or evm_chains(design))[0]
    src = sel(chain=chain.name, source="app")
    by_src = labels(chain=chain.name, source="app")
    by_chain = labels(chain=chain.name)
    alerts = [
        Alert(
            name="ChainHeadLagging", severity="warning", for_="5m",
            expr=f'launchbay_chain_head_lag_seconds{{source!="reference"}} > {t["head_lag_seconds"].text}',
            summary="{{ $labels.chain }}: the {{ $labels.source }} RPC is behind the reference",
            description="The {{ $labels.source }} endpoint of {{ $labels.chain }} has been more than "
                        f"{t['head_lag_seconds'].text} s behind the freshest endpoint for 5 minutes.",
            runbook=Runbook(
                meaning="The app reads an old head: balances, nonces and events it sees are stale.",
                checks=("The exporter's `launchbay_chain_head_block` per source: which one is behind.",
                        "The RPC proxy's upstream lag (`erpc_upstream_block_head_lag`); the provider's status."),
                fixes=("Let the proxy fail over (it excludes lagging upstreams); if every upstream lags, add "
                       "another provider.", "For an own node: see ChainNodeSyncing and ChainNodePeersLow.")),
            fires=Case((Series(f"launchbay_chain_head_lag_seconds{src}", "120x20"),), "10m", by_src),
            quiet=Case((Series(f"launchbay_chain_head_lag_seconds{src}", "0x20"),), "10m")),
        Alert(
            name="ChainHeadStalled", severity="critical", for_="2m",
            expr=f"time() - max by (chain) (launchbay_chain_head_timestamp_seconds) > {t['head_stall_seconds'].text}",
            summary=f"{{{{ $labels.chain }}}}: no new block for {t['head_stall_seconds'].text} s",
            description="No endpoint of {{ $labels.chain }} has reported a block newer than "
                        f"{t['head_stall_seconds'].text} s.",
            runbook=Runbook(
                meaning="Either the chain halted or every endpoint the app uses is stuck: transactions do not land.",
                checks=("The chain's public status page and explorer: is the chain producing blocks?",
                        "`launchbay_rpc_errors_total` per source: are the endpoints answering at all?"),
                fixes=("Chain halt: pause the relayer and announce it; nothing to fix on our side.",
                       "Endpoints stuck: switch the proxy to another provider, restart an own node.")),
            fires=Case((Series(f"launchbay_chain_head_timestamp_seconds{src}", "0x20"),), "10m", by_chain),
            quiet=Case((Series(f"launchbay_chain_head_timestamp_seconds{src}", "0+60x20"),), "10m")),
        Alert(
            name="ChainFinalityStalled", severity="warning", for_="10m",
            expr=f"time() - max by (chain) (launchbay_chain_finalized_timestamp_seconds) > "
                 f"{t['finality_stall_seconds'].text}",
            summary=f"{{{{ $labels.chain }}}}: the finalized block is over {t['finality_stall_seconds'].text} s old",
            description="The newest finalized block of {{ $labels.chain }} is older than "
                        f"{t['finality_stall_seconds'].text} s.",
            runbook=Runbook(
                meaning="Finality stalled: deposits and withdrawals that wait for finality are held, and data the "
                        "indexer treats as final may still change.",
                checks=("The chain's status (for an L2: its L1 batch posting); the beacon chain's participation.",),
                fixes=("Hold actions that need finality (large withdrawals, bridge releases) until it resumes.",
                       "Nothing to restart if the chain itself stalled; an own node: check its consensus client.")),
            fires=Case((Series(f"launchbay_chain_finalized_timestamp_seconds{src}", "0x90"),), "80m", by_chain),
            quiet=Case((Series(f"launchbay_chain_finalized_timestamp_seconds{src}", "0+60x90"),), "80m")),
        Alert(
            name="ChainReorgDeep", severity="warning",
            expr=f"max_over_time(launchbay_chain_reorg_depth[15m]) >= {t['reorg_depth'].text}",
            summary=f"{{{{ $labels.chain }}}}: a reorg of {t['reorg_depth'].text} or more blocks seen by "
                    "{{ $labels.source }}",
            description="The {{ $labels.source }} endpoint of {{ $labels.chain }} replaced at least "
                        f"{t['reorg_depth'].text} blocks it had reported in the last 15 minutes.",
            runbook=Runbook(
                meaning="Transactions the app saw as included may be gone; events the indexer stored may be wrong.",
                checks=("Explorer: was there a real reorg at that height, or did one endpoint serve a minority fork?",
                        "The indexer's reorg handling logs; relayer transactions from those blocks."),
                fixes=("Re-send transactions dropped by the reorg (same nonce, same payload).",
                       "Wait for more confirmations before acting on deposits while the chain is unstable.")),
            fires=Case((Series(f"launchbay_chain_reorg_depth{src}", "0x5 4 0x10"),), "10m", by_src),
            quiet=Case((Series(f"launchbay_chain_reorg_depth{src}", "0x5 1 0x10"),), "10m")),
        Alert(
            name="ChainRpcProbeErrors", severity="warning", for_="10m",
            expr="sum by (chain, source) (rate(launchbay_rpc_errors_total[5m])) / sum by (chain, source) "
                 f"(rate(launchbay_rpc_request_duration_seconds_count[5m])) > {t['probe_error_ratio'].text}",
            summary="{{ $labels.chain }}: RPC calls to {{ $labels.source }} are failing",
            description=f"More than {t['probe_error_ratio'].text} of the exporter's calls to the "
                        "{{ $labels.source }} endpoint of {{ $labels.chain }} failed over 10 minutes.",
            runbook=Runbook(
                meaning="The endpoint refuses or drops requests: the app's own calls fail the same way.",
                checks=("The exporter's log (the failing method and error); the provider's status and quota.",),
                fixes=("Quota: raise the plan or the proxy's cache TTLs; outage: fail over to another provider.",)),
            fires=Case((Series(f"launchbay_rpc_errors_total{src}", "0+2x30"),
                        Series(f"launchbay_rpc_request_duration_seconds_count{src}", "0+10x30")), "20m", by_src),
            quiet=Case((Series(f"launchbay_rpc_errors_total{src}", "0x30"),
                        Series(f"launchbay_rpc_request_duration_seconds_count{src}", "0+10x30")), "20m")),
        Alert(
            name="ChainRpcProbeSlow", severity="warning", for_="10m",
            expr="sum by (chain, source) (rate(launchbay_rpc_request_duration_seconds_sum[5m])) / sum by (chain, "
                 f"source) (rate(launchbay_rpc_request_duration_seconds_count[5m])) > {t['rpc_latency_seconds'].text}",
            summary="{{ $labels.chain }}: the {{ $labels.source }} RPC is slow",
            description="The exporter's calls to the {{ $labels.source }} endpoint of {{ $labels.chain }} took "
                        f"more than {t['rpc_latency_seconds'].text} s on average for 10 minutes.",
            runbook=Runbook(
                meaning="Every request that calls the chain is slower than the latency SLO allows.",
                checks=("Proxy latency per upstream (`erpc_upstream_request_duration_seconds`); the provider's "
                        "status; the region of the endpoint.",),
                fixes=("Route to a closer or faster upstream; cache more in the proxy; for an own node, check "
                       "its disk I/O.",)),
            fires=Case((Series(f"launchbay_rpc_request_duration_seconds_sum{src}",
                               f"0+{num(20 * t['rpc_latency_seconds'].value)}x30"),
                        Series(f"launchbay_rpc_request_duration_seconds_count{src}", "0+10x30")), "20m", by_src),
            quiet=Case((Series(f"launchbay_rpc_request_duration_seconds_sum{src}", "0x30"),
                        Series(f"launchbay_rpc_request_duration_seconds_count{src}", "0+10x30")), "20m")),
    ]
    if proxy_serves(design):
        alerts += _proxy_alerts(design, t, chain.chain_id or 0)
    if own_node_chains(design):
        alerts += _node_alerts(design, t, chain.name)
    wallets = [s for s in signers(design) if s.runtime]
    if wallets:
        alerts += wallet_alerts(t, chain.name, wallets[0].name)
    return tuple(alerts)


def _proxy_alerts(design: Design, t: dict[str, Threshold], chain_id: int) -> list[Alert]:
    net = f"evm:{chain_id}"
    by_net = labels(network=net)
    failed = "erpc_network_failed_request_total"
    received = "erpc_network_request_received_total"
    ratio = t["proxy_error_ratio"].text

    def window(w: str) -> str:
        return (f'sum by (network) (rate({failed}{{severity="critical"}}[{w}])) / '
                f"sum by (network) (rate({received}[{w}])) > {ratio}")

    fail_sel = sel(project="main", network=net, severity="critical")
    recv_sel = sel(project="main", network=net)
    bucket = "erpc_network_request_duration_seconds_bucket"
    return [
        Alert(
            name="ChainRpcErrorRateHigh", severity="critical", for_="2m",
            expr=f"({window('5m')}) and ({window('1h')})",
            summary="RPC proxy: {{ $labels.network }} requests are failing",
            description=f"More than {ratio} of the app's RPC requests to {{{{ $labels.network }}}} failed after "
                        "retries and failover, over both the last 5 minutes and the last hour.",
            runbook=Runbook(
                meaning="The app's chain calls fail even through the proxy's retries: user actions that touch "
                        "the chain error out; the error budget burns 14.4 times too fast.",
                checks=("`erpc_upstream_request_errors_total` by upstream and error: one provider or all?",
                        "Provider quotas (HTTP 429) and status pages; the proxy's logs."),
                fixes=("Add or re-enable an upstream; raise the provider plan; lower request volume (cache TTLs).",)),
            fires=Case((Series(f"{failed}{fail_sel}", f"0+{min(99, math.ceil(200 * t['proxy_error_ratio'].value))}x90"),
                        Series(f"{received}{recv_sel}", "0+100x90")),
                       "70m", by_net),
            quiet=Case((Series(f"{failed}{fail_sel}", "0x90"), Series(f"{received}{recv_sel}", "0+100x90")),
                       "70m")),
        Alert(
            name="ChainRpcLatencyHigh", severity="warning", for_="10m",
            expr=f"histogram_quantile(0.95, sum by (network, le) (rate({bucket}[5m]))) > "
                 f"{t['rpc_latency_seconds'].text}",
            summary="RPC proxy: {{ $labels.network }} p95 latency above the SLO",
            description="The 95th percentile of RPC requests to {{ $labels.network }} through the proxy has been "
                        f"above {t['rpc_latency_seconds'].text} s for 10 minutes.",
            runbook=Runbook(
                meaning="Chain calls alone use up the latency the SLO allows a whole request.",
                checks=("`erpc_upstream_request_duration_seconds` by upstream: which one is slow; cache hit rate.",),
                fixes=("Prefer the faster upstream (the proxy's selection policy); cache finalized data longer.",)),
            fires=Case(_buckets(bucket, recv_sel, slow=True), "20m", by_net),
            quiet=Case(_buckets(bucket, recv_sel, slow=False), "20m")),
    ]


def _buckets(bucket: str, sel: str, *, slow: bool) -> tuple[Series, ...]:
    """eRPC's default buckets (0.05, 0.5, 5, 30 s): every request under 0.05 s (p95 0.0475 s), or every one
    between 5 and 30 s (p95 28.75 s): on either side of any threshold within the clamp."""
    inner = sel[1:-1]
    fast = {"0.05": "0+100x30", "0.5": "0+100x30", "5": "0+100x30", "30": "0+100x30", "+Inf": "0+100x30"}
    slow_counts = {"0.05": "0x30", "0.5": "0x30", "5": "0x30", "30": "0+100x30", "+Inf": "0+100x30"}
    return tuple(Series(f'{bucket}{{{inner},le="{le}"}}', v) for le, v in (slow_counts if slow else fast).items())


def node_volumes(design: Design) -> tuple[str, ...]:
    """The own nodes' data volumes (names from the chains kit)."""
    facts = chain_facts(design)
    return tuple(c.volume for p in facts.nodes for c in p.clients) if facts is not None else ()


def _node_alerts(design: Design, t: dict[str, Threshold], chain: str) -> list[Alert]:
    node = sel(chain=chain, source="node")
    by_node = labels(chain=chain, source="node")
    volumes = node_volumes(design)
    if design.platform == "kubernetes":  # a StatefulSet's claim is <template>-<set>-<ordinal>
        metric = "kubelet_volume_stats_available_bytes"
        avail = f'{metric}{{persistentvolumeclaim=~"({"|".join(volumes)})-.*"}}'
        disk_labels = labels(namespace="chains", persistentvolumeclaim=f"{volumes[0]}-{chain}-0")
    else:  # compose volumes live on the host's Docker data filesystem
        metric = "node_filesystem_avail_bytes"
        avail = f'{metric}{{mountpoint=~"/|/var/lib/docker"}}'
        disk_labels = labels(instance="host:9100", mountpoint="/var/lib/docker", fstype="ext4")
    ident = sel(**dict(disk_labels))
    return [
        Alert(
            name="ChainNodePeersLow", severity="warning", for_="15m",
            expr=f'launchbay_chain_peers{{source="node"}} < {t["min_peers"].text}',
            summary="{{ $labels.chain }}: the own node has few peers",
            description=f"The own {{{{ $labels.chain }}}} node has had fewer than {t['min_peers'].text} peers "
                        "for 15 minutes.",
            runbook=Runbook(
                meaning="A poorly connected node falls behind or follows a minority fork.",
                checks=("Its P2P port is reachable from the internet (security group / firewall); its logs.",),
                fixes=("Open the P2P ports (TCP and UDP); add bootnodes or static peers; restart the client.",)),
            fires=Case((Series(f"launchbay_chain_peers{node}", "2x30"),), "20m", by_node),
            quiet=Case((Series(f"launchbay_chain_peers{node}", "40x30"),), "20m")),
        Alert(
            name="ChainNodeSyncing", severity="warning", for_=f"{t['sync_minutes'].text}m",
            expr='launchbay_chain_syncing{source="node"} == 1',
            summary="{{ $labels.chain }}: the own node is still syncing",
            description=f"The own {{{{ $labels.chain }}}} node has reported syncing for {t['sync_minutes'].text} "
                        "minutes.",
            runbook=Runbook(
                meaning="The node serves stale data; the proxy should route around it meanwhile.",
                checks=("Client logs (sync stage, peers); disk I/O wait; the consensus client (checkpoint sync).",),
                fixes=("Give it time after a restore; otherwise faster disk (NVMe), more peers, or resync "
                       "from a snapshot.",)),
            fires=Case((Series(f"launchbay_chain_syncing{node}", "1x60"),), "40m", by_node),
            quiet=Case((Series(f"launchbay_chain_syncing{node}", "0x60"),), "40m")),
        Alert(
            name="ChainNodeDiskFillForecast", severity="critical", for_="30m",
            expr=f"predict_linear({avail}[6h], 4 * 3600) < 0",
            summary="A chain node volume fills up within 4 hours",
            description="At the rate of the last 6 hours a chain node's volume runs out of space within 4 hours.",
            runbook=Runbook(
                meaning="A node with a full disk stops and can corrupt its database: hours of resync.",
                checks=("The volume's size against the planned size in the table above; growth per day.",),
                fixes=("Grow the volume now (online resize); prune the client's database; plan the next size.",)),
            fires=Case((Series(f"{metric}{ident}", "30000000000-300000000x90"),), "70m", disk_labels),
            quiet=Case((Series(f"{metric}{ident}", "30000000000x90"),), "70m")),
    ]


def chain_group(design: Design) -> RuleGroup | None:
    alerts = chain_alerts(design)
    return RuleGroup(GROUP, alerts, runbook_page=RUNBOOK_PAGE) if alerts else None


class ChainAlertsRenderer:
    name = "chain-alerts"

    def render(self, design: Design) -> Iterable[KitFile]:
        group = chain_group(design)
        if group is None:
            return
        yield render_group(group, design.docs_root)
        yield render_tests(group, design.docs_root)
