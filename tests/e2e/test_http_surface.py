"""What every HTTP response carries, the web client's routes, and the production switches."""

import httpx
import pytest

from tests.processes import start_server

pytestmark = pytest.mark.e2e

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/"), ("GET", "/dm/12"), ("POST", "/graphql/"), ("GET", "/graphql/"), ("GET", "/attachments/bad")],
)
def test_security_headers_are_on_every_response(server, method, path):
    response = httpx.request(method, f"http://127.0.0.1:{server.port}{path}", json={"query": "{ me { id } }"})
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "default-src" in response.headers["content-security-policy"]


def test_cross_origin_calls_get_no_cors_permission_by_default(server):
    response = httpx.options(
        server.http, headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_a_configured_origin_gets_cors_permission(transactional_db):
    allowed = start_server(CORS_ALLOWED_ORIGINS="https://app.example")
    try:
        response = httpx.options(
            allowed.http, headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
        )
        assert response.headers["access-control-allow-origin"] == "https://app.example"
    finally:
        allowed.stop()


def test_graphiql_and_introspection_can_be_turned_off_for_production(transactional_db):
    locked = start_server(PARLEY_GRAPHIQL="0", PARLEY_INTROSPECTION="0")
    try:
        page = httpx.get(locked.http, headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
        schema = httpx.post(locked.http, json={"query": "{ __schema { types { name } } }"}).json()
        assert schema["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    finally:
        locked.stop()


def test_graphiql_and_introspection_are_on_by_default(server):
    schema = httpx.post(server.http, json={"query": "{ __schema { queryType { name } } }"}).json()
    assert schema["data"]["__schema"]["queryType"]["name"] == "Query"


def test_the_csp_connect_src_names_only_the_apps_own_origins(server):
    policy = httpx.get(f"http://127.0.0.1:{server.port}/graphql/", headers={"Accept": "text/html"}).headers[
        "content-security-policy"
    ]
    connect = next(d for d in policy.split(";") if d.strip().startswith("connect-src")).split()[1:]
    assert connect == ["'self'", f"ws://127.0.0.1:{server.port}"], policy


def test_with_introspection_off_errors_suggest_no_names(transactional_db, pair):
    import asyncio

    from tests.wsclient import GraphQLSocket

    locked = start_server(PARLEY_INTROSPECTION="0")
    try:
        typo = "{ me { usernme } rooms(frist: 1) { edges { cursor } } }"
        answer = httpx.post(locked.http, json={"query": typo}, headers={"Authorization": f"Bearer {pair.vendor_token}"})
        messages = [e["message"] for e in answer.json()["errors"]]
        assert messages and not [m for m in messages if "Did you mean" in m or "username" in m], messages

        async def over_the_socket():
            async with GraphQLSocket.connect(locked.ws) as socket:
                await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
                await socket.subscribe("subscription { messageAdded(roomId: 1) { __typenam } }")
                return await socket.receive()

        refusal = asyncio.run(over_the_socket())
        assert refusal["type"] == "error" and "Did you mean" not in str(refusal["payload"]), refusal
    finally:
        locked.stop()


def test_with_introspection_on_errors_still_suggest_names(server, pair):
    answer = httpx.post(server.http, json={"query": "{ me { usernme } }"}).json()
    assert "Did you mean" in answer["errors"][0]["message"]
