"""Presence through real server processes and real sockets: online and lastSeenAt follow a
user's authenticated sockets across processes sharing Redis, a reconnect within the grace
period does not flap, and a process killed with SIGKILL does not leave its users online."""

import asyncio

import pytest

from tests.e2e.conftest import api, joined
from tests.processes import kill_server, start_server
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id } }
    ... on PresenceEvent { user { username online lastSeenAt } }
  }
}"""
ROOM = "query($r: ID!) { room(id: $r) { vendor { username online lastSeenAt } organizer { online } } }"
GRACE = "1"


async def _vendor(server, pair) -> dict:
    return (await api(server, ROOM, {"r": pair.room_id}, token=pair.organizer_token))["data"]["room"]["vendor"]


async def _signed_in(ws_url: str, token: str):
    socket_cm = GraphQLSocket.connect(ws_url)
    socket = await socket_cm.__aenter__()
    assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    return socket_cm, socket


async def _presence_event(socket) -> dict:
    event = await socket.next_event()
    assert event["__typename"] == "PresenceEvent", event
    return event["user"]


@pytest.fixture
def presence_server(transactional_db):
    """One server as the run configures it (in-process presence, or Redis), short grace."""
    process = start_server(PARLEY_PRESENCE_GRACE_SECONDS=GRACE)
    yield process
    process.stop()


@pytest.fixture
def two_servers(shared_redis_url, transactional_db):
    env = {
        "REDIS_URL": shared_redis_url,
        "PARLEY_PRESENCE_GRACE_SECONDS": GRACE,
        "PARLEY_PRESENCE_HEARTBEAT_SECONDS": "0.3",
        "PARLEY_PRESENCE_EXPIRY_SECONDS": "1.5",
    }
    servers = [start_server(**env) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_a_socket_opening_and_closing_shows_online_then_last_seen_to_the_other_participant(presence_server, pair):
    async with joined(presence_server, pair.organizer_token, pair.room_id, query=EVENTS) as watcher:
        assert (await _vendor(presence_server, pair))["online"] is False
        context, vendor_socket = await _signed_in(presence_server.ws, pair.vendor_token)
        came = await _presence_event(watcher)
        assert (came["online"], came["lastSeenAt"]) == (True, None)
        assert await _vendor(presence_server, pair) == came
        await context.__aexit__(None, None, None)
        went = await _presence_event(watcher)
        assert went["online"] is False and went["lastSeenAt"] is not None
        assert await _vendor(presence_server, pair) == went


async def test_a_reconnect_within_the_grace_period_shows_no_change(presence_server, pair):
    async with joined(presence_server, pair.organizer_token, pair.room_id, query=EVENTS) as watcher:
        context, _ = await _signed_in(presence_server.ws, pair.vendor_token)
        assert (await _presence_event(watcher))["online"] is True
        await context.__aexit__(None, None, None)
        context, _ = await _signed_in(presence_server.ws, pair.vendor_token)
        with pytest.raises(asyncio.TimeoutError):  # a leave would come when the grace period ends
            await watcher.next_event(timeout=float(GRACE) + 1)
        assert (await _vendor(presence_server, pair))["online"] is True
        await context.__aexit__(None, None, None)


async def test_presence_on_one_process_is_seen_through_another(two_servers, pair):
    first, second = two_servers
    async with joined(first, pair.organizer_token, pair.room_id, query=EVENTS) as watcher:
        context, _ = await _signed_in(second.ws, pair.vendor_token)
        assert (await _presence_event(watcher))["online"] is True
        assert (await _vendor(first, pair))["online"] is True
        await context.__aexit__(None, None, None)
        went = await _presence_event(watcher)
        assert went["online"] is False and went["lastSeenAt"] is not None
        assert await _vendor(first, pair) == went


async def test_moving_to_another_process_within_the_grace_period_shows_no_change(two_servers, pair):
    first, second = two_servers
    async with joined(first, pair.organizer_token, pair.room_id, query=EVENTS) as watcher:
        context, _ = await _signed_in(first.ws, pair.vendor_token)
        assert (await _presence_event(watcher))["online"] is True
        await context.__aexit__(None, None, None)
        context, _ = await _signed_in(second.ws, pair.vendor_token)
        with pytest.raises(asyncio.TimeoutError):
            await watcher.next_event(timeout=float(GRACE) + 1)
        assert (await _vendor(first, pair))["online"] is True
        await context.__aexit__(None, None, None)


async def test_a_process_killed_with_sigkill_does_not_leave_its_users_online(two_servers, pair):
    survivor, doomed = two_servers
    async with joined(survivor, pair.organizer_token, pair.room_id, query=EVENTS) as watcher:
        _, vendor_socket = await _signed_in(doomed.ws, pair.vendor_token)
        assert (await _presence_event(watcher))["online"] is True
        assert (await _vendor(survivor, pair))["online"] is True
        kill_server(doomed)  # no goodbye: its sockets never close on the server side
        went = await _presence_event(watcher)
        assert went["online"] is False and went["lastSeenAt"] is not None
        assert await _vendor(survivor, pair) == went
