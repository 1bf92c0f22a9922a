"""A clientId names one message: a true retry returns the first message and broadcasts nothing
new; the same clientId with another text or other attachments is refused, as payment APIs
refuse an idempotency key reused for another request."""

import pytest

from chat import realtime
from chat.errors import InvalidInput
from chat.models import Message
from chat.services.message_edits import message_edit
from chat.services.messages import message_send
from tests.factories import AttachmentFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broadcasts(monkeypatch):
    sent = []
    monkeypatch.setattr(realtime, "publish_after_commit", lambda room_id, event, **_: sent.append(event))
    return sent


def test_a_true_retry_returns_the_first_message_and_broadcasts_nothing_new(broadcasts):
    room = RoomFactory()
    first = message_send(room=room, sender=room.vendor, text="  Hello  ", client_id="c-1")
    again = message_send(room=room, sender=room.vendor, text="Hello", client_id="c-1")
    assert again.pk == first.pk and Message.objects.count() == 1
    assert len(broadcasts) == 1


@pytest.mark.parametrize(
    "second",
    [{"text": "Hello again"}, {"text": "Hello", "attachments": 1}, {"text": None, "attachments": 1}],
    ids=["other-text", "an-attachment-more", "attachments-instead-of-text"],
)
def test_the_same_client_id_for_another_message_is_bad_input_and_writes_nothing(broadcasts, second):
    room = RoomFactory()
    message_send(room=room, sender=room.vendor, text="Hello", client_id="c-1")
    ids = [str(AttachmentFactory(room=room, uploaded_by=room.vendor).pk)] if second.get("attachments") else None
    with pytest.raises(InvalidInput, match="clientId already used for another message"):
        message_send(room=room, sender=room.vendor, text=second["text"], attachment_ids=ids, client_id="c-1")
    assert Message.objects.count() == 1 and len(broadcasts) == 1
    if ids:
        assert Message.objects.get().attachments.count() == 0


def test_a_retry_with_the_same_attachments_in_another_order_is_a_retry(broadcasts):
    room = RoomFactory()
    ids = [str(AttachmentFactory(room=room, uploaded_by=room.vendor).pk) for _ in range(2)]
    first = message_send(room=room, sender=room.vendor, text="files", attachment_ids=ids, client_id="c-1")
    again = message_send(room=room, sender=room.vendor, text="files", attachment_ids=ids[::-1], client_id="c-1")
    assert again.pk == first.pk


def test_a_late_retry_of_a_message_edited_since_still_returns_it(broadcasts):
    room = RoomFactory()
    first = message_send(room=room, sender=room.vendor, text="Helo", client_id="c-1")
    message_edit(message_id=str(first.pk), editor=room.vendor, text="Hello")
    again = message_send(room=room, sender=room.vendor, text="Helo", client_id="c-1")
    assert again.pk == first.pk


def test_the_same_client_id_in_another_room_is_another_message(broadcasts):
    room = RoomFactory()
    other = RoomFactory(vendor=room.vendor)
    first = message_send(room=room, sender=room.vendor, text="Hello", client_id="c-1")
    elsewhere = message_send(room=other, sender=room.vendor, text="Something else", client_id="c-1")
    assert elsewhere.pk != first.pk
