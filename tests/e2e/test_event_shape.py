"""A live event shows a message exactly as a history read does.

A subscriber builds its event from the payload the sender's process broadcast
(`chat/payloads.py`), not from the row. A field added to `Message` (or to anything a message
shows) that the payload forgets would come out wrong only in live events. These tests ask for
every field the schema has, derived from the schema itself, so a new field is compared the day
it is added, and check the event's answer against the same selection read from history.
"""

import re

import httpx
import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type, is_leaf_type

from schema import schema
from tests.e2e.conftest import api, joined
from tests.files import multipart_fields, png_bytes

pytestmark = pytest.mark.e2e


def selection(type_name: str, depth: int) -> str:
    """Every field of the type that takes no required argument, objects down to `depth`."""
    object_type = schema._schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    fields = []
    for name, field in sorted(object_type.fields.items()):
        if any(isinstance(arg.type, GraphQLNonNull) and arg.default_value is None for arg in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            fields.append(name)
        elif isinstance(named, GraphQLObjectType) and depth > 0:
            fields.append(f"{name} {{ {selection(named.name, depth - 1)} }}")
    return " ".join(fields)


MESSAGE = selection("Message", 3)
EVENTS = f"""subscription($r: ID!, $after: String) {{
  messageAdded(roomId: $r, after: $after) {{
    __typename
    ... on MessageEvent {{ message {{ {MESSAGE} }} }}
    ... on BidEvent {{ message {{ {MESSAGE} }} }}
    ... on MessageUpdatedEvent {{ message {{ {MESSAGE} }} }}
  }}
}}"""
HISTORY = f"query($r: ID!) {{ messages(roomId: $r, last: 100) {{ edges {{ node {{ {MESSAGE} }} }} }} }}"


def test_the_selection_reaches_every_field_a_message_shows():
    """The generator really walks the schema (a broken one would compare two empty answers)."""
    for field in ("deletedAt", "editedAt", "senderUsername", "bidDetails {", "attachments {", "room {", "online"):
        assert field in MESSAGE, field


def differences(live, read, path: str = "message") -> list[str]:
    """The paths where the two answers differ, with both values."""
    if isinstance(live, dict) and isinstance(read, dict):
        keys = sorted(live.keys() | read.keys())
        return [d for key in keys for d in differences(live.get(key), read.get(key), f"{path}.{key}")]
    if isinstance(live, list) and isinstance(read, list) and len(live) == len(read):
        return [d for i, (a, b) in enumerate(zip(live, read, strict=True)) for d in differences(a, b, f"{path}[{i}]")]
    if path.endswith(".file") and isinstance(live, str) and isinstance(read, str):
        # A download link is signed when it is shown, so two reads differ in the signature.
        live, read = (re.sub(r"^(/attachments/\d+):.*$", r"\1", link) for link in (live, read))
    return [] if live == read else [f"{path}: live {live!r}, history {read!r}"]


async def next_message(socket, message_id: str) -> dict:
    """The next event about `message_id` (presence and typing events pass by)."""
    while True:
        event = await socket.next_event()
        if "message" in event and event["message"]["id"] == message_id:
            return event["message"]


async def history_node(server, token: str, room_id: str, message_id: str) -> dict:
    history = await api(server, HISTORY, {"r": room_id}, token=token)
    assert "errors" not in history, history
    return next(edge["node"] for edge in history["data"]["messages"]["edges"] if edge["node"]["id"] == message_id)


async def mutate(server, token: str, query: str, variables: dict) -> dict:
    result = await api(server, query, variables, token=token)
    assert "errors" not in result, result
    return next(iter(result["data"].values()))


def upload(server, pair) -> str:
    with httpx.Client(timeout=10) as client:
        response = client.post(
            server.http,
            data=multipart_fields(pair.room_id),
            files={"0": ("venue.png", png_bytes(), "image/png")},
            headers={"Authorization": f"Bearer {pair.vendor_token}"},
        )
    return response.json()["data"]["uploadAttachment"]["id"]


@pytest.mark.parametrize("viewer", ["organizer", "vendor"], ids=["the other participant", "the sender"])
async def test_a_text_message_with_an_attachment_is_the_same_live_and_in_history(server, pair, viewer):
    token = getattr(pair, f"{viewer}_token")
    attachment = upload(server, pair)
    async with joined(server, token, pair.room_id, query=EVENTS) as socket:
        sent = await mutate(
            server,
            pair.vendor_token,
            'mutation($r: ID!, $a: [ID!]) { sendMessage(roomId: $r, text: "the venue", attachmentIds: $a) { id } }',
            {"r": pair.room_id, "a": [attachment]},
        )
        live = await next_message(socket, sent["id"])
        assert live["attachments"], live
        assert not differences(live, await history_node(server, token, pair.room_id, sent["id"]))


async def test_a_bid_and_its_update_are_the_same_live_and_in_history(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id, query=EVENTS) as socket:
        made = await mutate(
            server,
            pair.vendor_token,
            'mutation($r: ID!) { createBid(roomId: $r, amount: "1250.00", currency: "EUR", note: "two days") '
            "{ id bidDetails { id } } }",
            {"r": pair.room_id},
        )
        live = await next_message(socket, made["id"])
        assert live["bidDetails"]["note"] == "two days"
        assert not differences(live, await history_node(server, pair.organizer_token, pair.room_id, made["id"]))

        await mutate(
            server,
            pair.vendor_token,
            'mutation($b: ID!) { updateBid(bidId: $b, amount: "1100") { id } }',
            {"b": made["bidDetails"]["id"]},
        )
        changed = await next_message(socket, made["id"])
        assert changed["bidDetails"]["amount"] != live["bidDetails"]["amount"]
        assert not differences(changed, await history_node(server, pair.organizer_token, pair.room_id, made["id"]))


async def test_an_edit_and_a_delete_are_the_same_live_and_in_history(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id, query=EVENTS) as socket:
        sent = await mutate(
            server,
            pair.vendor_token,
            'mutation($r: ID!) { sendMessage(roomId: $r, text: "first draft") { id } }',
            {"r": pair.room_id},
        )
        await next_message(socket, sent["id"])
        for query in (
            'mutation($m: ID!) { editMessage(messageId: $m, text: "second draft") { id } }',
            "mutation($m: ID!) { deleteMessage(messageId: $m) { id } }",
        ):
            await mutate(server, pair.vendor_token, query, {"m": sent["id"]})
            live = await next_message(socket, sent["id"])
            assert not differences(live, await history_node(server, pair.organizer_token, pair.room_id, sent["id"]))
