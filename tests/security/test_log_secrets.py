"""No access or refresh token ever reaches a log line, whichever way a client sends it and
whichever logger writes: checked against the log output of a real server."""

import logging
import sys

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async

from chat.services.auth import tokens_issue
from project.logging import JsonFormatter
from tests.factories import UserFactory
from tests.processes import start_server
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken } }"
REVOKE = "mutation($t: String!) { revokeToken(refreshToken: $t) }"


@pytest.fixture(params=["default", "access-log"])
def logging_server(request, transactional_db):
    args = ("--access-log",) if request.param == "access-log" else ()
    server = start_server(args=args, LOG_LEVEL="DEBUG")
    yield server
    server.stop()


async def _use_tokens_every_way(server, access: str, refresh: str) -> list[str]:
    """Every way a token reaches the server; returns the tokens the server issued meanwhile."""
    issued = []
    async with GraphQLSocket.connect(f"{server.ws}?token={access}") as socket:
        assert (await socket.init())["type"] == "connection_ack"
    async with GraphQLSocket.connect(server.ws, additional_headers={"Authorization": f"Bearer {access}"}) as socket:
        assert (await socket.init())["type"] == "connection_ack"
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {access}"}))["type"] == "connection_ack"
    # A refused token is a secret too (it may be someone's, mistyped or expired).
    async with GraphQLSocket.connect(f"{server.ws}?token={access}x") as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        await socket.closed_with()
    with pytest.raises(websockets.InvalidStatus):
        async with GraphQLSocket.connect(f"{server.ws}?token={access}", origin="https://evil.example"):
            pass
    async with httpx.AsyncClient(timeout=10) as http:
        headers = {"Authorization": f"Bearer {access}"}
        await http.post(server.http, json={"query": "{ me { id } }"}, headers=headers)
        await http.get(f"{server.http}?token={access}&query=%7Bme%7Bid%7D%7D", headers=headers)
        rotated = (await http.post(server.http, json={"query": REFRESH, "variables": {"t": refresh}})).json()
        issued += list(rotated["data"]["refreshToken"].values())
        replayed = await http.post(server.http, json={"query": REFRESH, "variables": {"t": refresh}})
        assert replayed.json()["errors"]
        await http.post(server.http, json={"query": REVOKE, "variables": {"t": issued[1]}})
    return issued


async def test_no_token_reaches_the_log(logging_server):
    user = await _make_user()
    tokens = await _issue(user)
    issued = await _use_tokens_every_way(logging_server, tokens.access, tokens.refresh)
    log = logging_server.log()
    # The lines were written (uvicorn logs each socket's path), only without the token.
    assert "WebSocket /graphql/?token=[redacted]" in log
    for secret in (tokens.access, tokens.refresh, *issued):
        assert secret not in log, f"a token is in the log:\n{_lines_with(log, secret)}"
        # Nor a recognisable part of one (a JWT's signature, the tail of a refresh token).
        assert secret[-24:] not in log, f"part of a token is in the log:\n{_lines_with(log, secret[-24:])}"


def _lines_with(log: str, secret: str) -> str:
    return "\n".join(line for line in log.splitlines() if secret in line)[:2000]


async def _make_user():
    return await sync_to_async(UserFactory)()


async def _issue(user):
    return await sync_to_async(tokens_issue)(user=user)


def test_the_formatter_redacts_secrets_in_messages_extras_and_tracebacks():
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6ImEifQ.c2lnbmF0dXJl"
    refresh = "0123456789abcdef0123456789abcdef01234567"
    try:
        raise ValueError(f"bad token {jwt_like}")
    except ValueError:
        record = logging.makeLogRecord(
            {
                "msg": "GET /x?token=%s&refresh_token=%s Authorization: Bearer abc.def",
                "args": (jwt_like, refresh),
                "refresh_token": refresh,
                "password": "hunter2",
                "exc_info": sys.exc_info(),
            }
        )
    line = JsonFormatter().format(record)
    for secret in (jwt_like, refresh, "hunter2", "abc.def", "c2lnbmF0dXJl"):
        assert secret not in line, line
