"""What the schema fuzzer found, pinned as plain examples so that each stays fixed whatever
the fuzzer happens to generate next time. Each is an operation a client may legally send
that was answered with INTERNAL_SERVER_ERROR."""

import json

import pytest

from chat.services.bids import bid_create
from tests.factories import RoomFactory
from tests.graphql import Result, access_token, gql

pytestmark = pytest.mark.django_db

# The room's lastMessage, reached through every path that loads a ChatRoom on its own.
PATHS = {
    "room": "query($r: ID!) { room(id: $r) { lastMessage { %s } } }",
    "messages": "query($r: ID!) { messages(roomId: $r) { edges { node { room { lastMessage { %s } } } } } }",
    "sendMessage": 'mutation($r: ID!) { sendMessage(roomId: $r, text: "hi") { room { lastMessage { %s } } } }',
    "rooms": "{ rooms { edges { node { lastMessage { %s } } } } }",
}
FIELDS = ["senderUsername", "sender { username }", "bidDetails { amount }", "attachments { id }", "room { id }"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("path", PATHS)
def test_every_field_of_a_rooms_last_message_resolves_whatever_the_path(client, path, field):
    room = RoomFactory()
    bid_create(room=room, vendor=room.vendor, amount="1250")
    result = gql(client, PATHS[path] % field, {"r": room.pk}, user=room.organizer)
    assert "errors" not in result.body, result.body


@pytest.mark.parametrize(
    "file_literal, variables",
    [('""', None), ("12", None), ("$f", {"f": "not a file"}), ("$f", {"f": {"name": "x.png"}})],
    ids=["empty-string-literal", "int-literal", "string-variable", "object-variable"],
)
def test_an_upload_that_is_not_a_file_is_bad_input(client, file_literal, variables):
    room = RoomFactory()
    declared = "($r: ID!, $f: Upload!)" if variables else "($r: ID!)"
    query = f"mutation{declared} {{ uploadAttachment(roomId: $r, file: {file_literal}) {{ id }} }}"
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": {"r": room.pk, **(variables or {})}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {access_token(room.vendor)}",
    )
    result = Result(response.status_code, response.json())
    assert result.status == 200 and result.code == "BAD_USER_INPUT", result.body


# A NUL character in a string argument. PostgreSQL refuses NUL in text ("A string literal
# cannot contain NUL (0x00) characters"), SQLite stores it: either way the answer must be a
# clean one (stored, or BAD_USER_INPUT), never an internal error.
NUL_CASES = {
    "tokenAuth-username": ('mutation($s: String!) { tokenAuth(username: $s, password: "x") { token } }', None),
    "register-username": (
        'mutation($s: String!) { register(username: $s, password: "correct-horse-battery-9", role: VENDOR) { token } }',
        None,
    ),
    "refreshToken": ("mutation($s: String!) { refreshToken(refreshToken: $s) { token } }", None),
    "revokeToken": ("mutation($s: String!) { revokeToken(refreshToken: $s) }", None),
    "ensureRoom-username": ("mutation($s: String!) { ensureRoom(username: $s) { id } }", "organizer"),
    "sendMessage-text": ("mutation($r: ID!, $s: String!) { sendMessage(roomId: $r, text: $s) { id } }", "organizer"),
    "sendMessage-clientId": (
        'mutation($r: ID!, $s: String!) { sendMessage(roomId: $r, text: "hi", clientId: $s) { id } }',
        "organizer",
    ),
    "createBid-note": (
        'mutation($r: ID!, $s: String!) { createBid(roomId: $r, amount: "5", note: $s) { id } }',
        "vendor",
    ),
    "createBid-currency": (
        'mutation($r: ID!, $s: String!) { createBid(roomId: $r, amount: "5", currency: $s) { id } }',
        "vendor",
    ),
    "messages-after": (
        "query($r: ID!, $s: String!) { messages(roomId: $r, after: $s) { edges { cursor } } }",
        "vendor",
    ),
}


@pytest.mark.parametrize("case", NUL_CASES)
def test_a_nul_character_in_a_string_argument_is_never_an_internal_error(client, case):
    room = RoomFactory()
    query, caller = NUL_CASES[case]
    user = getattr(room, caller) if caller else None
    result = gql(client, query, {"r": room.pk, "s": "a\x00b"}, user=user)
    assert result.status == 200, result.body
    assert "INTERNAL_SERVER_ERROR" not in result.codes, result.body
