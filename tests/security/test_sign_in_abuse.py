"""Sign-in abuse: failed attempts per username and client address, a budget per address for
tokenAuth, register and refreshToken, over HTTP and over a socket, shared across processes;
failed sign-ins logged; hashing that never stalls the other requests of a process."""

import asyncio
import json
import logging
import time

import httpx
import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.contrib.auth.hashers import make_password
from django.test import AsyncClient

from chat.models import User
from chat.services.auth import tokens_issue
from tests.factories import PASSWORD, UserFactory
from tests.graphql import gql
from tests.hashers import SlowCountingHasher
from tests.processes import start_server
from tests.wsclient import GraphQLSocket

TOKEN_AUTH = "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"
REGISTER = "mutation($u: String!, $p: String!) { register(username: $u, password: $p, role: VENDOR) { token } }"
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { token } }"


def _sign_in(client, username, password, address="10.0.0.1"):
    return gql(client, TOKEN_AUTH, {"u": username, "p": password}, address=address)


@pytest.mark.django_db
def test_ten_wrong_passwords_refuse_the_eleventh_attempt_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(10):
        assert _sign_in(client, user.username, "wrong").code == "UNAUTHENTICATED"
    refused = _sign_in(client, user.username, PASSWORD)
    assert refused.code == "RATE_LIMITED"
    assert 800 < refused.body["errors"][0]["extensions"]["retryAfter"] <= 900


@pytest.mark.django_db
def test_the_refusal_is_for_that_username_from_that_address_only(client):
    user, other = UserFactory(), UserFactory()
    for _ in range(10):
        _sign_in(client, user.username, "wrong")
    assert _sign_in(client, user.username, PASSWORD, address="10.0.0.2").data
    assert _sign_in(client, other.username, PASSWORD).data


@pytest.mark.django_db
def test_the_username_counts_regardless_of_case(client):
    user = UserFactory()
    for i in range(10):
        _sign_in(client, user.username.upper() if i % 2 else user.username, "wrong")
    assert _sign_in(client, user.username, PASSWORD).code == "RATE_LIMITED"


@pytest.mark.django_db
def test_after_the_window_the_pair_may_sign_in_again(client, settings):
    settings.PARLEY = {**settings.PARLEY, "SIGN_IN_FAILURE_WINDOW_SECONDS": 1}
    user = UserFactory()
    for _ in range(10):
        _sign_in(client, user.username, "wrong")
    refused = _sign_in(client, user.username, PASSWORD)
    assert refused.code == "RATE_LIMITED"
    time.sleep(refused.body["errors"][0]["extensions"]["retryAfter"] + 0.05)
    assert _sign_in(client, user.username, PASSWORD).data


@pytest.mark.django_db
def test_a_right_password_before_the_limit_starts_the_count_afresh(client):
    user = UserFactory()
    for _ in range(9):
        _sign_in(client, user.username, "wrong")
    assert _sign_in(client, user.username, PASSWORD).data
    for _ in range(9):
        assert _sign_in(client, user.username, "wrong").code == "UNAUTHENTICATED"
    assert _sign_in(client, user.username, PASSWORD).data


@pytest.mark.django_db
def test_sign_in_register_and_refresh_share_one_budget_per_address(client, settings):
    settings.PARLEY = {**settings.PARLEY, "AUTH_ADDRESS_PER_MINUTE": 6}
    user = UserFactory()
    refresh = tokens_issue(user=user).refresh
    assert _sign_in(client, user.username, PASSWORD).data
    assert _sign_in(client, user.username, "wrong").code == "UNAUTHENTICATED"
    assert gql(client, REGISTER, {"u": "newcomer1", "p": PASSWORD}, address="10.0.0.1").data
    assert gql(client, REGISTER, {"u": "taken", "p": "1"}, address="10.0.0.1").code == "BAD_USER_INPUT"
    assert gql(client, REFRESH, {"t": refresh}, address="10.0.0.1").data
    assert gql(client, REFRESH, {"t": "garbage"}, address="10.0.0.1").code == "UNAUTHENTICATED"
    for refused in (
        _sign_in(client, user.username, PASSWORD),
        gql(client, REGISTER, {"u": "newcomer2", "p": PASSWORD}, address="10.0.0.1"),
        gql(client, REFRESH, {"t": refresh}, address="10.0.0.1"),
    ):
        assert refused.code == "RATE_LIMITED"
        assert 0 < refused.body["errors"][0]["extensions"]["retryAfter"] <= 10
    assert not User.objects.filter(username="newcomer2").exists()
    assert _sign_in(client, user.username, PASSWORD, address="10.0.0.9").data


@pytest.mark.django_db
def test_the_address_budget_defaults_to_100_a_minute_and_0_turns_it_off(client, settings):
    from project.settings import PARLEY

    assert PARLEY["AUTH_ADDRESS_PER_MINUTE"] == 100
    settings.PARLEY = {**settings.PARLEY, "AUTH_ADDRESS_PER_MINUTE": 0}
    user = UserFactory()
    for _ in range(120):
        assert _sign_in(client, user.username, PASSWORD).data


@pytest.mark.django_db
def test_a_failed_sign_in_is_logged_with_the_username_and_the_address(client, caplog):
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="parley.auth"):
        _sign_in(client, user.username, "wrong", address="10.9.8.7")
    [record] = [r for r in caplog.records if r.getMessage() == "sign-in failed"]
    assert (record.username, record.client_address) == (user.username, "10.9.8.7")


# --- real servers ------------------------------------------------------------------------------


def _post(server, query, variables, headers=None) -> dict:
    return httpx.post(
        server.http, json={"query": query, "variables": variables}, headers=headers or {}, timeout=30
    ).json()


def _code(answer: dict) -> str:
    return answer["errors"][0]["extensions"]["code"] if "errors" in answer else "OK"


@pytest.mark.e2e
def test_a_forwarded_address_counts_only_from_a_trusted_proxy(transactional_db):
    user = UserFactory()
    proxied = start_server(PARLEY_TRUSTED_PROXIES="127.0.0.1", PARLEY_AUTH_ADDRESS_PER_MINUTE="2")
    direct = start_server(PARLEY_AUTH_ADDRESS_PER_MINUTE="2")
    try:
        wrong = {"u": user.username, "p": "wrong"}
        # Behind the proxy: each client address has its own budget.
        for address in ("1.1.1.1", "1.1.1.1", "2.2.2.2"):
            assert _code(_post(proxied, TOKEN_AUTH, wrong, {"X-Forwarded-For": address})) == "UNAUTHENTICATED"
        assert _code(_post(proxied, TOKEN_AUTH, wrong, {"X-Forwarded-For": "1.1.1.1"})) == "RATE_LIMITED"
        # Without a trusted proxy a client cannot pick a fresh address for each attempt.
        codes = [_code(_post(direct, TOKEN_AUTH, wrong, {"X-Forwarded-For": f"3.3.3.{i}"})) for i in range(3)]
        assert codes == ["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]
    finally:
        proxied.stop()
        direct.stop()


@pytest.mark.e2e
def test_failed_attempts_count_across_processes_sharing_redis(transactional_db, shared_redis_url):
    user = UserFactory()
    servers = [start_server(REDIS_URL=shared_redis_url) for _ in range(2)]
    try:
        for i in range(10):
            answer = _post(servers[i % 2], TOKEN_AUTH, {"u": user.username, "p": "wrong"})
            assert _code(answer) == "UNAUTHENTICATED"
        for server in servers:
            assert _code(_post(server, TOKEN_AUTH, {"u": user.username, "p": PASSWORD})) == "RATE_LIMITED"
    finally:
        for server in servers:
            server.stop()


@pytest.mark.e2e
async def test_sign_in_over_a_socket_has_the_same_budget(server, transactional_db):
    user = await sync_to_async(UserFactory)()
    token = (await sync_to_async(tokens_issue)(user=user)).access
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        codes = []
        for _ in range(11):
            op = await socket.subscribe(TOKEN_AUTH, {"u": user.username, "p": "wrong"})
            message = await socket.receive()
            assert message["id"] == op
            errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors")
            codes.append(errors[0]["extensions"]["code"])
            if message["type"] == "next":
                assert (await socket.receive())["type"] == "complete"
    assert codes == ["UNAUTHENTICATED"] * 10 + ["RATE_LIMITED"]


@pytest.mark.django_db(transaction=True)
async def test_at_most_the_pools_workers_hash_at_once_and_a_flood_beyond_its_queue_is_refused(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.SlowCountingHasher"]
    settings.PARLEY = {**settings.PARLEY, "PASSWORD_HASH_QUEUE": 4}
    SlowCountingHasher.reset()
    user = await sync_to_async(UserFactory)()
    http = AsyncClient()

    async def attempt(i):
        # As the ASGI handler serves each request: a thread of its own for its sync work.
        async with ThreadSensitiveContext():
            response = await http.post(
                "/graphql/",
                {"query": TOKEN_AUTH, "variables": {"u": user.username, "p": f"wrong{i}"}},
                content_type="application/json",
                REMOTE_ADDR=f"10.1.0.{i}",
            )
        return response.json()["errors"][0]["extensions"]["code"]

    codes = await asyncio.gather(*(attempt(i) for i in range(8)))
    assert SlowCountingHasher.most_at_once == settings.PARLEY.get("PASSWORD_HASH_WORKERS", 1)
    assert codes.count("RATE_LIMITED") == 4 and codes.count("UNAUTHENTICATED") == 4, codes


@pytest.mark.e2e
async def test_hashing_passwords_over_a_socket_does_not_stall_other_sockets(server, transactional_db, settings):
    # The server hashes with Django's real hasher (PBKDF2: 0.3 to 1 s a password here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = await sync_to_async(UserFactory)()
    encoded = await sync_to_async(make_password)(PASSWORD)
    await sync_to_async(User.objects.filter(pk=user.pk).update)(password=encoded)
    token = (await sync_to_async(tokens_issue)(user=user)).access
    started = time.monotonic()
    events: list[tuple[str, float]] = []
    async with GraphQLSocket.connect(server.ws) as flooding, GraphQLSocket.connect(server.ws) as other:
        assert (await flooding.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        for i in range(6):
            await flooding.subscribe(TOKEN_AUTH, {"u": user.username, "p": f"wrong{i}"})
        # The socket answers in order: once it pongs, all six sign-ins are under way.
        await flooding.send({"type": "ping"})
        while json.loads(await asyncio.wait_for(flooding.ws.recv(), 30))["type"] != "pong":
            pass

        async def results():
            while len([e for e in events if e[0] == "sign-in"]) < 6:
                if (await flooding.receive(timeout=60))["type"] in ("next", "error"):
                    events.append(("sign-in", round(time.monotonic() - started, 3)))

        async def second_socket():
            # Its token is checked where the ORM work of every socket of the process runs.
            assert (await other.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
            events.append(("other socket", round(time.monotonic() - started, 3)))

        await asyncio.gather(results(), second_socket())
    # The hashes take seconds; the other socket is let in at once, not after one of them.
    assert events[0][0] == "other socket", events
