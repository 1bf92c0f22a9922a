"""The live feed through a real uvicorn server and a real graphql-transport-ws client."""

import asyncio

import pytest

from tests.e2e.conftest import HISTORY, SEND, api, joined, newest_cursor, subscribe_joined
from tests.wsclient import ROOM_EVENTS, GraphQLSocket, subscribed

pytestmark = pytest.mark.e2e


async def send(server, pair, token, text, client_id=None):
    result = await api(server, SEND, {"r": pair.room_id, "t": text, "c": client_id}, token=token)
    assert "errors" not in result, result
    return result["data"]["sendMessage"]


async def test_a_message_reaches_the_other_participant_with_the_mutation_payload(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id) as socket:
        sent = await send(server, pair, pair.vendor_token, "hello from the vendor")
        event = await socket.next_event()
    assert event == {"__typename": "MessageEvent", "message": sent}


async def test_the_senders_own_socket_receives_its_message_too(server, pair):
    async with joined(server, pair.vendor_token, pair.room_id) as socket:
        sent = await send(server, pair, pair.vendor_token, "echo")
        assert (await socket.next_event())["message"]["id"] == sent["id"]


async def test_subscribing_after_a_cursor_replays_then_goes_live_without_gap_or_duplicate(server, pair):
    before = [await send(server, pair, pair.vendor_token, f"old {i}") for i in range(5)]
    history = (await api(server, HISTORY, {"r": pair.room_id}, token=pair.organizer_token))["data"]["messages"]
    cursor = history["edges"][1]["cursor"]
    async with subscribed(server.ws, pair.organizer_token, pair.room_id, after=cursor) as socket:
        live = [await send(server, pair, pair.vendor_token, f"new {i}") for i in range(3)]
        received = [(await socket.next_event())["message"]["id"] for _ in range(6)]
        with pytest.raises(asyncio.TimeoutError):
            await socket.next_event(timeout=0.5)
    assert received == [m["id"] for m in before[2:] + live]


async def test_a_retried_client_id_broadcasts_nothing_new(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id) as socket:
        first = await send(server, pair, pair.vendor_token, "once", client_id="k-1")
        again = await send(server, pair, pair.vendor_token, "once", client_id="k-1")
        assert first == again
        assert (await socket.next_event())["message"]["id"] == first["id"]
        with pytest.raises(asyncio.TimeoutError):
            await socket.next_event(timeout=0.5)


async def test_a_non_participant_subscribing_gets_not_found(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.outsider_token}"})
        op = await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
        message = await socket.receive()
    assert message["type"] == "error" and message["id"] == op
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_garbage_cursor_in_the_subscription_is_bad_input(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.organizer_token}"})
        await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id, "after": "garbage"})
        message = await socket.receive()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_ending_one_subscription_keeps_another_on_the_same_socket_and_room(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.organizer_token}"})
        after = await newest_cursor(server, pair.organizer_token, pair.room_id)
        first = await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id, "after": after})
        second = await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id, "after": after})
        probe = await send(server, pair, pair.organizer_token, "probe")
        # Both joined: each replayed or received the probe.
        assert {(await socket.receive())["id"] for _ in range(2)} == {first, second}
        await socket.complete(first)
        # The server handles a socket's messages in order: its pong means the complete was handled.
        await socket.send({"type": "ping"})
        assert (await socket.receive())["type"] == "pong"
        sent = await send(server, pair, pair.vendor_token, "still here?")
        message = await socket.receive()
    assert probe["id"] != sent["id"]
    assert message["id"] == second
    assert message["payload"]["data"]["messageAdded"]["message"]["id"] == sent["id"]


async def test_subscribers_on_two_sockets_each_get_every_message_once(server, pair):
    async with GraphQLSocket.connect(server.ws) as a, GraphQLSocket.connect(server.ws) as b:
        assert (await a.init({"authorization": f"Bearer {pair.organizer_token}"}))["type"] == "connection_ack"
        assert (await b.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"
        await subscribe_joined(server, pair.vendor_token, pair.room_id, [a, b])
        sent = [
            await send(server, pair, token, f"m{i}")
            for i, token in enumerate([pair.vendor_token, pair.organizer_token] * 3)
        ]
        for socket in (a, b):
            got = [(await socket.next_event())["message"]["id"] for _ in sent]
            assert got == [m["id"] for m in sent]
