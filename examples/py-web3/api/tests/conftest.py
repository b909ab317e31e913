import pytest
from fastapi.testclient import TestClient

from app.main import app


@pytest.fixture
def client():
    # No `with`: the lifespan (which calls the RPC) does not run in unit tests.
    yield TestClient(app)
    app.dependency_overrides.clear()
