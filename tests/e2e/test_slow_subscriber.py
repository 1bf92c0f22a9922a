"""A subscriber that stops reading is told to reconnect (1013) instead of growing the server's
memory; reconnecting with `after` it gets everything it missed."""

import asyncio
import json
import socket

import httpx
import pytest
import websockets

from tests.e2e.conftest import SEND, subscribe_joined
from tests.processes import start_server
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e

TRY_AGAIN_LATER = 1013
# Each event repeats the message's text under 29 aliases (about 145 KB for a 5,000-character
# text), so the server's socket send buffer, which Linux grows up to 4 MiB (tcp_wmem), is full
# after a few dozen events whatever it grew to; with the text once, 600 messages (3 MB) fitted
# in it on a loaded machine, and the server never fell behind.
HEAVY_EVENTS = (
    "subscription($r: ID!, $after: String) { messageAdded(roomId: $r, after: $after) { "
    "... on MessageEvent { message { id " + " ".join(f"t{i}: text" for i in range(29)) + " } } } }"
)


@pytest.fixture
def small_queue_server(transactional_db):
    server = start_server(PARLEY_SUBSCRIBER_QUEUE="5", PARLEY_SEND_RATE_PER_SECOND="0")
    yield server
    server.stop()


def tiny_receive_buffer_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


async def test_a_subscriber_that_stops_reading_is_closed_with_try_again_later(small_queue_server, pair):
    server = small_queue_server
    sock = tiny_receive_buffer_socket(server.port)
    async with websockets.connect(
        server.ws, sock=sock, subprotocols=["graphql-transport-ws"], max_queue=1, compression=None
    ) as ws:
        slow = GraphQLSocket(ws)
        await slow.init({"authorization": f"Bearer {pair.organizer_token}"})
        await subscribe_joined(server, pair.organizer_token, pair.room_id, [slow], query=HEAVY_EVENTS)
        text = "x" * 4990
        sent = []
        async with httpx.AsyncClient(timeout=10) as client:
            for i in range(300):
                response = await client.post(
                    server.http,
                    json={"query": SEND, "variables": {"r": pair.room_id, "t": f"{i} {text}"}},
                    headers={"Authorization": f"Bearer {pair.vendor_token}"},
                )
                sent.append(response.json()["data"]["sendMessage"]["id"])
                if "subscriber too slow" in server.log():
                    break
        assert "subscriber too slow" in server.log(), f"never fell behind after {len(sent)} messages"
        received = []
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                received.append(message["payload"]["data"]["messageAdded"]["message"]["id"])
        assert closed.value.rcvd.code == TRY_AGAIN_LATER
    assert received == sent[: len(received)]
    assert len(received) < len(sent), (len(received), len(sent))

    # Reconnecting from the last event it got, it misses nothing.
    history = await slow_history_cursor(server, pair, received[-1])
    async with GraphQLSocket.connect(server.ws) as again:
        await again.init({"authorization": f"Bearer {pair.organizer_token}"})
        await again.subscribe(ROOM_EVENTS, {"r": pair.room_id, "after": history})
        caught_up = [(await again.next_event())["message"]["id"] for _ in sent[len(received) :]]
    assert caught_up == sent[len(received) :]


async def slow_history_cursor(server, pair, message_id: str) -> str:
    query = "query($r: ID!) { messages(roomId: $r, last: 100) { edges { cursor node { id } } } }"
    async with httpx.AsyncClient(timeout=10) as client:
        before = None
        while True:
            response = await client.post(
                server.http,
                json={
                    "query": query.replace("last: 100", "last: 100, before: $b").replace(
                        "$r: ID!", "$r: ID!, $b: String"
                    ),
                    "variables": {"r": pair.room_id, "b": before},
                },
                headers={"Authorization": f"Bearer {pair.organizer_token}"},
            )
            edges = response.json()["data"]["messages"]["edges"]
            for edge in edges:
                if edge["node"]["id"] == message_id:
                    return edge["cursor"]
            before = edges[0]["cursor"]
