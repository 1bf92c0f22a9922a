"""What the generator says on the wire: the web client's own GraphQL documents (frontend/src/gql),
a graphql-transport-ws subscriber over `websockets`, GraphQL over HTTP/1.1 keep-alive (aiohttp)."""

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

import websockets

FRAGMENTS = """
fragment BidFields on Bid {
  id amount currency note status createdAt updatedAt createdBy { id username }
}
fragment MessageFields on Message {
  id clientId text messageType senderUsername sender { id username } createdAt deliveredAt readAt
  attachments { id file originalName size contentType }
  bidDetails { ...BidFields }
}
"""

SUBSCRIPTION = (
    """
subscription MessageAdded($roomId: ID!, $after: String) {
  messageAdded(roomId: $roomId, after: $after) {
    __typename
    ... on MessageEvent { message { ...MessageFields } }
    ... on BidEvent { message { ...MessageFields } bid { ...BidFields } }
    ... on ReadReceiptEvent { messageId readAt reader { id username } }
    ... on WarningEvent { code detail }
  }
}"""
    + FRAGMENTS
)

SEND_MUTATION = (
    """
mutation SendMessage($roomId: ID!, $text: String, $attachmentIds: [ID!], $clientId: String) {
  sendMessage(roomId: $roomId, text: $text, attachmentIds: $attachmentIds, clientId: $clientId) {
    ...MessageFields
  }
}"""
    + FRAGMENTS
)

MESSAGES_QUERY = (
    """
query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { ...MessageFields } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
    + FRAGMENTS
)


def error_code(payload: dict) -> str | None:
    errors = payload.get("errors")
    if not errors:
        return None
    return (errors[0].get("extensions") or {}).get("code") or "ERROR"


class Subscriber:
    """One socket, one `messageAdded` subscription. Calls on_event(message_dict, t_received)
    for every MessageEvent; counts everything else."""

    def __init__(
        self, url: str, token: str, room_id: str, on_event: Callable[[dict, float], None], *, compression: bool = True
    ) -> None:
        self.url = url
        self.token = token
        self.room_id = room_id
        self.on_event = on_event
        self.compression = compression
        self.ws = None
        self.task: asyncio.Task | None = None
        self.other_frames = 0
        self.warnings = 0
        self.errors: list[Any] = []
        self.closed_code: int | None = None

    async def open(self, timeout: float = 30) -> None:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["graphql-transport-ws"],
            compression="deflate" if self.compression else None,
            ping_interval=None,
            open_timeout=timeout,
            max_queue=None,
        )
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {self.token}"}}
        await self.ws.send(json.dumps(init))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
        await self.ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"roomId": self.room_id}},
                }
            )
        )
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        ws = self.ws
        perf = time.perf_counter
        try:
            async for raw in ws:
                now = perf()
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "next":
                    payload = frame["payload"]
                    event = (payload.get("data") or {}).get("messageAdded")
                    if payload.get("errors") or event is None:
                        self.errors.append(payload.get("errors"))
                    elif event["__typename"] == "MessageEvent":
                        self.on_event(event["message"], now)
                    elif event["__typename"] == "WarningEvent":
                        self.warnings += 1
                    else:
                        self.other_frames += 1
                elif kind == "ping":
                    await ws.send('{"type":"pong"}')
                elif kind == "error":
                    self.errors.append(frame.get("payload"))
                else:
                    self.other_frames += 1
        except websockets.ConnectionClosed as closed:
            self.closed_code = closed.rcvd.code if closed.rcvd else -1

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):  # closing at the end of a run
                await asyncio.wait_for(self.ws.close(), 5)
        if self.task is not None:
            self.task.cancel()


async def graphql_post(session, url: str, query: str, variables: dict, token: str | None) -> tuple[dict, int]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables})
    async with session.post(url, data=body, headers=headers) as response:
        raw = await response.read()
        status = response.status
    try:
        return json.loads(raw), status
    except ValueError:
        error = {"message": raw[:200].decode(errors="replace"), "extensions": {"code": f"HTTP_{status}"}}
        return {"errors": [error]}, status
