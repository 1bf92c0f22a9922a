"""What one socket may hold: the frames it has read but not yet handled are bounded, so a client
that sends faster than it is served is slowed down (the consumer stops reading) rather than
buffered without limit, and loses nothing."""

import asyncio
import json

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings

from schema.transport import GraphQLSocket, graphql_socket
from tests.factories import UserFactory
from tests.graphql import access_token

pytestmark = pytest.mark.django_db(transaction=True)


class BlockedSocket(GraphQLSocket):
    """A socket whose connection_init waits until the test lets it go: meanwhile every frame
    the client sends is waiting to be handled."""

    instances: list["BlockedSocket"] = []
    release = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        BlockedSocket.instances.append(self)

    async def on_ws_connect(self, context):
        await BlockedSocket.release.wait()
        return await super().on_ws_connect(context)


class SocketCommunicator(ApplicationCommunicator):
    """The ASGI side of a WebSocket, as the server would drive the consumer."""

    def __init__(self, app) -> None:
        scope = {"type": "websocket", "path": "/graphql/", "headers": [], "subprotocols": ["graphql-transport-ws"]}
        super().__init__(app, scope)

    async def connect(self) -> None:
        await self.send_input({"type": "websocket.connect"})
        assert (await self.receive_output(5))["type"] == "websocket.accept"

    async def send_json(self, message: dict) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive_json(self) -> dict:
        return json.loads((await self.receive_output(5))["text"])


async def _eventually(check, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def test_frames_waiting_to_be_handled_are_bounded_and_none_is_lost():
    user = await asyncio.to_thread(UserFactory)
    token = await asyncio.to_thread(access_token, user)
    BlockedSocket.instances, BlockedSocket.release = [], asyncio.Event()
    options = graphql_socket().consumer_initkwargs
    app = BlockedSocket.as_asgi(**options)
    communicator = SocketCommunicator(app)
    await communicator.connect()
    await communicator.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    pings = 200
    for _ in range(pings):
        await communicator.send_json({"type": "ping"})
    socket = BlockedSocket.instances[0]
    bound = settings.PARLEY["SOCKET_FRAME_QUEUE"]
    # Either the consumer has taken every frame, or it waits for room to put the next one.
    await _eventually(lambda: communicator.input_queue.empty() or socket.message_queue._putters)
    assert socket.message_queue.qsize() == bound
    assert not communicator.input_queue.empty()  # the rest still wait on the client's side
    BlockedSocket.release.set()
    assert (await communicator.receive_json())["type"] == "connection_ack"
    for _ in range(pings):
        assert (await communicator.receive_json())["type"] == "pong"
    await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await communicator.wait(5)
