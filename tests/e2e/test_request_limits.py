"""Request size on every path of a running server: every body is capped before it is read, a
body where none belongs is refused, a WebSocket message is capped at 1 MiB."""

import json

import httpx
import pytest
import websockets

from tests.e2e.conftest import stream_until_answered
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

MIB = 1024 * 1024


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("PUT", "/graphql/"),
        ("PATCH", "/graphql/"),
        ("DELETE", "/graphql/"),
        ("PUT", "/login"),
        ("GET", "/"),
        ("POST", "/login"),
        ("GET", "/attachments/x"),
    ],
)
def test_a_40_mib_body_on_any_method_and_path_is_refused_before_it_is_read(server, method, path, chunked):
    total = 40 * MIB
    length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % total
    headers = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n".encode()
    sent, answer = stream_until_answered(
        server.port, headers + length + b"\r\n\r\n", b"x" * 65536, total, chunked=chunked
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    # A few MiB sit in the kernel's socket buffers before the client notices the answer.
    assert sent < 8 * MIB, f"{sent} bytes were sent before the answer"


def test_a_small_body_where_none_belongs_is_refused(server):
    response = httpx.request("GET", f"http://127.0.0.1:{server.port}/", content=b'{"a": 1}')
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_pages_without_a_body_are_served_as_before(server):
    assert httpx.get(f"http://127.0.0.1:{server.port}/graphql/", headers={"Accept": "text/html"}).status_code == 200
    response = httpx.post(server.http, json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_websocket_message_over_1_mib_closes_the_socket_with_1009(server, pair):
    async with GraphQLSocket.connect(server.ws, max_size=None) as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"
        await socket.ws.send(json.dumps({"type": "ping", "payload": {"pad": "x" * MIB}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.receive()
    assert closed.value.rcvd.code == 1009


async def test_a_websocket_message_just_under_1_mib_is_served(server, pair):
    async with GraphQLSocket.connect(server.ws, max_size=None) as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"
        await socket.ws.send(json.dumps({"type": "ping", "payload": {"pad": "x" * (MIB - 100)}}))
        assert (await socket.receive())["type"] == "pong"
