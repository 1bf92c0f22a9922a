"""The Redis pub/sub channel layer (`PARLEY_CHANNEL_LAYER=pubsub`) carries the live feed as the
default layer does, including subscriptions that start together on one process."""

import asyncio
import contextlib

import pytest

from tests.e2e.conftest import BEGINNING, PROBE, SEND, api
from tests.factories import RoomFactory
from tests.graphql import access_token
from tests.processes import start_server
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e

ROOMS = 6


@pytest.fixture
def pubsub_server(shared_redis_url, transactional_db):
    server = start_server(REDIS_URL=shared_redis_url, PARLEY_CHANNEL_LAYER="pubsub")
    yield server
    server.stop()


@pytest.fixture
def tokens(transactional_db):
    """Rooms, each with its organizer's and its vendor's token."""
    rooms = [RoomFactory() for _ in range(ROOMS)]
    return [(room, access_token(room.organizer), access_token(room.vendor)) for room in rooms]


async def test_subscriptions_opened_together_on_the_pubsub_layer_each_get_their_rooms_messages(pubsub_server, tokens):
    async with contextlib.AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(GraphQLSocket.connect(pubsub_server.ws)) for _ in range(2 * ROOMS)]
        await asyncio.gather(
            *(socket.init({"authorization": f"Bearer {tokens[i // 2][1 + i % 2]}"}) for i, socket in enumerate(sockets))
        )
        # All at once: the pub/sub layer's new_channel() awaits Redis, which once let
        # subscriptions starting together join rooms on channels nobody read.
        await asyncio.gather(
            *(
                socket.subscribe(ROOM_EVENTS, {"r": str(tokens[i // 2][0].pk), "after": BEGINNING})
                for i, socket in enumerate(sockets)
            )
        )
        # Every subscription has joined once it has its room's probe (replayed or live).
        probes = [
            (await api(pubsub_server, SEND, {"r": str(room.pk), "t": PROBE}, token=vendor_token))["data"]
            for room, _, vendor_token in tokens
        ]
        assert [(await socket.next_event())["message"]["id"] for socket in sockets] == [
            probe["sendMessage"]["id"] for probe in probes for _ in range(2)
        ]
        sent = []
        for room, _, vendor_token in tokens:
            result = await api(pubsub_server, SEND, {"r": str(room.pk), "t": "over pub/sub"}, token=vendor_token)
            sent.append(result["data"]["sendMessage"]["id"])
        received = [(await socket.next_event())["message"]["id"] for socket in sockets]
    assert received == [message_id for message_id in sent for _ in range(2)]
    # Live, not caught up late by reconciliation (which would hide channels nobody reads).
    assert "behind their room's newest message" not in pubsub_server.log()
