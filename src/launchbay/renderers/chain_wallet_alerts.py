"""Hot-wallet alerts: balance under its minimum (and a minimum never set), draining within a day, a
backlog of pending transactions and a stuck nonce — from the chain exporter's wallet metrics."""

from __future__ import annotations

from launchbay.renderers.chain_thresholds import Threshold, labels, sel
from launchbay.renderers.monitoring_rules import Alert, Case, Runbook, Series


def wallet_alerts(t: dict[str, Threshold], chain: str, wallet: str) -> list[Alert]:
    w = sel(chain=chain, wallet=wallet)
    by_wallet = labels(chain=chain, wallet=wallet)
    return [
        Alert(
            name="HotWalletBalanceLow", severity="critical", for_="5m",
            expr="launchbay_wallet_balance_wei < on (chain, wallet) launchbay_wallet_balance_min_wei",
            summary="{{ $labels.chain }}: hot wallet {{ $labels.wallet }} is below its minimum balance",
            description="The {{ $labels.wallet }} wallet on {{ $labels.chain }} holds less than its configured "
                        "minimum (the <SIGNER>_MIN_BALANCE_WEI of the exporter).",
            runbook=Runbook(
                meaning="The wallet will soon fail to pay gas: relayed transactions stop.",
                checks=("Its balance on the explorer; recent spend (gas price spikes, a loop sending transactions).",),
                fixes=("Top it up from the treasury (multisig) to at least a week of spend.",
                       "If spend is abnormal, pause the relayer first (see Key procedures: compromise).")),
            fires=Case((Series(f"launchbay_wallet_balance_wei{w}", "1000x20"),
                        Series(f"launchbay_wallet_balance_min_wei{w}", "5000x20")), "10m", by_wallet),
            quiet=Case((Series(f"launchbay_wallet_balance_wei{w}", "9000x20"),
                        Series(f"launchbay_wallet_balance_min_wei{w}", "5000x20")), "10m")),
        Alert(
            name="HotWalletMinimumUnset", severity="warning", for_="1h",
            expr="launchbay_wallet_balance_wei unless on (chain, wallet) launchbay_wallet_balance_min_wei",
            summary="{{ $labels.chain }}: hot wallet {{ $labels.wallet }} has no minimum balance set",
            description="The exporter watches {{ $labels.wallet }} on {{ $labels.chain }} but has no minimum to "
                        "compare with, so HotWalletBalanceLow cannot fire.",
            runbook=Runbook(
                meaning="A low balance would go unnoticed until transactions fail.",
                checks=("The exporter's environment: <SIGNER>_MIN_BALANCE_WEI for this wallet.",),
                fixes=("Set it to about two days of the wallet's spend, in wei, and restart the exporter.",)),
            fires=Case((Series(f"launchbay_wallet_balance_wei{w}", "1000x90"),), "70m", by_wallet),
            quiet=Case((Series(f"launchbay_wallet_balance_wei{w}", "1000x90"),
                        Series(f"launchbay_wallet_balance_min_wei{w}", "500x90")), "70m")),
        Alert(
            name="HotWalletDrainingFast", severity="warning", for_="30m",
            expr=f"predict_linear(launchbay_wallet_balance_wei[6h], {t['drain_hours'].text} * 3600) <= 0",
            summary="{{ $labels.chain }}: hot wallet {{ $labels.wallet }} empties within a day",
            description="At the spend of the last 6 hours the {{ $labels.wallet }} wallet on {{ $labels.chain }} "
                        f"is empty within {t['drain_hours'].text} hours.",
            runbook=Runbook(
                meaning="Spend is far above normal, or the balance was left too low.",
                checks=("Transactions from the wallet on the explorer: expected traffic, a retry loop, or theft?",),
                fixes=("Expected: top up. A loop: fix and redeploy the service. Unknown transactions: treat as a "
                       "compromise (Key procedures).",)),
            fires=Case((Series(f"launchbay_wallet_balance_wei{w}", "100000-1000x120"),), "100m", by_wallet),
            quiet=Case((Series(f"launchbay_wallet_balance_wei{w}", "100000x120"),), "100m")),
        Alert(
            name="NonceBacklog", severity="warning", for_="10m",
            expr=f"launchbay_nonce_gap > {t['nonce_backlog'].text}",
            summary="{{ $labels.chain }}: {{ $labels.wallet }} has a backlog of pending transactions",
            description=f"More than {t['nonce_backlog'].text} transactions of {{{{ $labels.wallet }}}} on "
                        "{{ $labels.chain }} have been pending for 10 minutes.",
            runbook=Runbook(
                meaning="Transactions are sent faster than they are included: usually a gas price too low.",
                checks=("The pending transactions' gas price against the current base fee.",),
                fixes=("Raise the fee cap / priority fee the service uses; replace the lowest pending one "
                       "with a higher fee (same nonce).",)),
            fires=Case((Series(f"launchbay_nonce_gap{w}", "8x20"),), "15m", by_wallet),
            quiet=Case((Series(f"launchbay_nonce_gap{w}", "1x20"),), "15m")),
        Alert(
            name="NonceStuck", severity="critical", for_="5m",
            expr=f"launchbay_nonce_gap > 0 and changes(launchbay_wallet_nonce[{t['nonce_stuck_minutes'].text}m]) == 0",
            summary="{{ $labels.chain }}: {{ $labels.wallet }} transactions are stuck",
            description="{{ $labels.wallet }} on {{ $labels.chain }} has pending transactions and none was "
                        f"confirmed in {t['nonce_stuck_minutes'].text} minutes.",
            runbook=Runbook(
                meaning="The lowest pending nonce is not being mined, so every later transaction waits behind it.",
                checks=("The transaction with the confirmed nonce (`eth_getTransactionCount` latest) on the explorer:"
                        " dropped, underpriced, or never broadcast?",),
                fixes=("Replace it: same nonce, higher max fee and priority fee (or a 0-value self-transfer to "
                       "cancel).", "If it was dropped, re-broadcast it from the service's records.")),
            fires=Case((Series(f"launchbay_nonce_gap{w}", "2x30"), Series(f"launchbay_wallet_nonce{w}", "7x30")),
                       "25m", by_wallet),
            quiet=Case((Series(f"launchbay_nonce_gap{w}", "2x30"), Series(f"launchbay_wallet_nonce{w}", "7+1x30")),
                       "25m")),
    ]
