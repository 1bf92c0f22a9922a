"""Who may open a socket: tokens in connection_init, the query string or the handshake header;
browsers only from allowed origins."""

import asyncio
import time

import jwt
import pytest
import websockets
from django.conf import settings

from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e

FORBIDDEN = 4403


async def test_a_socket_without_a_token_is_closed_with_4403(server):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        assert await socket.closed_with() == FORBIDDEN


@pytest.mark.parametrize("token", ["garbage", "Bearer garbage", "EXPIRED"])
async def test_a_socket_with_a_bad_token_is_closed_with_4403(server, pair, token):
    if token == "EXPIRED":
        username = jwt.decode(pair.vendor_token, options={"verify_signature": False})["username"]
        token = jwt.encode({"username": username, "exp": int(time.time()) - 5}, settings.SECRET_KEY, "HS256")
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": token}})
        assert await socket.closed_with() == FORBIDDEN


async def test_subscribing_before_connection_init_is_refused(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
        assert await socket.closed_with() == 4401


async def test_a_token_in_the_query_string_is_accepted(server, pair):
    async with GraphQLSocket.connect(f"{server.ws}?token={pair.vendor_token}") as socket:
        assert (await socket.init())["type"] == "connection_ack"


async def test_a_token_in_the_handshake_header_is_accepted(server, pair):
    headers = {"Authorization": f"Bearer {pair.vendor_token}"}
    async with GraphQLSocket.connect(server.ws, additional_headers=headers) as socket:
        assert (await socket.init())["type"] == "connection_ack"


async def test_connection_init_token_wins_over_a_bad_query_string_token(server, pair):
    async with GraphQLSocket.connect(f"{server.ws}?token=garbage") as socket:
        assert (await socket.init({"Authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"


async def test_the_legacy_graphql_ws_protocol_is_accepted_and_authenticated(server, pair):
    async with GraphQLSocket.connect(server.ws, protocol="graphql-ws") as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {pair.vendor_token}"}})
        assert (await socket.receive())["type"] == "connection_ack"


async def test_the_legacy_protocol_refuses_a_socket_without_a_token(server):
    async with GraphQLSocket.connect(server.ws, protocol="graphql-ws") as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        refusal = await socket.receive()
        assert refusal["type"] == "connection_error"


async def test_a_browser_from_a_foreign_origin_is_refused_at_the_handshake(server, pair):
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with GraphQLSocket.connect(server.ws, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_a_browser_from_the_apps_own_origin_is_accepted(server, pair):
    async with GraphQLSocket.connect(server.ws, origin=f"http://127.0.0.1:{server.port}") as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"


async def test_a_socket_is_closed_with_4403_when_its_token_expires(server, pair):
    username = jwt.decode(pair.vendor_token, options={"verify_signature": False})["username"]
    short = jwt.encode(
        {"username": username, "exp": int(time.time()) + 2, "origIat": int(time.time())}, settings.SECRET_KEY, "HS256"
    )
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {short}"}))["type"] == "connection_ack"
        await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
        started = time.monotonic()
        assert await socket.closed_with(timeout=10) == FORBIDDEN
    assert time.monotonic() - started < 5


async def test_a_socket_that_never_sends_connection_init_is_closed_with_4408(transactional_db):
    from tests.processes import start_server

    quick = start_server(PARLEY_CONNECTION_INIT_TIMEOUT_SECONDS="1")
    try:
        async with GraphQLSocket.connect(quick.ws) as socket:
            assert await socket.closed_with(timeout=5) == 4408
    finally:
        quick.stop()


async def test_at_most_the_configured_number_of_subscriptions_per_socket(transactional_db, pair):
    from tests.processes import start_server

    small = start_server(PARLEY_SUBSCRIPTIONS_PER_SOCKET="3")
    try:
        async with GraphQLSocket.connect(small.ws) as socket:
            await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
            for _ in range(3):
                await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
            fourth = await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
            refusal = await socket.receive()
            assert (refusal["type"], refusal["id"]) == ("error", fourth)
            assert "limit" in refusal["payload"][0]["message"].lower()
    finally:
        small.stop()


@pytest.mark.parametrize(
    "origin",
    ["http://127.0.0.1:{other}", "https://127.0.0.1:{port}", "http://localhost:{other}", "null"],
    ids=["same-host-other-port", "same-host-and-port-other-scheme", "allowed-host-other-port", "opaque"],
)
async def test_a_browser_origin_must_match_the_apps_scheme_host_and_port(server, pair, origin):
    origin = origin.format(port=server.port, other=server.port + 1)
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with GraphQLSocket.connect(server.ws, origin=origin):
            pass
    assert refused.value.response.status_code == 403


async def test_a_host_outside_allowed_hosts_cannot_vouch_for_its_own_origin(server, pair):
    # DNS rebinding: evil.example resolves to the server; its page's origin matches its Host.
    headers = {"Host": f"evil.example:{server.port}"}
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with GraphQLSocket.connect(
            server.ws, origin=f"http://evil.example:{server.port}", additional_headers=headers
        ):
            pass
    assert refused.value.response.status_code in (400, 403)


def test_behind_a_trusted_tls_proxy_the_https_origin_is_the_apps_own(transactional_db, pair):
    from tests.processes import start_server

    proxied = start_server(PARLEY_TRUSTED_PROXIES="127.0.0.1")
    direct = start_server()
    try:
        for server, accepted in ((proxied, True), (direct, False)):

            async def attempt(server=server):
                async with GraphQLSocket.connect(
                    server.ws,
                    origin=f"https://127.0.0.1:{server.port}",
                    additional_headers={"X-Forwarded-Proto": "https"},
                ) as socket:
                    return (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"]

            if accepted:
                assert asyncio.run(attempt()) == "connection_ack"
            else:
                with pytest.raises(websockets.InvalidStatus):
                    asyncio.run(attempt())
    finally:
        proxied.stop()
        direct.stop()


async def test_the_sockets_of_one_user_are_capped(transactional_db, pair):
    from tests.processes import start_server

    capped = start_server(PARLEY_SOCKETS_PER_USER="2")
    try:
        init = {"authorization": f"Bearer {pair.vendor_token}"}
        async with GraphQLSocket.connect(capped.ws) as first, GraphQLSocket.connect(capped.ws) as second:
            assert (await first.init(init))["type"] == "connection_ack"
            assert (await second.init(init))["type"] == "connection_ack"
            async with GraphQLSocket.connect(capped.ws) as third:
                await third.send({"type": "connection_init", "payload": init})
                assert await third.closed_with() == FORBIDDEN
            # Another user is not affected.
            async with GraphQLSocket.connect(capped.ws) as theirs:
                assert (await theirs.init({"authorization": f"Bearer {pair.organizer_token}"}))[
                    "type"
                ] == "connection_ack"
        # Once one closes, the user may open another.
        async with GraphQLSocket.connect(capped.ws) as again:
            assert (await again.init(init))["type"] == "connection_ack"
    finally:
        capped.stop()


# --- the legacy graphql-ws protocol gets every protection of graphql-transport-ws ---------------


async def test_the_legacy_protocol_closes_a_refused_init_with_4403(server):
    async with GraphQLSocket.connect(server.ws, protocol="graphql-ws") as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": "Bearer garbage"}})
        assert (await socket.receive())["type"] == "connection_error"
        assert await socket.closed_with() == FORBIDDEN


async def test_the_legacy_protocol_closes_a_socket_that_never_sends_connection_init_with_4408(transactional_db):
    from tests.processes import start_server

    quick = start_server(PARLEY_CONNECTION_INIT_TIMEOUT_SECONDS="1")
    try:
        async with GraphQLSocket.connect(quick.ws, protocol="graphql-ws") as socket:
            assert await socket.closed_with(timeout=5) == 4408
    finally:
        quick.stop()


async def test_a_second_legacy_connection_init_cannot_sign_the_socket_in_as_someone_else(server, pair):
    async with GraphQLSocket.connect(server.ws, protocol="graphql-ws") as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {pair.vendor_token}"}})
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {pair.outsider_token}"}})
        await socket.send({"id": "1", "type": "start", "payload": {"query": "{ me { username } }"}})
        assert await socket.closed_with() == 4429


async def test_a_legacy_connection_init_whose_payload_is_not_an_object_closes_with_4400(server):
    async with GraphQLSocket.connect(server.ws, protocol="graphql-ws") as socket:
        await socket.send({"type": "connection_init", "payload": ["not", "an", "object"]})
        assert (await socket.receive())["type"] == "connection_error"
        assert await socket.closed_with() == 4400
