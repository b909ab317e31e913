"""arq worker: polls Sepolia for anchor receipts and marks anchors confirmed.

Start with `arq worker.main.WorkerSettings`. Redis is required (arq's queue and cron locks);
Postgres holds the anchors table owned by the API's migrations.
"""

import logging
import os
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.exceptions import TransactionNotFound

from worker.confirmations import STALE_AFTER_SECONDS, poll_seconds, progress

log = logging.getLogger("proofmark.worker")

SEPOLIA_CHAIN_ID = 11155111
POLL_INTERVAL_SECONDS = int(os.getenv("POLL_INTERVAL_SECONDS", "15"))
BATCH_SIZE = 200


def _async_url(url: str) -> str:
    """DATABASE_URL is shared with the API (psycopg); the worker talks asyncpg."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


async def startup(ctx: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.INFO)
    ctx["engine"] = create_async_engine(_async_url(os.environ["DATABASE_URL"]), pool_size=3)
    w3 = AsyncWeb3(AsyncHTTPProvider(os.environ["RPC_URL"], request_kwargs={"timeout": 10}))
    chain_id = await w3.eth.chain_id
    if chain_id != SEPOLIA_CHAIN_ID:
        raise RuntimeError(f"RPC_URL points at chain {chain_id}, expected Sepolia ({SEPOLIA_CHAIN_ID})")
    ctx["w3"] = w3


async def shutdown(ctx: dict[str, Any]) -> None:
    engine: AsyncEngine | None = ctx.get("engine")
    if engine is not None:
        await engine.dispose()


async def poll_receipts(ctx: dict[str, Any]) -> int:
    """Advance every submitted anchor; returns how many changed status."""
    engine: AsyncEngine = ctx["engine"]
    w3: AsyncWeb3 = ctx["w3"]
    head = await w3.eth.block_number
    changed = 0
    async with engine.begin() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT id, tx_hash FROM anchors WHERE status = 'submitted' AND tx_hash IS NOT NULL "
                    "ORDER BY created_at LIMIT :limit"
                ),
                {"limit": BATCH_SIZE},
            )
        ).all()
        for anchor_id, tx_hash in rows:
            try:
                receipt = await w3.eth.get_transaction_receipt(tx_hash)
                state = progress(receipt["blockNumber"], receipt["status"] == 1, head)
                block = receipt["blockNumber"]
            except TransactionNotFound:
                state, block = progress(None, False, head), None
            await conn.execute(
                text(
                    "UPDATE anchors SET status = :status, confirmations = :confirmations, "
                    "block_number = :block, updated_at = now() WHERE id = :id"
                ),
                {
                    "status": state.status,
                    "confirmations": state.confirmations,
                    "block": block,
                    "id": anchor_id,
                },
            )
            if state.status != "submitted":
                changed += 1
    if changed:
        log.info("poll at head %s: %s anchors changed status", head, changed)
    return changed


async def sweep_stale(ctx: dict[str, Any]) -> int:
    """Daily: anchors stuck without a receipt for an hour are marked stale for ops to re-submit."""
    engine: AsyncEngine = ctx["engine"]
    async with engine.begin() as conn:
        result = await conn.execute(
            text(
                "UPDATE anchors SET status = 'stale', updated_at = now() "
                "WHERE status = 'submitted' AND block_number IS NULL "
                "AND created_at < now() - make_interval(secs => :age)"
            ),
            {"age": STALE_AFTER_SECONDS},
        )
    log.info("marked %s anchors stale", result.rowcount)
    return result.rowcount


class WorkerSettings:
    functions: list = []
    cron_jobs = [
        cron(poll_receipts, second=poll_seconds(POLL_INTERVAL_SECONDS), unique=True, run_at_startup=True),
        cron(sweep_stale, hour={3}, minute={17}, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(os.environ["REDIS_URL"])
    max_jobs = 4
    job_timeout = 120
