"""Requests that misuse the transports: operations on the wrong transport or method, cross-site
requests, and graphql-transport-ws messages out of order. Each gets a clear refusal, never an
internal error and never an effect."""

import json

import httpx
import pytest

from chat.models import ChatRoom
from tests.factories import RoomFactory
from tests.graphql import Result, access_token
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

SUBSCRIPTION = "subscription($r: ID!) { messageAdded(roomId: $r) { __typename } }"
CLIENT_ERRORS = {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}


def _post(client, body, *, token=None, content_type="application/json") -> Result:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = client.post("/graphql/", data=body, content_type=content_type, **headers)
    return Result(response.status_code, response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["anonymous", "participant"])
def test_a_subscription_sent_over_http_is_a_client_error_not_an_internal_one(client, caller):
    room = RoomFactory()
    token = access_token(room.organizer) if caller == "participant" else None
    result = _post(client, json.dumps({"query": SUBSCRIPTION, "variables": {"r": room.pk}}), token=token)
    codes = set(result.codes)
    allowed = CLIENT_ERRORS | ({"UNAUTHENTICATED"} if caller == "anonymous" else set())
    assert result.status < 500 and codes and codes <= allowed, result.body


@pytest.mark.django_db
def test_a_mutation_over_get_is_refused_and_writes_nothing(client):
    room = RoomFactory()
    query = f'mutation {{ ensureRoom(username: "{room.vendor.username}") {{ id }} }}'
    # A link or an <img> could make a browser send this GET; it must not write.
    ChatRoom.objects.all().delete()
    response = client.get("/graphql/", {"query": query}, HTTP_AUTHORIZATION=f"Bearer {access_token(room.organizer)}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert ChatRoom.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type, body",
    [("application/x-www-form-urlencoded", "query=%7Bme%7Bid%7D%7D"), ("text/plain", '{"query": "{ me { id } }"}')],
    ids=["form-urlencoded", "text-plain"],
)
def test_the_bodies_a_cross_site_form_can_send_are_refused(client, content_type, body):
    room = RoomFactory()
    result = _post(client, body, token=access_token(room.organizer), content_type=content_type)
    assert result.status == 400 and result.code == "BAD_USER_INPUT", result.body


@pytest.mark.django_db
def test_batched_operations_are_refused(client):
    room = RoomFactory()
    result = _post(client, json.dumps([{"query": "{ me { id } }"}] * 3), token=access_token(room.organizer))
    assert result.status == 400 and result.code == "BAD_USER_INPUT", result.body


@pytest.mark.e2e
def test_cors_is_off_a_foreign_origin_gets_no_access_control_headers(server, pair):
    origin = {"Origin": "https://evil.example"}
    with httpx.Client(timeout=10) as http:
        preflight = http.options(
            server.http,
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        actual = http.post(
            server.http,
            json={"query": "{ me { id } }"},
            headers={**origin, "Authorization": f"Bearer {pair.vendor_token}"},
        )
    for response in (preflight, actual):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")], response.headers


# --- graphql-transport-ws out of order -------------------------------------------------------


async def _close_code(socket) -> int | None:
    return await socket.closed_with(timeout=3)


@pytest.mark.e2e
async def test_a_second_connection_init_closes_the_socket_with_4429(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        assert (await socket.init({"authorization": f"Bearer {pair.vendor_token}"}))["type"] == "connection_ack"
        await socket.send({"type": "connection_init", "payload": {"authorization": f"Bearer {pair.outsider_token}"}})
        assert await _close_code(socket) == 4429


@pytest.mark.e2e
async def test_reusing_a_live_operation_id_closes_the_socket_with_4409(server, pair):
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
        message = {
            "id": "same",
            "type": "subscribe",
            "payload": {"query": ROOM_EVENTS, "variables": {"r": pair.room_id}},
        }
        await socket.send(message)
        await socket.send(message)
        assert await _close_code(socket) == 4409


@pytest.mark.e2e
@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        json.dumps({"type": "no-such-type"}),
        json.dumps({"type": "subscribe", "id": "1"}),
        json.dumps([{"type": "ping"}]),
        json.dumps("ping"),
        json.dumps(None),
    ],
    ids=["not-json", "unknown-type", "subscribe-without-payload", "json-array", "json-string", "json-null"],
)
async def test_a_malformed_message_closes_the_socket_with_4400(server, pair, raw):
    log_start = len(server.log())
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.vendor_token}"})
        await socket.ws.send(raw)
        assert await _close_code(socket) == 4400
    assert "Traceback" not in server.log()[log_start:]
