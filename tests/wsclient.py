"""A small graphql-transport-ws client over the `websockets` package, for end-to-end tests."""

import asyncio
import itertools
import json
from contextlib import asynccontextmanager
from typing import Any

import websockets

TIMEOUT = 10


class GraphQLSocket:
    def __init__(self, ws) -> None:
        self.ws = ws
        self._ids = itertools.count(1)

    @classmethod
    @asynccontextmanager
    async def connect(cls, url: str, *, protocol: str = "graphql-transport-ws", **kwargs):
        async with websockets.connect(url, subprotocols=[protocol], open_timeout=TIMEOUT, **kwargs) as ws:
            yield cls(ws)

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        op_id = str(next(self._ids))
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
        return op_id

    async def complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete"})

    async def next_event(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next `messageAdded` payload; fails on anything but a `next` with data."""
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["messageAdded"]

    async def closed_with(self, timeout: float = TIMEOUT) -> int:
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


ROOM_EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id text senderUsername clientId createdAt room { id } sender { username } } }
    ... on WarningEvent { code detail }
  }
}"""


@asynccontextmanager
async def subscribed(url: str, token: str, room_id: str, *, after: str | None = None, query: str = ROOM_EVENTS):
    """A socket signed in with `token` and subscribed to the room's events (`socket.op`)."""
    async with GraphQLSocket.connect(url) as socket:
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        socket.op = await socket.subscribe(query, {"r": room_id, "after": after})
        yield socket
