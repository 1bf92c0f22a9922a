"""The operators' endpoints over a real server: /healthz, /readyz (and what it says when the
database or Redis does not answer: each pointed at a closed port), /metrics (exact counts after
real sends and subscriptions, refused unless allowed) and its totals across worker processes."""

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import SEND, api, subscribe_joined
from tests.processes import Server, free_port, start_server
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e

Metrics = dict[tuple[str, tuple], float]
SCRAPER = {"PARLEY_METRICS_NETWORKS": "127.0.0.1"}


def closed_port() -> int:
    return free_port()  # bound and released: nothing listens there


async def get(server: Server, path: str, **headers: str) -> httpx.Response:
    # A connection per request: under several workers each may land on any of them.
    async with httpx.AsyncClient(timeout=10, headers={"connection": "close", **headers}) as client:
        return await client.get(f"http://127.0.0.1:{server.port}{path}")


def parse(text: str) -> Metrics:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(server: Server) -> Metrics:
    response = await get(server, "/metrics")
    assert response.status_code == 200, response.text
    return parse(response.text)


def value(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape_until(server: Server, condition: Callable[[Metrics], bool], *, timeout: float = 10) -> Metrics:
    """Scrape until the metrics satisfy `condition` (a gauge that drops once a socket's close
    has been handled), failing with the last scrape."""
    deadline = time.monotonic() + timeout
    while True:
        metrics = await scrape(server)
        if condition(metrics) or time.monotonic() > deadline:
            return metrics
        await asyncio.sleep(0.05)


async def test_healthz_answers_while_the_database_and_redis_do_not(start):
    server = start(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/parley",
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
    )
    response = await get(server, "/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_the_probes_skip_django_so_an_orchestrator_may_call_them_by_address(start):
    # Django would answer 400 to a Host outside ALLOWED_HOSTS, such as a pod's own IP.
    server = start()
    assert (await get(server, "/graphql/", host="10.1.2.3")).status_code == 400
    assert (await get(server, "/healthz", host="10.1.2.3")).status_code == 200
    assert (await get(server, "/readyz", host="10.1.2.3")).status_code == 200


async def test_readyz_is_200_when_the_database_and_redis_answer(start, shared_redis_url):
    server = start(REDIS_URL=shared_redis_url)
    response = await get(server, "/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "failed": [], "checks": {"database": "ok", "redis": "ok"}}


async def test_readyz_is_503_naming_the_database_when_it_is_unreachable(start, shared_redis_url):
    server = start(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/parley", REDIS_URL=shared_redis_url)
    response = await get(server, "/readyz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failed"], body["checks"]["redis"]) == ("unavailable", ["database"], "ok")
    assert body["checks"]["database"] == "OperationalError"  # the kind of error only: no host, no port


async def test_readyz_is_503_naming_redis_when_it_is_unreachable(start):
    server = start(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    response = await get(server, "/readyz")
    assert response.status_code == 503
    body = response.json()
    assert (body["failed"], body["checks"]["database"]) == (["redis"], "ok")
    assert body["checks"]["redis"] == "ConnectionError"


async def test_readyz_answers_within_its_timeout_when_redis_never_answers(start):
    # A listener that accepts and never replies: the probe must not wait for the OS.
    silent = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    server = start(REDIS_URL=f"redis://127.0.0.1:{port}/0", PARLEY_READY_TIMEOUT_SECONDS="0.5")
    try:
        began = time.monotonic()
        response = await get(server, "/readyz")
        took = time.monotonic() - began
    finally:
        silent.close()
    assert (response.status_code, response.json()["checks"]["redis"]) == (503, "timeout")
    assert took < 3


async def test_metrics_are_not_served_unless_allowed(start):
    server = start()
    response = await get(server, "/metrics")
    assert response.status_code == 404
    assert "parley_" not in response.text


async def test_metrics_refuse_a_request_that_came_through_a_proxy(start):
    server = start(**SCRAPER)
    assert (await get(server, "/metrics")).status_code == 200
    assert (await get(server, "/metrics", **{"x-forwarded-for": "203.0.113.9"})).status_code == 404


async def test_the_endpoints_answer_get_only(start):
    server = start(**SCRAPER)
    async with httpx.AsyncClient(timeout=10) as client:
        for path in ("/healthz", "/readyz", "/metrics"):
            assert (await client.post(f"http://127.0.0.1:{server.port}{path}")).status_code == 405


async def test_metrics_count_sends_sockets_and_subscriptions_exactly(start, pair):
    server = start(**SCRAPER)
    before = await scrape(server)
    assert value(before, "parley_messages_sent_total") == 0
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
        await subscribe_joined(server, pair.organizer_token, pair.room_id, [socket])  # sends one probe
        for i in range(3):
            await api(server, SEND, {"r": pair.room_id, "t": f"counted {i}"}, token=pair.organizer_token)
            await socket.next_event()
        during = await scrape(server)
    assert value(during, "parley_messages_sent_total") == 4
    assert value(during, "parley_events_delivered_total", subscription="messageAdded") == 4
    assert value(during, "parley_sockets_open") == 1
    assert value(during, "parley_subscriptions_open", subscription="messageAdded") == 1
    assert value(during, "parley_hub_rooms_joined") == 1
    assert value(during, "parley_broadcast_failures_total") == 0
    after = await scrape_until(server, lambda m: value(m, "parley_sockets_open") == 0)
    assert value(after, "parley_sockets_open") == 0
    assert value(after, "parley_subscriptions_open", subscription="messageAdded") == 0
    assert value(after, "parley_hub_rooms_joined") == 0
    assert value(after, "parley_messages_sent_total") == 4


async def test_a_broadcast_the_layer_refuses_is_counted_and_held(start, pair):
    server = start(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", **SCRAPER)
    result = await api(server, SEND, {"r": pair.room_id, "t": "into the void"}, token=pair.organizer_token)
    assert "errors" not in result  # the write commits whatever the layer does
    metrics = await scrape(server)
    assert value(metrics, "parley_messages_sent_total") == 1
    assert value(metrics, "parley_broadcast_failures_total") == 1
    assert value(metrics, "parley_events_held") == 1
    assert value(metrics, "parley_events_resent_total") == 0


async def test_a_room_the_hub_cannot_join_is_counted_lost(start, pair):
    server = start(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0", **SCRAPER)
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
        await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
        warning = await socket.next_event()
        assert warning["code"] == "REALTIME_UNAVAILABLE", warning
        metrics = await scrape(server)
    assert value(metrics, "parley_hub_rooms_lost_total") == 1
    assert value(metrics, "parley_hub_rooms_joined") == 0
    assert value(metrics, "parley_subscriptions_open", subscription="messageAdded") == 1
    assert value(metrics, "parley_events_delivered_total", subscription="messageAdded") == 1  # the warning


def per_worker(directory: Path, scratch: Path, pattern: str, sample: str) -> dict[int, float]:
    """One metric as each worker's own file says, read one file at a time."""
    counts = {}
    for path in directory.glob(pattern):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        shutil.copy(path, scratch / path.name)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(scratch))
        values = [s.value for m in registry.collect() for s in m.samples if s.name == sample]
        counts[int(path.stem.split("_")[-1])] = sum(values)
    return counts


def per_worker_sent(directory: Path, scratch: Path) -> dict[int, float]:
    return per_worker(directory, scratch, "counter_*.db", "parley_messages_sent_total")


def two_workers(port: int, directory: Path, redis_url: str, **env: str) -> Server:
    return start_server(
        port=port,
        command=[sys.executable, "-m", "project.serve", "app", "--port", str(port), "--workers", "2"],
        REDIS_URL=redis_url,
        PROMETHEUS_MULTIPROC_DIR=str(directory),
        **SCRAPER,
        **env,
    )


async def test_metrics_add_up_across_two_workers_on_one_port(shared_redis_url, pair, tmp_path):
    port = free_port()
    directory = tmp_path / "metrics"
    (directory).mkdir()
    (directory / "counter_1.db").write_bytes(b"from an earlier run")  # the launcher empties it
    server = two_workers(port, directory, shared_redis_url)
    try:
        sent = 0
        counts: dict[int, float] = {}
        # Each send on a connection of its own, until both workers have taken some.
        while sent < 60 and len([n for n in counts.values() if n]) < 2:
            async with httpx.AsyncClient(timeout=10, headers={"connection": "close"}) as client:
                response = await client.post(
                    server.http,
                    json={"query": SEND, "variables": {"r": pair.room_id, "t": f"to any worker {sent}"}},
                    headers={"Authorization": f"Bearer {pair.organizer_token}"},
                )
            assert "errors" not in response.json()
            sent += 1
            counts = per_worker_sent(directory, tmp_path / "one")
        assert len([n for n in counts.values() if n]) == 2, counts
        assert sum(counts.values()) == sent
        # Whichever worker answers the scrape, it counts every worker's sends and sockets.
        async with (
            GraphQLSocket.connect(server.ws) as first,
            GraphQLSocket.connect(server.ws) as second,
            GraphQLSocket.connect(server.ws) as third,
        ):
            for socket in (first, second, third):
                await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
            for _ in range(4):
                metrics = await scrape(server)
                assert value(metrics, "parley_messages_sent_total") == sent
                assert value(metrics, "parley_sockets_open") == 3
    finally:
        server.stop()


async def test_a_killed_workers_sockets_stop_being_counted(shared_redis_url, pair, tmp_path):
    port = free_port()
    directory = tmp_path / "metrics"
    # Which worker accepts a socket is the kernel's choice: as many as it takes for both.
    server = two_workers(port, directory, shared_redis_url, PARLEY_SOCKETS_PER_USER="100")
    try:
        async with contextlib.AsyncExitStack() as stack:
            # Sockets on fresh connections until both workers hold some.
            held: dict[int, float] = {}
            opened = 0
            while opened < 80 and len([n for n in held.values() if n]) < 2:
                socket = await stack.enter_async_context(GraphQLSocket.connect(server.ws))
                await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
                opened += 1
                held = per_worker(directory, tmp_path / "one", "gauge_livesum_*.db", "parley_sockets_open")
            assert len([n for n in held.values() if n]) == 2, held
            assert value(await scrape(server), "parley_sockets_open") == opened
            victim, survivor = sorted(held)
            os.kill(victim, signal.SIGKILL)  # uvicorn's supervisor starts another in its place
            metrics = await scrape_until(server, lambda m: value(m, "parley_sockets_open") == held[survivor])
            assert value(metrics, "parley_sockets_open") == held[survivor]
    finally:
        server.stop()
