"""Faults under load, against real processes: Redis stopped and started again, PostgreSQL
restarted, a server process killed, many writers at once. In every case nothing is lost:
every message that was sent is in history, and every subscriber that stayed connected (or
reconnected with `after`) received each one exactly once.

The figures each test measured are in its assertion messages and in docs/reliability.md."""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connection, connections

from tests.e2e.conftest import BEGINNING, SEND
from tests.factories import RoomFactory
from tests.graphql import access_token
from tests.processes import PostgresCluster, Server, kill_server, start_server
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { cursor message { id text } }
    ... on BidEvent { cursor message { id text } }
    ... on WarningEvent { code detail }
  }
}"""
HISTORY_PAGE = """query($r: ID!, $after: String) {
  messages(roomId: $r, first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}"""
WARNINGS = {"REALTIME_UNAVAILABLE", "REALTIME_RESTORED"}
# What each test measured, also logged when it passes (pytest --log-cli-level=INFO shows it).
figures_log = logging.getLogger("tests.figures")


@dataclass
class Room:
    room_id: str
    organizer_token: str
    vendor_token: str


def make_rooms(count: int) -> list[Room]:
    rooms = [RoomFactory() for _ in range(count)]
    return [Room(str(r.pk), access_token(r.organizer), access_token(r.vendor)) for r in rooms]


class Subscriber:
    """One socket with one messageAdded subscription, read in the background into lists."""

    def __init__(self, server: Server, token: str, room_id: str, after: str | None = None) -> None:
        self.server, self.token, self.room_id, self.after = server, token, room_id, after
        self.ids: list[str] = []
        self.cursors: list[str] = []
        self.warnings: list[str] = []
        self.unexpected: list[dict] = []
        self.closed: int | None | bool = False  # False while open; else the close code
        self._stack = contextlib.AsyncExitStack()
        self._task: asyncio.Task | None = None

    async def start(self) -> "Subscriber":
        socket = await self._stack.enter_async_context(GraphQLSocket.connect(self.server.ws))
        ack = await socket.init({"authorization": f"Bearer {self.token}"})
        assert ack["type"] == "connection_ack", ack
        await socket.subscribe(EVENTS, {"r": self.room_id, "after": self.after})
        self._task = asyncio.create_task(self._read(socket))
        return self

    async def _read(self, socket: GraphQLSocket) -> None:
        try:
            while True:
                message = await socket.receive(timeout=3600)
                if message.get("type") != "next" or "errors" in message.get("payload", {}):
                    self.unexpected.append(message)
                    continue
                event = message["payload"]["data"]["messageAdded"]
                if event["__typename"] == "WarningEvent":
                    self.warnings.append(event["code"])
                elif event["__typename"] in ("MessageEvent", "BidEvent"):
                    self.ids.append(event["message"]["id"])
                    self.cursors.append(event["cursor"])
                else:
                    self.unexpected.append(message)
        except websockets.ConnectionClosed as closed:
            self.closed = closed.rcvd.code if closed.rcvd else None

    async def wait_for(self, expected: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not expected <= set(self.ids) and time.monotonic() < deadline and self.closed is False:
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(Exception):
            await self._stack.aclose()


async def send(client: httpx.AsyncClient, server: Server, token: str, room_id: str, text: str) -> dict:
    response = await client.post(
        server.http,
        json={"query": SEND, "variables": {"r": room_id, "t": text}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return _json(response)


def _json(response: httpx.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {"not-json": True, "status": response.status_code, "body": response.text[:300]}


async def history_ids(client: httpx.AsyncClient, server: Server, token: str, room_id: str) -> list[str]:
    ids, after = [], None
    while True:
        response = await client.post(
            server.http,
            json={"query": HISTORY_PAGE, "variables": {"r": room_id, "after": after}},
            headers={"Authorization": f"Bearer {token}"},
        )
        page = response.json()["data"]["messages"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def fence(client: httpx.AsyncClient, server: Server, token: str, room_id: str, subscribers) -> str:
    """Send one more message and wait until every subscriber has it. A feed yields in order,
    so a late duplicate of anything earlier would have arrived before it."""
    result = await send(client, server, token, room_id, "fence")
    fence_id = result["data"]["sendMessage"]["id"]
    await asyncio.gather(*(s.wait_for({fence_id}, timeout=20) for s in subscribers))
    return fence_id


def duplicates(ids: list[str]) -> list[str]:
    seen, dup = set(), []
    for i in ids:
        if i in seen:
            dup.append(i)
        seen.add(i)
    return dup


@pytest.fixture
async def _closes_thread_connections():
    # ORM work of these async tests runs in asgiref's worker thread: close its connection.
    yield
    await sync_to_async(connections.close_all)()


# --- 1. Redis stopped and started again under a steady load -----------------------------------

LOAD_ROOMS = 3
LOAD_SECONDS = 6.0
SENDS_PER_SECOND_PER_ROOM = 4  # 2 a second per user: under the send rate limit (5/s)
OUTAGE = (2.0, 4.0)  # Redis is down from 2 s to 4 s into the load


@pytest.fixture
def two_servers_on_private_redis(redis_process, transactional_db):
    servers = [start_server(REDIS_URL=redis_process.url) for _ in range(2)]
    yield servers, redis_process
    for server in servers:
        server.stop()


async def test_redis_stopped_and_started_under_steady_load_loses_no_message_and_duplicates_none(
    two_servers_on_private_redis, _closes_thread_connections
):
    servers, redis = two_servers_on_private_redis
    rooms = await sync_to_async(make_rooms)(LOAD_ROOMS)
    # In each room the organizer listens on one process and the vendor on the other. Started
    # from the beginning, they miss nothing however late the servers join them.
    subscribers = {
        room.room_id: [
            await Subscriber(servers[0], room.organizer_token, room.room_id, after=BEGINNING).start(),
            await Subscriber(servers[1], room.vendor_token, room.room_id, after=BEGINNING).start(),
        ]
        for room in rooms
    }
    sent: dict[str, list[str]] = {room.room_id: [] for room in rooms}
    failures: list[dict] = []
    sent_while_down = 0
    started = time.monotonic()

    async def sender(client, room: Room) -> None:
        nonlocal sent_while_down
        count = int(LOAD_SECONDS * SENDS_PER_SECOND_PER_ROOM)
        for i in range(count):
            # A steady schedule: message i leaves at i / rate seconds, whatever the latency.
            await asyncio.sleep(max(0.0, started + i / SENDS_PER_SECOND_PER_ROOM - time.monotonic()))
            token = room.organizer_token if i % 2 == 0 else room.vendor_token
            result = await send(client, servers[i % 2], token, room.room_id, f"load {i}")
            if "errors" in result:
                failures.append(result)
                continue
            sent[room.room_id].append(result["data"]["sendMessage"]["id"])
            if redis.process is None:
                sent_while_down += 1

    async def outage() -> float:
        await asyncio.sleep(OUTAGE[0])
        down_at = time.monotonic()
        await asyncio.to_thread(redis.stop)
        await asyncio.sleep(OUTAGE[1] - OUTAGE[0])
        await asyncio.to_thread(redis.start)
        return time.monotonic() - down_at

    try:
        async with httpx.AsyncClient(timeout=15) as client:
            *_, outage_seconds = await asyncio.gather(*(sender(client, room) for room in rooms), outage())
            every = [s for subs in subscribers.values() for s in subs]
            await asyncio.gather(*(s.wait_for(set(sent[s.room_id]), timeout=20) for s in every))
            for room in rooms:
                fenced = await fence(client, servers[1], room.vendor_token, room.room_id, subscribers[room.room_id])
                sent[room.room_id].append(fenced)
            histories = {
                room.room_id: await history_ids(client, servers[0], room.vendor_token, room.room_id) for room in rooms
            }
    finally:
        for subs in subscribers.values():
            for s in subs:
                await s.stop()

    total = sum(len(ids) for ids in sent.values())
    lost = {
        f"room {s.room_id} via :{s.server.port}": sorted(set(sent[s.room_id]) - set(s.ids))
        for subs in subscribers.values()
        for s in subs
    }
    lost = {k: v for k, v in lost.items() if v}
    dups = {f"room {s.room_id} via :{s.server.port}": duplicates(s.ids) for subs in subscribers.values() for s in subs}
    dups = {k: v for k, v in dups.items() if v}
    warnings = sorted({w for subs in subscribers.values() for s in subs for w in s.warnings})
    figures = (
        f"{total} messages sent in {LOAD_ROOMS} rooms through 2 processes over {LOAD_SECONDS:.0f} s, "
        f"{sent_while_down} of them while Redis was down ({outage_seconds:.1f} s); "
        f"{len(subscribers) * 2} subscribers; lost: {sum(map(len, lost.values()))}, "
        f"duplicated: {sum(map(len, dups.values()))}, failed sends: {len(failures)}; warnings seen: {warnings}"
    )
    figures_log.info(figures)
    assert not failures, f"{figures}\n{failures[:3]}"
    assert sent_while_down > 0, figures
    for room_id, ids in sent.items():
        assert set(ids) <= set(histories[room_id]) and len(histories[room_id]) == len(ids), figures
    for subs in subscribers.values():
        for s in subs:
            assert s.closed is False, f"a subscriber was disconnected ({s.closed}); {figures}"
            assert not s.unexpected, f"{s.unexpected[:3]}; {figures}"
            assert set(s.warnings) <= WARNINGS, figures
    assert not lost, f"{figures}\nlost: {lost}"
    assert not dups, f"{figures}\nduplicated: {dups}"


# --- 2. PostgreSQL restarted ---------------------------------------------------------------------

SEND_ALL = """mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }"""
MARK_READ = "mutation($r: ID!) { markRead(roomId: $r) { messageId } }"


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "restarting the database needs PostgreSQL (the services run, DATABASE_URL=postgres://...): "
            "the embedded run's SQLite is a file with no server to restart"
        )


@pytest.fixture
def postgres(transactional_db):
    _needs_postgres()
    cluster = PostgresCluster()
    try:
        yield cluster
    finally:
        cluster.start()  # whatever happened, PostgreSQL runs again after this test
        # The test process's own connections died with the old server: drop them, so that
        # the test database can be flushed and dropped.
        connections.close_all()


@pytest.mark.parametrize("server_env", [{}, {"PARLEY_DB_POOL": "1"}], ids=["connections", "pool"])
async def test_postgres_restarted_mutations_fail_clearly_then_everything_works_without_a_server_restart(
    postgres, pair, _closes_thread_connections, server_env
):
    server = await asyncio.to_thread(start_server, **server_env)
    subscriber = None
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            subscriber = await Subscriber(server, pair.organizer_token, pair.room_id, after=BEGINNING).start()
            before = await send(client, server, pair.vendor_token, pair.room_id, "before the restart")
            before_id = before["data"]["sendMessage"]["id"]
            await subscriber.wait_for({before_id}, timeout=10)
            assert subscriber.ids == [before_id]

            down_at = time.monotonic()
            await asyncio.to_thread(postgres.stop)
            during = [
                await send(client, server, pair.vendor_token, pair.room_id, "during the outage"),
                await send(client, server, pair.organizer_token, pair.room_id, "during the outage too"),
            ]
            read = await client.post(
                server.http,
                json={"query": MARK_READ, "variables": {"r": pair.room_id}},
                headers={"Authorization": f"Bearer {pair.organizer_token}"},
            )
            during.append(_json(read))
            await asyncio.to_thread(postgres.start)
            outage_seconds = time.monotonic() - down_at

            # Afterwards, on the same server process: mutations, queries and the open subscription.
            after = await send(client, server, pair.vendor_token, pair.room_id, "after the restart")
            assert "errors" not in after, after
            after_id = after["data"]["sendMessage"]["id"]
            await subscriber.wait_for({after_id}, timeout=15)
            history = await history_ids(client, server, pair.organizer_token, pair.room_id)
    finally:
        if subscriber is not None:
            await subscriber.stop()
        server.stop()
    figures_log.info(
        "PostgreSQL stopped and started again (%.1f s until it accepted connections); %d mutations during the "
        "outage, %d rows written by them; the open subscription received %d of 2 messages",
        outage_seconds,
        len(during),
        len(history) - 2,
        len(subscriber.ids),
    )
    assert history == [before_id, after_id], "a failed mutation wrote something, or a message is missing"
    assert subscriber.ids == [before_id, after_id] and subscriber.closed is False, (subscriber.ids, subscriber.closed)
    assert not subscriber.unexpected, subscriber.unexpected
    # What the clients were told during the outage: a clear, retryable error in the contract's shape.
    for result in during:
        assert result.get("data") is None and "not-json" not in result, result
        [error] = result["errors"]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR", result
        assert error["extensions"].get("retryable") is True, result
        assert "database" in error["message"].lower() and "unavailable" in error["message"].lower(), result
        assert "Traceback" not in str(result) and "psycopg" not in str(result).lower(), result


# --- 3. A server process killed mid-stream ---------------------------------------------------------

STREAM_MESSAGES = 24
STREAM_INTERVAL = 0.2  # 5 a second: within the sender's rate limit once its burst is spent
KILL_AFTER = 6


@pytest.fixture
def two_servers_sharing_redis(shared_redis_url, transactional_db):
    servers = [start_server(REDIS_URL=shared_redis_url) for _ in range(2)]
    yield servers, shared_redis_url
    for server in servers:
        server.stop()


async def _reconnect(server: Server, token: str, room_id: str, after: str, timeout: float = 30.0) -> Subscriber:
    """What graphql-ws's retry does: try again, with a short pause, until the server answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await Subscriber(server, token, room_id, after=after).start()
        except (TimeoutError, OSError, websockets.InvalidHandshake):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_a_killed_server_restarted_on_its_port_resumes_the_stream_from_the_last_cursor_exactly_once(
    two_servers_sharing_redis, pair, _closes_thread_connections
):
    (first, second), redis_url = two_servers_sharing_redis
    restarted: list[Server] = []
    subscriber = await Subscriber(first, pair.organizer_token, pair.room_id, after=BEGINNING).start()
    sent: list[str] = []
    sent_at: list[float] = []
    failures: list[dict] = []

    async def sender(client) -> None:
        # Everything is sent through the second process, which stays up.
        for i in range(STREAM_MESSAGES):
            result = await send(client, second, pair.vendor_token, pair.room_id, f"stream {i}")
            if "errors" in result:
                failures.append(result)
            else:
                sent.append(result["data"]["sendMessage"]["id"])
                sent_at.append(time.monotonic())
            await asyncio.sleep(STREAM_INTERVAL)

    resumed = None
    try:
        async with httpx.AsyncClient(timeout=15) as client:
            sending = asyncio.create_task(sender(client))
            deadline = time.monotonic() + 15
            while len(subscriber.ids) < KILL_AFTER and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert len(subscriber.ids) >= KILL_AFTER, (subscriber.ids, sent)
            killed_at = time.monotonic()
            await asyncio.to_thread(kill_server, first)
            while subscriber.closed is False and time.monotonic() < killed_at + 10:
                await asyncio.sleep(0.02)
            assert subscriber.closed is not False, "the client did not notice the kill"
            before_kill, last_cursor = list(subscriber.ids), subscriber.cursors[-1]
            await subscriber.stop()

            restart = asyncio.create_task(asyncio.to_thread(start_server, port=first.port, REDIS_URL=redis_url))
            resumed = await _reconnect(first, pair.organizer_token, pair.room_id, after=last_cursor)
            reconnected_at = time.monotonic()
            restarted.append(await restart)
            await sending
            await resumed.wait_for(set(sent) - set(before_kill), timeout=20)

            # Then it continues live.
            live = await send(client, second, pair.vendor_token, pair.room_id, "live again")
            live_id = live["data"]["sendMessage"]["id"]
            await resumed.wait_for({live_id}, timeout=10)
            fenced = await fence(client, second, pair.vendor_token, pair.room_id, [resumed])
            history = await history_ids(client, second, pair.organizer_token, pair.room_id)
    finally:
        if resumed is not None:
            await resumed.stop()
        for server in restarted:
            server.stop()

    received = before_kill + resumed.ids
    while_down = sum(killed_at <= t <= reconnected_at for t in sent_at)
    figures = (
        f"{len(sent)} messages sent through the surviving process, {while_down} of them in the "
        f"{reconnected_at - killed_at:.1f} s between the kill and the reconnection; {len(before_kill)} received "
        f"before the kill, {len(resumed.ids)} after reconnecting with `after` (the live one included); "
        f"lost: {len(set(sent) - set(received))}, duplicated: {len(duplicates(received))}"
    )
    figures_log.info(figures)
    assert not failures, f"{figures}\n{failures[:3]}"
    assert while_down > 0, figures
    assert received == history == [*sent, live_id, fenced], figures
    assert resumed.closed is False and not resumed.unexpected, figures


# --- 4. Many writers in many rooms at once --------------------------------------------------------

BUSY_ROOMS = 8
MESSAGES_PER_SENDER = 15  # within the send burst (20) of each user


async def test_many_senders_in_many_rooms_at_once_each_room_receives_its_history_in_order(
    server, transactional_db, _closes_thread_connections
):
    rooms = await sync_to_async(make_rooms)(BUSY_ROOMS)
    subscribers = [
        await Subscriber(server, token, room.room_id, after=BEGINNING).start()
        for room in rooms
        for token in (room.organizer_token, room.vendor_token)
    ]
    failures: list[dict] = []
    started = time.monotonic()

    async def sender(client, room: Room, token: str, who: str) -> None:
        for i in range(MESSAGES_PER_SENDER):
            result = await send(client, server, token, room.room_id, f"{who} {i}")
            if "errors" in result:
                failures.append(result)

    try:
        limits = httpx.Limits(max_connections=2 * BUSY_ROOMS)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            await asyncio.gather(
                *(
                    sender(client, room, token, who)
                    for room in rooms
                    for token, who in ((room.organizer_token, "organizer"), (room.vendor_token, "vendor"))
                )
            )
            elapsed = time.monotonic() - started
            for room in rooms:
                in_room = [s for s in subscribers if s.room_id == room.room_id]
                await fence(client, server, room.vendor_token, room.room_id, in_room)
            histories = {
                room.room_id: await history_ids(client, server, room.vendor_token, room.room_id) for room in rooms
            }
    finally:
        for s in subscribers:
            await s.stop()

    total = sum(len(h) for h in histories.values())
    figures = (
        f"{BUSY_ROOMS} rooms x 2 senders x {MESSAGES_PER_SENDER} messages = {total} sent concurrently "
        f"in {elapsed:.1f} s ({total / elapsed:.0f}/s), {len(subscribers)} subscribers"
    )
    figures_log.info(figures)
    assert not failures, f"{figures}\n{failures[:3]}"
    assert total == BUSY_ROOMS * (2 * MESSAGES_PER_SENDER + 1), figures  # and each room's fence
    out_of_order = []
    for s in subscribers:
        history = histories[s.room_id]
        assert not duplicates(s.ids), f"duplicates in room {s.room_id}; {figures}"
        assert sorted(s.ids) == sorted(history), f"room {s.room_id}: {len(s.ids)} of {len(history)}; {figures}"
        if s.ids != history:
            first = next(i for i, (a, b) in enumerate(zip(s.ids, history, strict=True)) if a != b)
            out_of_order.append(
                f"room {s.room_id} from position {first}: got {s.ids[first : first + 4]}, "
                f"history {history[first : first + 4]}"
            )
    assert not out_of_order, f"received order differs from history order: {out_of_order}; {figures}"
