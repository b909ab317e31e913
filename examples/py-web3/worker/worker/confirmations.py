"""Pure rules for when an anchor is final, kept apart from I/O so they are easy to test."""

from dataclasses import dataclass

# Sepolia reorgs deeper than a couple of blocks are rare; 3 keeps status pages honest.
REQUIRED_CONFIRMATIONS = 3
# A submitted transaction with no receipt after this long is reported as stale.
STALE_AFTER_SECONDS = 60 * 60


@dataclass(frozen=True)
class Progress:
    status: str
    confirmations: int


def progress(receipt_block: int | None, receipt_ok: bool, head: int) -> Progress:
    """Where an anchor stands given its receipt (None when not mined yet) and the chain head."""
    if receipt_block is None:
        return Progress("submitted", 0)
    if not receipt_ok:
        return Progress("failed", 0)
    confirmations = max(0, head - receipt_block + 1)
    if confirmations >= REQUIRED_CONFIRMATIONS:
        return Progress("confirmed", confirmations)
    return Progress("submitted", confirmations)


def poll_seconds(interval: int) -> set[int]:
    """arq cron `second=` values that run a job every `interval` seconds within a minute."""
    interval = min(max(interval, 1), 60)
    return set(range(0, 60, interval))
