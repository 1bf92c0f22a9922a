"""setTyping through real servers and clients: the other participant alone hears it, a message
ends it, and it lapses on the process where the subscriber sits."""

import time

import pytest

from tests.e2e.conftest import SEND, api, joined, subscribe_joined
from tests.processes import start_server
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id } }
    ... on TypingEvent { typing user { username } }
  }
}"""
SET_TYPING = "mutation($r: ID!, $t: Boolean!) { setTyping(roomId: $r, typing: $t) }"


async def test_typing_reaches_only_the_other_participant_and_their_message_ends_it(server, pair):
    async with GraphQLSocket.connect(server.ws) as other, GraphQLSocket.connect(server.ws) as own:
        for socket, token in ((other, pair.organizer_token), (own, pair.vendor_token)):
            assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        await subscribe_joined(server, pair.organizer_token, pair.room_id, [other, own], query=EVENTS)
        result = await api(server, SET_TYPING, {"r": pair.room_id, "t": True}, token=pair.vendor_token)
        assert result == {"data": {"setTyping": True}}
        typing = await other.next_event()
        assert typing["__typename"] == "TypingEvent" and typing["typing"] is True
        vendor = typing["user"]["username"]

        sent = await api(server, SEND, {"r": pair.room_id, "t": "here it is"}, token=pair.vendor_token)
        message_id = sent["data"]["sendMessage"]["id"]
        assert await other.next_event() == {"__typename": "MessageEvent", "message": {"id": message_id}}
        assert await other.next_event() == {"__typename": "TypingEvent", "typing": False, "user": {"username": vendor}}
        # The typist's own subscription heard nothing but the message.
        assert await own.next_event() == {"__typename": "MessageEvent", "message": {"id": message_id}}


async def test_a_stranger_setting_typing_gets_not_found(server, pair):
    result = await api(server, SET_TYPING, {"r": pair.room_id, "t": True}, token=pair.outsider_token)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.fixture
def lapsing_servers(shared_redis_url, transactional_db):
    servers = [start_server(REDIS_URL=shared_redis_url, PARLEY_TYPING_LAPSE_SECONDS="1") for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_typing_set_through_one_process_lapses_on_the_subscribers_process(lapsing_servers, pair):
    subscriber_side, typist_side = lapsing_servers
    async with joined(subscriber_side, pair.organizer_token, pair.room_id, query=EVENTS) as socket:
        await api(typist_side, SET_TYPING, {"r": pair.room_id, "t": True}, token=pair.vendor_token)
        assert (await socket.next_event())["typing"] is True
        shown = time.monotonic()
        typist_side.stop()  # nothing more can come from the typist's process: the lapse is local
        assert (await socket.next_event())["typing"] is False
        assert time.monotonic() - shown >= 0.9
