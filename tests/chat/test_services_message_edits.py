from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Attachment, ChatRoom, Message
from chat.services.bids import bid_create
from chat.services.message_edits import message_delete, message_edit
from chat.services.messages import message_send
from tests.factories import AttachmentFactory, MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    events = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: events.append((room_id, event)))
    return events


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _row(message: Message) -> dict:
    return Message.objects.filter(pk=message.pk).values().get()


def _head(room: ChatRoom) -> tuple:
    return ChatRoom.objects.filter(pk=room.pk).values_list("last_activity_at", "last_message_id").get()


def test_an_edit_replaces_the_text_stamps_edited_at_and_broadcasts_after_commit(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="teh price")
    sent.clear()
    with transaction.atomic():
        edited = message_edit(message_id=str(message.pk), editor=room.vendor, text="  the price  ")
        assert sent == []
    assert (edited.text, edited.deleted_at) == ("the price", None)
    assert edited.edited_at is not None and _row(message)["text"] == "the price"
    assert sent == [(room.pk, {"kind": "updated", "message_id": message.pk, "last": True})]


def test_an_edit_of_an_older_message_says_it_is_not_the_rooms_last(sent):
    room = RoomFactory()
    older = message_send(room=room, sender=room.vendor, text="first")
    message_send(room=room, sender=room.organizer, text="second")
    sent.clear()
    message_edit(message_id=older.pk, editor=room.vendor, text="first, fixed")
    assert [event["last"] for _, event in sent] == [False]


def test_an_edit_or_a_delete_leaves_the_rooms_head_cursor_where_it_was(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="hello")
    before = _head(room)
    message_edit(message_id=message.pk, editor=room.vendor, text="hello there")
    message_delete(message_id=message.pk, deleter=room.vendor)
    assert _head(room) == before


def test_the_same_text_again_is_not_an_edit(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="unchanged")
    sent.clear()
    again = message_edit(message_id=message.pk, editor=room.vendor, text="unchanged ")
    assert again.edited_at is None and sent == []


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_the_other_participant_is_forbidden_and_nothing_is_written(sent, change):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="mine")
    before, sent[:] = _row(message), []
    with pytest.raises(Forbidden):
        if change == "edit":
            message_edit(message_id=message.pk, editor=room.organizer, text="yours now")
        else:
            message_delete(message_id=message.pk, deleter=room.organizer)
    assert _row(message) == before and sent == []


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_stranger_gets_not_found_and_nothing_is_written(sent, change):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="private")
    before, sent[:] = _row(message), []
    with pytest.raises(NotFound):
        if change == "edit":
            message_edit(message_id=message.pk, editor=UserFactory(), text="leaked?")
        else:
            message_delete(message_id=message.pk, deleter=UserFactory())
    assert _row(message) == before and sent == []


def test_a_message_that_does_not_exist_is_not_found():
    with pytest.raises(NotFound):
        message_edit(message_id="987654321", editor=UserFactory(), text="x")


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_bid_message_cannot_be_edited_or_deleted(sent, change):
    room = RoomFactory()
    bid = bid_create(room=room, vendor=room.vendor, amount="100")
    before, sent[:] = _row(bid), []
    with pytest.raises(InvalidInput):
        if change == "edit":
            message_edit(message_id=bid.pk, editor=room.vendor, text="free")
        else:
            message_delete(message_id=bid.pk, deleter=room.vendor)
    assert _row(bid) == before and sent == []


def test_a_deleted_message_cannot_be_edited(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="gone soon")
    message_delete(message_id=message.pk, deleter=room.vendor)
    before, sent[:] = _row(message), []
    with pytest.raises(InvalidInput):
        message_edit(message_id=message.pk, editor=room.vendor, text="back")
    assert _row(message) == before and sent == []


@pytest.mark.parametrize("text", ["   ", "x" * 5001], ids=["blank", "too-long"])
def test_an_edit_follows_the_text_rules_of_sending(sent, text):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="fine")
    before = _row(message)
    with pytest.raises(InvalidInput):
        message_edit(message_id=message.pk, editor=room.vendor, text=text)
    assert _row(message) == before


def test_a_message_with_a_file_may_be_edited_down_to_no_text(sent):
    room = RoomFactory()
    upload = AttachmentFactory(room=room, uploaded_by=room.vendor)
    message = message_send(room=room, sender=room.vendor, text="see file", attachment_ids=[str(upload.pk)])
    assert message_edit(message_id=message.pk, editor=room.vendor, text="").text == ""


def test_an_edit_within_the_window_is_accepted(settings, sent):
    settings.PARLEY = {**settings.PARLEY, "EDIT_WINDOW_HOURS": 0.5}
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.vendor, created_at=timezone.now() - timedelta(minutes=29))
    assert message_edit(message_id=message.pk, editor=room.vendor, text="just in time").text == "just in time"


def test_an_edit_after_the_window_is_bad_input_and_nothing_is_written(settings, sent):
    settings.PARLEY = {**settings.PARLEY, "EDIT_WINDOW_HOURS": 0.5}
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.vendor, created_at=timezone.now() - timedelta(minutes=31))
    before = _row(message)
    with pytest.raises(InvalidInput, match="0.5 hours"):
        message_edit(message_id=message.pk, editor=room.vendor, text="too late")
    assert _row(message) == before and sent == []


def test_a_message_is_deletable_after_the_edit_window(settings, sent):
    settings.PARLEY = {**settings.PARLEY, "EDIT_WINDOW_HOURS": 0.5}
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.vendor, created_at=timezone.now() - timedelta(days=3))
    assert message_delete(message_id=message.pk, deleter=room.vendor).deleted_at is not None


def test_a_delete_empties_the_text_and_removes_the_attachments_and_their_files_after_commit(sent):
    room = RoomFactory()
    upload = AttachmentFactory(room=room, uploaded_by=room.vendor)
    name = upload.file.name
    message = message_send(room=room, sender=room.vendor, text="contract", attachment_ids=[str(upload.pk)])
    sent.clear()
    with transaction.atomic():
        deleted = message_delete(message_id=message.pk, deleter=room.vendor)
        assert default_storage.exists(name) and sent == []  # not before the commit
    assert (deleted.text, list(deleted.attachments.all())) == ("", [])
    assert deleted.deleted_at is not None and deleted.edited_at is None
    assert not Attachment.objects.filter(pk=upload.pk).exists()
    assert not default_storage.exists(name)
    assert sent == [(room.pk, {"kind": "updated", "message_id": message.pk, "last": True})]


def test_deleting_again_returns_the_same_message_and_broadcasts_nothing(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="once")
    first = message_delete(message_id=message.pk, deleter=room.vendor)
    sent.clear()
    again = message_delete(message_id=message.pk, deleter=room.vendor)
    assert (again.pk, again.deleted_at) == (first.pk, first.deleted_at)
    assert sent == []
