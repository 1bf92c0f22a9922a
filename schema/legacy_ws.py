"""The legacy `graphql-ws` subprotocol with every protection graphql-transport-ws has: a socket
that does not send `connection_init` in time is closed with 4408, a refused one with 4403 (not
1011, which clients read as a server fault and retry), a second `connection_init` with 4429
instead of signing the open socket in as someone else, and a payload that is not an object
with 4400."""

import asyncio

from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ConnectionInitMessage
from strawberry.types.unset import UnsetType

from chat.cancellation import cancel_and_wait
from schema.context import Context


class LegacyGraphQLWSHandler(BaseGraphQLWSHandler[Context, None]):
    connection_init_received = False
    _init_timeout: asyncio.Task | None = None

    async def handle(self) -> None:
        self._init_timeout = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            await cancel_and_wait(self._init_timeout)

    async def _close_unless_initialised(self) -> None:
        # The view is the socket consumer; it carries the same timeout the modern protocol uses.
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_init_received:
            await self.websocket.close(code=4408, reason="Connection initialisation timeout")

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_init_received:
            await self.websocket.close(code=4429, reason="Too many initialisation requests")
            return
        self.connection_init_received = True
        # Typed as an object, but it is whatever JSON the client sent.
        payload: object = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            refusal: dict[str, object] = {"message": "The payload must be an object."}
            await self.send_message({"type": "connection_error", "payload": refusal})
            await self.websocket.close(code=4400, reason="Invalid connection_init payload")
            return
        self.context.connection_params = payload or {}
        try:
            acknowledged = await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError as error:
            await self.send_message({"type": "connection_error", "payload": error.payload})
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        if isinstance(acknowledged, UnsetType) or acknowledged is None:
            await self.send_message({"type": "connection_ack"})
        else:
            await self.send_message({"type": "connection_ack", "payload": acknowledged})
        self.connection_acknowledged = True
