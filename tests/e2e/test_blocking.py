"""Blocking through a real server and real clients: once one side blocks, the other side's
send is FORBIDDEN over HTTP and over the socket with nothing written, both inboxes hear the
block and the unblock on roomActivity, and the other side's typing ends on the blocker's
open conversation."""

import pytest

from tests.e2e.conftest import SEND, api, joined
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

ME = "{ me { username } }"
BLOCK = "mutation($u: String!) { blockUser(username: $u) { id blocked blockedByMe } }"
UNBLOCK = "mutation($u: String!) { unblockUser(username: $u) { id blocked blockedByMe } }"
HISTORY = "query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { id text } } } }"
ACTIVITY = "subscription { roomActivity { room { id blocked blockedByMe lastMessage { id } } } }"
TYPING = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id text } }
    ... on TypingEvent { typing user { username } }
  }
}"""
SET_TYPING = "mutation($r: ID!) { setTyping(roomId: $r) }"
BLOCKED = "This conversation is blocked: nothing can be sent in it."


async def _username(server, token: str) -> str:
    return (await api(server, ME, token=token))["data"]["me"]["username"]


async def _texts(server, pair) -> list[str]:
    edges = (await api(server, HISTORY, {"r": pair.room_id}, token=pair.vendor_token))["data"]["messages"]["edges"]
    return [edge["node"]["text"] for edge in edges]


async def _socket_mutation(socket, document: str, variables: dict) -> dict:
    op_id = await socket.subscribe(document, variables)
    message = await socket.receive()
    assert message.get("id") == op_id, message
    if message["type"] == "error":
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    return message["payload"]


def _refused_as_blocked(body: dict) -> None:
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    assert body["errors"][0]["message"] == BLOCKED, body
    assert not (body.get("data") or {}).get("sendMessage"), body


async def test_after_a_block_the_other_sides_send_is_forbidden_over_http_and_the_socket(server, pair):
    organizer = await _username(server, pair.organizer_token)
    blocked = (await api(server, BLOCK, {"u": organizer}, token=pair.vendor_token))["data"]["blockUser"]
    assert (blocked["id"], blocked["blocked"], blocked["blockedByMe"]) == (pair.room_id, True, True)
    before = await _texts(server, pair)

    _refused_as_blocked(await api(server, SEND, {"r": pair.room_id, "t": "over http"}, token=pair.organizer_token))
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.organizer_token}"}))["type"] == "connection_ack"
        _refused_as_blocked(await _socket_mutation(socket, SEND, {"r": pair.room_id, "t": "over the socket"}))
    # The blocker is refused too.
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"
        _refused_as_blocked(await _socket_mutation(socket, SEND, {"r": pair.room_id, "t": "from the blocker"}))
    assert await _texts(server, pair) == before

    await api(server, UNBLOCK, {"u": organizer}, token=pair.vendor_token)
    sent = await api(server, SEND, {"r": pair.room_id, "t": "talking again"}, token=pair.organizer_token)
    assert sent["data"]["sendMessage"]["text"] == "talking again"


async def _inbox(server, token: str):
    context = GraphQLSocket.connect(server.ws)
    socket = await context.__aenter__()
    assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    await socket.subscribe(ACTIVITY)
    return context, socket


async def _room(socket, timeout: float = 10) -> dict:
    message = await socket.receive(timeout)
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return message["payload"]["data"]["roomActivity"]["room"]


async def _following(server, pair, sockets) -> None:
    """Returns once every inbox follows the pair's room: a probe sent after it joined comes
    back on each (an earlier one may have been read with the room's head, so probe again)."""
    waiting = list(sockets)
    for attempt in range(20):
        probe = await api(server, SEND, {"r": pair.room_id, "t": f"probe {attempt}"}, token=pair.vendor_token)
        probe_id = probe["data"]["sendMessage"]["id"]
        for socket in list(waiting):
            try:
                while ((await _room(socket, timeout=1))["lastMessage"] or {}).get("id") != probe_id:
                    pass
                waiting.remove(socket)
            except TimeoutError:
                continue
        if not waiting:
            return
    raise AssertionError("an inbox never followed the room")


def _block_state(room: dict) -> tuple[str, bool, bool]:
    return room["id"], room["blocked"], room["blockedByMe"]


async def test_a_block_and_an_unblock_reach_both_inboxes_as_each_side_sees_the_room(server, pair):
    organizer = await _username(server, pair.organizer_token)
    contexts, sockets = [], []
    for token in (pair.organizer_token, pair.vendor_token):
        context, socket = await _inbox(server, token)
        contexts.append(context)
        sockets.append(socket)
    try:
        await _following(server, pair, sockets)
        organizer_inbox, vendor_inbox = sockets
        await api(server, BLOCK, {"u": organizer}, token=pair.vendor_token)
        assert _block_state(await _room(organizer_inbox)) == (pair.room_id, True, False)
        assert _block_state(await _room(vendor_inbox)) == (pair.room_id, True, True)
        await api(server, UNBLOCK, {"u": organizer}, token=pair.vendor_token)
        assert _block_state(await _room(organizer_inbox)) == (pair.room_id, False, False)
        assert _block_state(await _room(vendor_inbox)) == (pair.room_id, False, False)
    finally:
        for context in contexts:
            await context.__aexit__(None, None, None)


async def test_the_other_sides_typing_ends_on_the_blockers_conversation(server, pair):
    organizer = await _username(server, pair.organizer_token)
    async with joined(server, pair.vendor_token, pair.room_id, query=TYPING) as vendor_socket:
        await api(server, SET_TYPING, {"r": pair.room_id}, token=pair.organizer_token)
        assert await vendor_socket.next_event() == {
            "__typename": "TypingEvent",
            "typing": True,
            "user": {"username": organizer},
        }
        await api(server, BLOCK, {"u": organizer}, token=pair.vendor_token)
        # Well before the 6 s lapse: the block ended it.
        assert await vendor_socket.next_event(timeout=3) == {
            "__typename": "TypingEvent",
            "typing": False,
            "user": {"username": organizer},
        }
        refused = await api(server, SET_TYPING, {"r": pair.room_id}, token=pair.organizer_token)
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
