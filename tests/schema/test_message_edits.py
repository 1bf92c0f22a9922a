"""editMessage and deleteMessage over HTTP: the contract's codes, nothing written on a refusal,
history showing the current text, and a deleted message's files no longer served."""

import pytest

from chat.links import attachment_url
from chat.models import Message
from tests.factories import AttachmentFactory, MessageFactory, RoomFactory, UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

EDIT = "mutation($m: ID!, $t: String!) { editMessage(messageId: $m, text: $t) { id text editedAt deletedAt } }"
DELETE = "mutation($m: ID!) { deleteMessage(messageId: $m) { id text editedAt deletedAt attachments { id } } }"
HISTORY = "query($r: ID!) { messages(roomId: $r) { edges { node { id text editedAt deletedAt attachments { id } } } } }"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _row(message):
    return Message.objects.filter(pk=message.pk).values().get()


def test_history_shows_the_edited_text_and_when_it_was_edited(client):
    message = MessageFactory(text="meet at 9")
    room = message.room
    edited = gql(client, EDIT, {"m": message.pk, "t": "meet at 10"}, user=room.organizer).data["editMessage"]
    node = gql(client, HISTORY, {"r": room.pk}, user=room.vendor).data["messages"]["edges"][0]["node"]
    assert node == {**edited, "attachments": []}
    assert node["text"] == "meet at 10" and node["editedAt"] is not None


@pytest.mark.parametrize("operation", [EDIT, DELETE], ids=["edit", "delete"])
def test_the_other_participants_message_is_forbidden_with_nothing_written(client, operation):
    message = MessageFactory()
    before = _row(message)
    result = gql(client, operation, {"m": message.pk, "t": "mine now"}, user=message.room.vendor)
    assert result.code == "FORBIDDEN" and result.data is None
    assert _row(message) == before


@pytest.mark.parametrize("operation", [EDIT, DELETE], ids=["edit", "delete"])
def test_a_message_outside_the_callers_rooms_is_not_found_with_nothing_written(client, operation):
    message = MessageFactory()
    before = _row(message)
    result = gql(client, operation, {"m": message.pk, "t": "hello"}, user=UserFactory())
    assert result.code == "NOT_FOUND"
    assert _row(message) == before


def test_editing_a_deleted_message_is_bad_input(client):
    message = MessageFactory()
    gql(client, DELETE, {"m": message.pk}, user=message.sender)
    assert gql(client, EDIT, {"m": message.pk, "t": "again"}, user=message.sender).code == "BAD_USER_INPUT"


def test_a_deleted_message_shows_no_text_and_no_attachments_and_its_file_link_stops_working(client):
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.vendor, text="the contract")
    attachment = AttachmentFactory(room=room, uploaded_by=room.vendor, message=message)
    link = attachment_url(attachment)
    assert client.get(link).status_code == 200
    deleted = gql(client, DELETE, {"m": message.pk}, user=room.vendor).data["deleteMessage"]
    assert (deleted["text"], deleted["attachments"]) == ("", [])
    node = gql(client, HISTORY, {"r": room.pk}, user=room.organizer).data["messages"]["edges"][0]["node"]
    assert node == deleted
    assert client.get(link).status_code == 404
