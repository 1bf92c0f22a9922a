import os
import select
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from socket import create_connection

import httpx
import pytest

from chat.cursors import Cursor
from tests.factories import RoomFactory
from tests.graphql import access_token
from tests.processes import RedisProcess, Server, start_server
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """One server process for the session, configured like the run (embedded or services)."""
    process = start_server()
    yield process
    process.stop()


@pytest.fixture
def start(transactional_db):
    """Start servers of the test's own (their counts are the test's alone); all stopped after."""
    servers: list[Server] = []

    def started(**kwargs) -> Server:
        servers.append(start_server(**kwargs))
        return servers[-1]

    yield started
    for server in servers:
        server.stop()


@pytest.fixture
def redis_process():
    redis = RedisProcess().start()
    yield redis
    redis.stop()


@pytest.fixture
def shared_redis_url(request):
    """The run's Redis when it has one, else a private Redis for this test."""
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    redis = RedisProcess().start()
    yield redis.url
    redis.stop()


async def api(server: Server, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(server.http, json={"query": query, "variables": variables or {}}, headers=headers)
    return response.json()


@dataclass
class Pair:
    room_id: str
    organizer_token: str
    vendor_token: str
    outsider_token: str


@pytest.fixture
def pair(transactional_db) -> Pair:
    room = RoomFactory()
    outsider = RoomFactory().organizer
    return Pair(str(room.pk), access_token(room.organizer), access_token(room.vendor), access_token(outsider))


SEND = """mutation($r: ID!, $t: String!, $c: String) {
  sendMessage(roomId: $r, text: $t, clientId: $c) {
    id text senderUsername clientId createdAt room { id } sender { username }
  }
}"""
HISTORY = "query($r: ID!) { messages(roomId: $r, last: 100) { edges { cursor node { id text } } } }"


NEWEST = "query($r: ID!) { messages(roomId: $r, last: 1) { edges { cursor } } }"
# Before every message: a subscription started after it replays the whole room.
BEGINNING = Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0).encode()
PROBE = "probe: the subscriptions have joined"


async def newest_cursor(server: Server, token: str, room_id: str) -> str:
    """The cursor of the room's newest message (BEGINNING when it has none): a subscription
    started after it misses nothing sent from now on, however late the server joins it."""
    edges = (await api(server, NEWEST, {"r": room_id}, token=token))["data"]["messages"]["edges"]
    return edges[-1]["cursor"] if edges else BEGINNING


async def subscribe_joined(server: Server, token: str, room_id: str, sockets, *, query: str = ROOM_EVENTS) -> str:
    """Subscribe each socket to the room and return once the server has joined every one to
    the room's group, so that whatever happens from now on (a bid's change, a receipt) arrives
    live. Each starts after the room's newest message; then a probe sent with `token` comes
    back on each, by replay or live, and the server joins before it replays. Returns the
    probe's message id; the probe is consumed from every socket."""
    after = await newest_cursor(server, token, room_id)
    for socket in sockets:
        socket.op = await socket.subscribe(query, {"r": room_id, "after": after})
    probe = await api(server, SEND, {"r": room_id, "t": PROBE}, token=token)
    probe_id = probe["data"]["sendMessage"]["id"]
    for socket in sockets:
        event = await socket.next_event()
        assert event["message"]["id"] == probe_id, event
    return probe_id


@asynccontextmanager
async def joined(server: Server, token: str, room_id: str, *, query: str = ROOM_EVENTS):
    """A socket signed in with `token`, subscribed and joined (see subscribe_joined); the
    probe's id is `socket.probe`."""
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        socket.probe = await subscribe_joined(server, token, room_id, [socket], query=query)
        yield socket


def stream_until_answered(port: int, headers: bytes, chunk: bytes, total: int, *, chunked: bool) -> tuple[int, bytes]:
    """Send up to `total` bytes of body; stop as soon as the server answers. Returns
    (bytes sent, the answer's first bytes)."""
    sock = create_connection(("127.0.0.1", port), timeout=5)
    sent, answer = 0, b""
    deadline = time.monotonic() + 60
    try:
        sock.sendall(headers)
        while sent < total and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                break  # the server stopped reading: it has answered or hung up
            sent += len(chunk)
        sock.settimeout(10)
        answer = sock.recv(65536)
    finally:
        sock.close()
    return sent, answer
