"""Access and refresh tokens under attack: the cases tests/schema/test_auth.py leaves out
(algorithm confusion, missing or malformed claims, tokens of the wrong kind), the same
checks at the socket's door, and refresh-token reuse against a real server."""

import asyncio
import base64
import hashlib
import hmac
import json
import os
import time

import httpx
import jwt
import pytest
import websockets
from asgiref.sync import sync_to_async
from django.conf import settings
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.shortcuts import create_refresh_token

from tests.factories import UserFactory
from tests.graphql import access_token, gql
from tests.wsclient import GraphQLSocket

ME = "{ me { username } }"
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken user { username } } }"
SOCKET_FORBIDDEN = 4403


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(user, **extra) -> dict:
    now = int(time.time())
    return {"username": user.username, "exp": now + 60, "origIat": now, **extra}


def hand_signed(header: dict, payload: dict, key: str | bytes | None = None) -> str:
    """A token built by hand: whatever header, an HMAC-SHA256 signature with `key` (the
    server's own secret by default). How an attacker confuses a verifier about algorithms."""
    key = settings.SECRET_KEY if key is None else key
    key = key.encode() if isinstance(key, str) else key
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def unsigned(header: dict, payload: dict) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}."


# Each makes, for a real active user, a token that must not authenticate.
BAD_TOKENS = {
    "hs512-with-the-real-key": lambda u: jwt.encode(_claims(u), settings.SECRET_KEY, algorithm="HS512"),
    "hs384-with-the-real-key": lambda u: jwt.encode(_claims(u), settings.SECRET_KEY, algorithm="HS384"),
    "rs256-header-hmac-signed-with-the-secret": lambda u: hand_signed({"alg": "RS256", "typ": "JWT"}, _claims(u)),
    "rs256-with-a-256-byte-signature": lambda u: (
        unsigned({"alg": "RS256", "typ": "JWT"}, _claims(u)) + _b64(os.urandom(256))
    ),
    "alg-None-capitalised": lambda u: unsigned({"alg": "None", "typ": "JWT"}, _claims(u)),
    "no-exp-claim": lambda u: jwt.encode({"username": u.username, "origIat": int(time.time())}, settings.SECRET_KEY),
    "exp-not-a-number": lambda u: jwt.encode(_claims(u, exp="never"), settings.SECRET_KEY),
    "no-username-claim": lambda u: jwt.encode({"exp": int(time.time()) + 60}, settings.SECRET_KEY),
    "username-an-object": lambda u: jwt.encode(_claims(u, username={"$ne": ""}), settings.SECRET_KEY),
    "username-a-list": lambda u: jwt.encode(_claims(u, username=[u.username]), settings.SECRET_KEY),
    "empty-signature": lambda u: jwt.encode(_claims(u), settings.SECRET_KEY).rsplit(".", 1)[0] + ".",
    "a-refresh-token": lambda u: create_refresh_token(u).get_token(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_forged_or_malformed_access_token_is_unauthenticated_over_http(client, make_token):
    user = UserFactory()
    result = gql(client, ME, token=make_token(user))
    assert result.status == 200, result.body
    assert result.code == "UNAUTHENTICATED", result.body
    assert result.data is None


@pytest.mark.django_db
def test_the_token_of_a_deactivated_user_is_unauthenticated(client):
    user = UserFactory()
    token = access_token(user)
    assert gql(client, ME, token=token).data == {"me": {"username": user.username}}
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert gql(client, ME, token=token).code == "UNAUTHENTICATED"


@pytest.mark.django_db
def test_an_access_token_is_not_a_refresh_token(client):
    user = UserFactory()
    result = gql(client, REFRESH, {"t": access_token(user)})
    assert result.code == "UNAUTHENTICATED"
    assert RefreshToken.objects.count() == 0


@pytest.mark.e2e
@pytest.mark.parametrize(
    "name", ["hs512-with-the-real-key", "rs256-header-hmac-signed-with-the-secret", "no-exp-claim", "a-refresh-token"]
)
async def test_a_forged_token_in_connection_init_closes_the_socket_with_4403(server, transactional_db, name):
    token = await sync_to_async(lambda: BAD_TOKENS[name](UserFactory()))()
    received = []
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        try:
            while True:
                received.append(await socket.receive())
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
    assert (code, received) == (SOCKET_FORBIDDEN, [])


# --- refresh tokens against a real server ----------------------------------------------------


async def _refresh(client: httpx.AsyncClient, server, token: str) -> dict:
    response = await client.post(server.http, json={"query": REFRESH, "variables": {"t": token}})
    assert response.status_code == 200, response.text
    return response.json()


def _code(body: dict) -> str | None:
    return (body.get("errors") or [{}])[0].get("extensions", {}).get("code")


@pytest.fixture
def refresh_token(transactional_db) -> str:
    return create_refresh_token(UserFactory()).get_token()


@pytest.mark.e2e
async def test_a_stolen_refresh_token_replayed_after_rotation_ends_both_sessions(server, refresh_token):
    async with httpx.AsyncClient(timeout=10) as client:
        owner = await _refresh(client, server, refresh_token)
        assert "errors" not in owner, owner
        rotated = owner["data"]["refreshToken"]
        thief = await _refresh(client, server, refresh_token)
        assert _code(thief) == "UNAUTHENTICATED", thief
        after = await _refresh(client, server, rotated["refreshToken"])
        assert _code(after) == "UNAUTHENTICATED", after
        # The access token issued before the replay stops too (at once: this process revoked it).
        me = await client.post(server.http, json={"query": ME}, headers={"Authorization": f"Bearer {rotated['token']}"})
        assert _code(me.json()) == "UNAUTHENTICATED"


@pytest.mark.e2e
async def test_two_concurrent_refreshes_of_one_token_never_both_succeed(server, refresh_token):
    async with httpx.AsyncClient(timeout=10) as client:
        results = await asyncio.gather(*(_refresh(client, server, refresh_token) for _ in range(4)))
    succeeded = [r for r in results if "errors" not in r]
    refused = [r for r in results if _code(r) == "UNAUTHENTICATED"]
    assert len(succeeded) == 1 and len(refused) == 3, results


@pytest.mark.django_db
def test_a_deactivation_by_another_process_is_seen_within_the_check_interval(client, settings):
    settings.PARLEY = {**settings.PARLEY, "REVOCATION_CHECK_SECONDS": 0.05}
    user = UserFactory()
    token = access_token(user)
    assert gql(client, ME, token=token).data == {"me": {"username": user.username}}
    # As another process writes it: no save() here, so this process's copy is not forgotten.
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    deadline = time.monotonic() + 10
    while gql(client, ME, token=token).codes != ["UNAUTHENTICATED"]:
        assert time.monotonic() < deadline, "the deactivated user's token still works"


@pytest.mark.django_db
def test_a_profile_change_is_shown_by_the_next_request_of_the_same_token(client):
    user = UserFactory(email="old@example.com")
    token = access_token(user)
    me = "{ me { email } }"
    assert gql(client, me, token=token).data == {"me": {"email": "old@example.com"}}
    change = 'mutation { updateProfile(email: "new@example.com") { email } }'
    assert gql(client, change, token=token).data == {"updateProfile": {"email": "new@example.com"}}
    assert gql(client, me, token=token).data == {"me": {"email": "new@example.com"}}
