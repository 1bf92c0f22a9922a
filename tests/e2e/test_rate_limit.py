"""The send budget across real server processes, and without Redis."""

import time

import pytest

from tests.e2e.conftest import SEND, api
from tests.processes import start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers_sharing_redis(shared_redis_url, transactional_db):
    # A refill of one send per 10 s keeps the count exact however slowly this machine sends.
    servers = [start_server(REDIS_URL=shared_redis_url, PARLEY_SEND_RATE_PER_SECOND="0.1") for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_the_budget_holds_across_server_processes_sharing_redis(two_servers_sharing_redis, pair):
    first, second = two_servers_sharing_redis
    started = time.monotonic()
    outcomes = []
    for i in range(40):
        result = await api(first if i % 2 else second, SEND, {"r": pair.room_id, "t": f"m{i}"}, token=pair.vendor_token)
        outcomes.append(result["errors"][0]["extensions"]["code"] if "errors" in result else "OK")
    elapsed = time.monotonic() - started
    accepted = outcomes.count("OK")
    # One budget: the burst plus what refilled meanwhile. Two budgets would take 40.
    assert 20 <= accepted <= 20 + 0.1 * elapsed + 1, (accepted, elapsed)
    assert set(outcomes) == {"OK", "RATE_LIMITED"}


async def test_redis_down_never_blocks_sending(redis_process, transactional_db, pair):
    server = start_server(REDIS_URL=redis_process.url)
    try:
        redis_process.stop()
        for i in range(3):
            sent = await api(server, SEND, {"r": pair.room_id, "t": f"m{i}"}, token=pair.vendor_token)
            assert "errors" not in sent, sent
    finally:
        server.stop()
