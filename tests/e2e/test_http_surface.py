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
