import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import redis
from fastapi import Depends, FastAPI, HTTPException, Response, status
from pydantic import BaseModel, field_validator
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.chain import Chain, get_chain
from app.db import get_db, get_redis
from app.models import Anchor
from app.settings import get_settings

log = logging.getLogger("proofmark.api")

DIGEST_RE = re.compile(r"^0x[0-9a-fA-F]{64}$")
IDEMPOTENCY_TTL_SECONDS = 300


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper())
    chain = get_chain()
    actual = chain.w3.eth.chain_id
    if actual != settings.chain_id:
        raise RuntimeError(f"RPC is on chain {actual}, expected {settings.chain_id}")
    log.info("anchoring from %s on chain %s", chain.signer.address, actual)
    yield


app = FastAPI(title="Proofmark API", version="0.6.1", lifespan=lifespan)

DbDep = Annotated[Session, Depends(get_db)]
RedisDep = Annotated[redis.Redis, Depends(get_redis)]
ChainDep = Annotated[Chain, Depends(get_chain)]


class AnchorRequest(BaseModel):
    digest: str

    @field_validator("digest")
    @classmethod
    def _hex32(cls, value: str) -> str:
        if not DIGEST_RE.match(value):
            raise ValueError("digest must be 0x followed by 64 hex characters (a SHA-256)")
        return value.lower()


class AnchorOut(BaseModel):
    digest: str
    status: str
    tx_hash: str | None
    block_number: int | None
    confirmations: int


def _out(anchor: Anchor) -> AnchorOut:
    return AnchorOut(
        digest=anchor.digest,
        status=anchor.status,
        tx_hash=anchor.tx_hash,
        block_number=anchor.block_number,
        confirmations=anchor.confirmations,
    )


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/readyz")
def readyz(response: Response, db: DbDep, cache: RedisDep, chain: ChainDep) -> dict[str, object]:
    checks: dict[str, str] = {}
    try:
        db.execute(text("SELECT 1"))
        checks["postgres"] = "ok"
    except SQLAlchemyError:
        checks["postgres"] = "down"
    try:
        cache.ping()
        checks["redis"] = "ok"
    except redis.RedisError:
        checks["redis"] = "down"
    try:
        chain.w3.eth.block_number  # noqa: B018 - a cheap RPC round trip
        checks["rpc"] = "ok"
    except Exception:  # web3 raises many transport-specific errors
        checks["rpc"] = "down"
    ready = all(v == "ok" for v in checks.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if ready else "unavailable", "checks": checks}


@app.post("/v1/anchors", status_code=status.HTTP_202_ACCEPTED)
def create_anchor(body: AnchorRequest, db: DbDep, cache: RedisDep, chain: ChainDep) -> AnchorOut:
    existing = db.scalar(select(Anchor).where(Anchor.digest == body.digest))
    if existing is not None:
        return _out(existing)
    # Two identical requests racing: only one may reach the signer.
    if not cache.set(f"anchor-lock:{body.digest}", "1", nx=True, ex=IDEMPOTENCY_TTL_SECONDS):
        raise HTTPException(status.HTTP_409_CONFLICT, "this digest is already being anchored")
    anchor = Anchor(digest=body.digest)
    db.add(anchor)
    try:
        db.flush()
    except IntegrityError as exc:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "this digest is already being anchored") from exc
    try:
        tx_hash, nonce = chain.submit_anchor(bytes.fromhex(body.digest[2:]))
    except Exception as exc:
        log.warning("anchor %s failed: %s", body.digest, exc)
        anchor.status = "failed"
        anchor.error = str(exc)[:500]
        db.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "could not submit the transaction") from exc
    anchor.tx_hash = tx_hash
    anchor.nonce = nonce
    db.commit()
    return _out(anchor)


@app.get("/v1/anchors/{digest}")
def get_anchor(digest: str, db: DbDep) -> AnchorOut:
    if not DIGEST_RE.match(digest):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "malformed digest")
    anchor = db.scalar(select(Anchor).where(Anchor.digest == digest.lower()))
    if anchor is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown digest")
    return _out(anchor)
