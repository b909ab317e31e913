from types import SimpleNamespace

import redis
from sqlalchemy.exc import OperationalError

from app.chain import get_chain
from app.db import get_db, get_redis
from app.main import app


class FakeSession:
    def __init__(self, up: bool = True) -> None:
        self.up = up

    def execute(self, *_args, **_kwargs):
        if not self.up:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return None


class FakeRedis:
    def __init__(self, up: bool = True) -> None:
        self.up = up

    def ping(self) -> bool:
        if not self.up:
            raise redis.ConnectionError("refused")
        return True


def fake_chain(up: bool = True):
    class Eth:
        @property
        def block_number(self) -> int:
            if not up:
                raise TimeoutError("rpc timeout")
            return 6_500_000

    return SimpleNamespace(w3=SimpleNamespace(eth=Eth()))


def use(db_up=True, redis_up=True, rpc_up=True) -> None:
    app.dependency_overrides[get_db] = lambda: FakeSession(db_up)
    app.dependency_overrides[get_redis] = lambda: FakeRedis(redis_up)
    app.dependency_overrides[get_chain] = lambda: fake_chain(rpc_up)


def test_healthz_needs_no_dependencies(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_ok_when_everything_answers(client):
    use()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "redis": "ok", "rpc": "ok"}


def test_readyz_503_when_redis_is_down(client):
    use(redis_up=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "down"


def test_readyz_503_when_rpc_is_down(client):
    use(rpc_up=False)
    response = client.get("/readyz")
    assert response.status_code == 503


def test_malformed_digest_is_rejected(client):
    use()
    response = client.post("/v1/anchors", json={"digest": "0x1234"})
    assert response.status_code == 422
