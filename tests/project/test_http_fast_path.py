"""A JSON POST to /graphql/ is answered by schema.http without Django's handler, exactly as
Django's view would answer it: the same status, body and headers; everything else still
reaches Django."""

import json

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application
from django.core.signals import request_started
from django.db import OperationalError

from schema import http as fast
from tests.factories import RoomFactory
from tests.graphql import access_token

pytestmark = pytest.mark.django_db(transaction=True)

# Headers that differ between any two responses, or that only a real server adds.
UNSTABLE = {"date", "server", "content-length"}

ME = "{ me { id username } }"
SEND = 'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { id text sender { username } } }'


@pytest.fixture
def django_requests():
    """How many requests Django's own handler started."""
    started = []

    def count(**kwargs):
        started.append(kwargs)

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


def _app():
    # Made after the test's settings, as the server makes it at startup.
    return fast.FastGraphQLRoute(get_asgi_application())


async def _ask(
    app, *, body: bytes, headers: dict[str, str], scheme: str = "http", method: str = "POST", path="/graphql/"
):
    base = f"{scheme}://testserver"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as client:
        response = await client.request(method, path, content=body, headers=headers)
    # Compared as JSON: the two encoders space their output differently.
    content = response.json() if response.headers.get("content-type") == "application/json" else response.content
    return response.status_code, {k: v for k, v in response.headers.items() if k not in UNSTABLE}, content


async def _both(body: bytes, headers: dict[str, str], *, scheme="http"):
    """The fast path's answer and Django's view's answer to the same request."""
    fast_answer = await _ask(_app(), body=body, headers=headers, scheme=scheme)
    # Django's handler, with the fast path out of the way.
    django_answer = await _ask(get_asgi_application(), body=body, headers=headers, scheme=scheme)
    return fast_answer, django_answer


def _json(query: str, variables=None) -> bytes:
    return json.dumps({"query": query, "variables": variables or {}}).encode()


CASES = {
    "a query": (_json("{ __typename }"), {"content-type": "application/json"}),
    "malformed JSON": (b"{not json", {"content-type": "application/json"}),
    "another content type": (b"query=1", {"content-type": "text/plain"}),
    "a query that is not a string": (b'{"query": 1}', {"content-type": "application/json"}),
    "an invalid token": (_json(ME), {"content-type": "application/json", "authorization": "Bearer nope"}),
    "another scheme than Bearer": (_json(ME), {"content-type": "application/json", "authorization": "Basic eDp5"}),
    "a syntax error": (_json("{ me { "), {"content-type": "application/json"}),
    "a subscription over HTTP": (
        _json("subscription { roomActivity { room { id } } }"),
        {"content-type": "application/json"},
    ),
    "a batch": (b"[]", {"content-type": "application/json"}),
    "a foreign origin": (
        _json("{ __typename }"),
        {"content-type": "application/json", "origin": "https://evil.example"},
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_the_fast_path_answers_as_djangos_view_does(case, django_requests):
    body, headers = CASES[case]
    (fast_answer, django_answer) = await _both(body, headers)
    assert fast_answer == django_answer
    assert len(django_requests) == 1, "the fast path went through Django's handler"


async def test_an_allowed_origin_gets_the_same_cors_headers(settings, django_requests):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    body, headers = _json("{ __typename }"), {"content-type": "application/json", "origin": "https://app.example"}
    fast_answer, django_answer = await _both(body, headers)
    assert fast_answer[1]["access-control-allow-origin"] == "https://app.example"
    assert fast_answer == django_answer


async def test_over_https_the_same_strict_transport_security(settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    fast_answer, django_answer = await _both(
        _json("{ __typename }"), {"content-type": "application/json"}, scheme="https"
    )
    assert "strict-transport-security" in fast_answer[1]
    assert "wss://testserver" in fast_answer[1]["content-security-policy"]
    assert fast_answer == django_answer


async def test_a_signed_in_write_is_answered_alike_and_written_once_each(django_requests):
    room = await sync_to_async(RoomFactory)()
    headers = {"content-type": "application/json", "authorization": f"Bearer {access_token(room.vendor)}"}
    fast_status, fast_headers, fast_body = await _ask(_app(), body=_json(SEND, {"r": room.pk}), headers=headers)
    django_status, django_headers, django_body = await _ask(
        get_asgi_application(), body=_json(SEND, {"r": room.pk}), headers=headers
    )
    assert (fast_status, fast_headers) == (django_status, django_headers)
    fast_message, django_message = (body["data"]["sendMessage"] for body in (fast_body, django_body))
    assert fast_message["sender"] == django_message["sender"] == {"username": room.vendor.username}
    assert int(django_message["id"]) == int(fast_message["id"]) + 1
    assert len(django_requests) == 1


@pytest.mark.parametrize(
    "what",
    [
        "GET for GraphiQL",
        "a multipart upload",
        "a Host outside ALLOWED_HOSTS",
        "another path",
        "http under PARLEY_HTTPS",
    ],
)
async def test_what_the_fast_path_does_not_take_goes_to_django(what, settings, django_requests):
    method, path, headers, body = "POST", "/graphql/", {"content-type": "application/json"}, _json("{ __typename }")
    if what == "GET for GraphiQL":
        method, body, headers = "GET", b"", {"accept": "text/html"}
    elif what == "a multipart upload":
        headers = {"content-type": "multipart/form-data; boundary=x"}
        body = b"--x--\r\n"
    elif what == "a Host outside ALLOWED_HOSTS":
        headers["host"] = "evil.example"
    elif what == "another path":
        path = "/graphql"
    else:
        settings.SECURE_SSL_REDIRECT = True
    fast_answer = await _ask(_app(), body=body, headers=headers, method=method, path=path)
    assert len(django_requests) == 1
    django_answer = await _ask(get_asgi_application(), body=body, headers=headers, method=method, path=path)
    assert fast_answer == django_answer


async def test_a_database_error_closes_the_broken_connection_for_the_next_request(monkeypatch, django_requests):
    """A restarted PostgreSQL kills the database thread's open connection; the fault is injected
    here, since SQLite has no server to restart (tests/e2e/test_faults.py restarts PostgreSQL)."""
    closed = []

    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(fast, "_close_if_broken", lambda: closed.append(True))
    from schema import queries

    room = await sync_to_async(RoomFactory)()
    monkeypatch.setattr(queries.selectors, "rooms_for_user", broken)
    headers = {"content-type": "application/json", "authorization": f"Bearer {access_token(room.vendor)}"}
    status, _, body = await _ask(_app(), body=_json("{ rooms { edges { node { id } } } }"), headers=headers)
    [error] = body["errors"]
    assert (status, error["extensions"]["code"], error["extensions"]["retryable"]) == (
        200,
        "INTERNAL_SERVER_ERROR",
        True,
    )
    assert closed == [True]
