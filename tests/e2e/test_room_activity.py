"""roomActivity through a real server and a real client: one subscription hears every kind
of change to the caller's rooms as the room list shows it, including a room the other side
starts, and nothing of anyone else's."""

import asyncio

import pytest

from tests.e2e.conftest import SEND, api
from tests.factories import UserFactory
from tests.graphql import access_token
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

ACTIVITY = """subscription {
  roomActivity {
    room {
      id unreadCount organizer { username } vendor { username }
      lastMessage { id text editedAt deletedAt }
    }
  }
}"""
MARK_READ = "mutation($r: ID!) { markRead(roomId: $r) { messageId } }"
EDIT = "mutation($m: ID!, $t: String!) { editMessage(messageId: $m, text: $t) { id } }"
DELETE = "mutation($m: ID!) { deleteMessage(messageId: $m) { id } }"
ENSURE = "mutation($u: String!) { ensureRoom(username: $u) { id } }"


async def _activity(socket, timeout: float = 10) -> dict:
    message = await socket.receive(timeout)
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return message["payload"]["data"]["roomActivity"]["room"]


async def _send(server, pair, token: str, text: str) -> str:
    result = await api(server, SEND, {"r": pair.room_id, "t": text}, token=token)
    return result["data"]["sendMessage"]["id"]


async def _following(server, pair, socket) -> None:
    """Returns once the inbox follows the pair's room: a probe message sent after it joined
    comes back (an earlier one may have been read with the room's head, so probe again)."""
    for attempt in range(20):
        probe = await _send(server, pair, pair.vendor_token, f"probe {attempt}")
        try:
            while (await _activity(socket, timeout=1))["lastMessage"]["id"] != probe:
                pass
            return
        except TimeoutError:
            continue
    raise AssertionError("the inbox never followed the room")


async def _watching(server, pair, token: str):
    socket_cm = GraphQLSocket.connect(server.ws)
    socket = await socket_cm.__aenter__()
    assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    await socket.subscribe(ACTIVITY)
    await _following(server, pair, socket)
    return socket_cm, socket


@pytest.fixture
async def organizer_inbox(server, pair):
    context, socket = await _watching(server, pair, pair.organizer_token)
    yield socket
    await context.__aexit__(None, None, None)


async def test_a_new_message_shows_the_room_with_it_last_and_one_more_unread(server, pair, organizer_inbox):
    before = (await api(server, "{ rooms { edges { node { unreadCount } } } }", token=pair.organizer_token))["data"]
    unread = before["rooms"]["edges"][0]["node"]["unreadCount"]
    sent = await _send(server, pair, pair.vendor_token, "are you free on the 12th?")
    room = await _activity(organizer_inbox)
    assert (room["id"], room["lastMessage"]["id"], room["unreadCount"]) == (pair.room_id, sent, unread + 1)


async def test_a_read_shows_the_room_with_nothing_unread(server, pair, organizer_inbox):
    await api(server, MARK_READ, {"r": pair.room_id}, token=pair.organizer_token)
    room = await _activity(organizer_inbox)
    assert (room["id"], room["unreadCount"]) == (pair.room_id, 0)


async def test_an_edit_of_the_last_message_shows_the_new_text(server, pair, organizer_inbox):
    sent = await _send(server, pair, pair.vendor_token, "teh price")
    await _activity(organizer_inbox)
    await api(server, EDIT, {"m": sent, "t": "the price"}, token=pair.vendor_token)
    room = await _activity(organizer_inbox)
    assert room["lastMessage"]["text"] == "the price" and room["lastMessage"]["editedAt"] is not None


async def test_a_delete_of_the_last_message_shows_it_deleted(server, pair, organizer_inbox):
    sent = await _send(server, pair, pair.vendor_token, "oops")
    await _activity(organizer_inbox)
    await api(server, DELETE, {"m": sent}, token=pair.vendor_token)
    room = await _activity(organizer_inbox)
    assert room["lastMessage"]["text"] == "" and room["lastMessage"]["deletedAt"] is not None


async def test_a_room_someone_else_starts_appears_and_is_followed(server, pair, organizer_inbox, transactional_db):
    newcomer = await asyncio.to_thread(UserFactory, role="VENDOR")
    me = (await api(server, "{ me { username } }", token=pair.organizer_token))["data"]["me"]["username"]
    newcomer_token = await asyncio.to_thread(access_token, newcomer)
    started = (await api(server, ENSURE, {"u": me}, token=newcomer_token))["data"]["ensureRoom"]["id"]
    room = await _activity(organizer_inbox)
    assert (room["id"], room["vendor"]["username"], room["lastMessage"]) == (started, newcomer.username, None)
    sent = await api(server, SEND, {"r": started, "t": "hello, new here"}, token=newcomer_token)
    room = await _activity(organizer_inbox)
    assert (room["id"], room["lastMessage"]["id"]) == (started, sent["data"]["sendMessage"]["id"])


async def test_nothing_of_a_room_of_someone_elses_arrives(server, pair, organizer_inbox):
    rooms = (await api(server, "{ rooms { edges { node { id } } } }", token=pair.outsider_token))["data"]["rooms"]
    theirs = rooms["edges"][0]["node"]["id"]
    await api(server, SEND, {"r": theirs, "t": "not for the organizer"}, token=pair.outsider_token)
    sentinel = await _send(server, pair, pair.vendor_token, "for the organizer")
    room = await _activity(organizer_inbox)
    assert (room["id"], room["lastMessage"]["id"]) == (pair.room_id, sentinel)
