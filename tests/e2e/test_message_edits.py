"""An edit and a delete reach the other participant live, through a real server and client."""

import pytest

from tests.e2e.conftest import SEND, api, joined

pytestmark = pytest.mark.e2e

EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id text } }
    ... on MessageUpdatedEvent { message { id text editedAt deletedAt attachments { id } } }
  }
}"""
EDIT = "mutation($m: ID!, $t: String!) { editMessage(messageId: $m, text: $t) { id text editedAt deletedAt } }"
DELETE = "mutation($m: ID!) { deleteMessage(messageId: $m) { id text editedAt deletedAt attachments { id } } }"


async def test_an_edit_and_a_delete_reach_the_other_participant_as_message_updated_events(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id, query=EVENTS) as socket:
        sent = (await api(server, SEND, {"r": pair.room_id, "t": "teh price"}, token=pair.vendor_token))["data"]
        message_id = sent["sendMessage"]["id"]
        assert (await socket.next_event())["message"]["id"] == message_id

        edit = {"m": message_id, "t": "the price"}
        edited = (await api(server, EDIT, edit, token=pair.vendor_token))["data"]["editMessage"]
        event = await socket.next_event()
        assert event == {"__typename": "MessageUpdatedEvent", "message": {**edited, "attachments": []}}

        deleted = (await api(server, DELETE, {"m": message_id}, token=pair.vendor_token))["data"]["deleteMessage"]
        event = await socket.next_event()
        assert event == {"__typename": "MessageUpdatedEvent", "message": deleted}
        assert (deleted["text"], deleted["attachments"]) == ("", [])
        assert deleted["deletedAt"] is not None
