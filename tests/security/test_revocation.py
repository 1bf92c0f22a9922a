"""Revocation bites: once a refresh family is revoked (sign-out, or a replayed refresh token),
its access tokens stop working and its sockets are closed with 4403 within the check interval
(15 s by default, at most a minute), on every server process, without a query per request."""

import asyncio
import time

import httpx
import pytest
from asgiref.sync import sync_to_async

from chat.services.auth import tokens_issue
from tests.factories import RoomFactory
from tests.graphql import gql
from tests.processes import start_server
from tests.wsclient import subscribed

ME = "{ me { username } }"
REVOKE = "mutation($t: String!) { revokeToken(refreshToken: $t) }"
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }"
FORBIDDEN = 4403
CHECK_SECONDS = 1


def _me(server, token: str) -> str:
    answer = httpx.post(server.http, json={"query": ME}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    body = answer.json()
    return body["errors"][0]["extensions"]["code"] if "errors" in body else "OK"


def _post(server, query: str, variables: dict) -> dict:
    return httpx.post(server.http, json={"query": query, "variables": variables}, timeout=10).json()


async def _until_refused(server, token: str, *, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if await asyncio.to_thread(_me, server, token) == "UNAUTHENTICATED":
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError(f"the token still worked {within} s after its revocation")


@pytest.fixture
def two_servers(transactional_db, shared_redis_url):
    servers = [
        start_server(REDIS_URL=shared_redis_url, PARLEY_REVOCATION_CHECK_SECONDS=str(CHECK_SECONDS)) for _ in range(2)
    ]
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.e2e
async def test_after_sign_out_the_access_token_and_its_sockets_stop_on_every_process(two_servers):
    first, second = two_servers
    room = await sync_to_async(RoomFactory)()
    signed_out = await sync_to_async(tokens_issue)(user=room.vendor)
    other_session = await sync_to_async(tokens_issue)(user=room.vendor)
    async with (
        subscribed(second.ws, signed_out.access, str(room.pk)) as socket,
        subscribed(second.ws, other_session.access, str(room.pk)) as other_socket,
    ):
        assert await asyncio.to_thread(_me, second, signed_out.access) == "OK"
        revoked = await asyncio.to_thread(_post, first, REVOKE, {"t": signed_out.refresh})
        assert revoked["data"]["revokeToken"] is True
        took = await _until_refused(second, signed_out.access, within=10 * CHECK_SECONDS)
        assert await socket.closed_with(timeout=10 * CHECK_SECONDS) == FORBIDDEN
        # The same user's other session is another family: it goes on.
        assert await asyncio.to_thread(_me, second, other_session.access) == "OK"
        await other_socket.send({"type": "ping"})
        assert (await other_socket.receive())["type"] == "pong"
    assert took < 5 * CHECK_SECONDS, took


@pytest.mark.e2e
async def test_a_replayed_refresh_token_stops_every_session_of_the_user_and_its_sockets(two_servers):
    first, second = two_servers
    room = await sync_to_async(RoomFactory)()
    stolen = await sync_to_async(tokens_issue)(user=room.vendor)
    other_session = await sync_to_async(tokens_issue)(user=room.vendor)
    rotated = (await asyncio.to_thread(_post, first, REFRESH, {"t": stolen.refresh}))["data"]["refreshToken"]
    async with subscribed(second.ws, other_session.access, str(room.pk)) as socket:
        replay = await asyncio.to_thread(_post, first, REFRESH, {"t": stolen.refresh})
        assert replay["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        for token in (stolen.access, rotated["token"], other_session.access):
            await _until_refused(second, token, within=10 * CHECK_SECONDS)
        assert await socket.closed_with(timeout=10 * CHECK_SECONDS) == FORBIDDEN
    # Signing in again afterwards works: only what was issued before the replay is refused.
    fresh = await sync_to_async(tokens_issue)(user=room.vendor)
    assert await asyncio.to_thread(_me, second, fresh.access) == "OK"


@pytest.mark.django_db(transaction=True)
def test_in_one_process_a_sign_out_bites_at_once(client):
    room = RoomFactory()
    tokens = tokens_issue(user=room.vendor)
    assert gql(client, ME, token=tokens.access).data
    assert gql(client, REVOKE, {"t": tokens.refresh}).data["revokeToken"] is True
    assert gql(client, ME, token=tokens.access).code == "UNAUTHENTICATED"


@pytest.mark.django_db
def test_checking_for_revocation_adds_no_query_to_a_request(client, django_assert_num_queries):
    room = RoomFactory()
    tokens = tokens_issue(user=room.vendor)
    with django_assert_num_queries(1):  # the token's user, the first time this process sees it
        assert gql(client, ME, token=tokens.access).data
    with django_assert_num_queries(0):  # then from memory (chat.services.auth.AccessTokens)
        assert gql(client, ME, token=tokens.access).data


def test_the_check_interval_is_within_a_minute():
    from project.settings import PARLEY

    assert PARLEY["REVOCATION_CHECK_SECONDS"] == 15
