import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from chat import realtime
from chat.cursors import message_cursor
from chat.models import Message, MessageType
from chat.payloads import message_from_payload, message_payload
from chat.selectors import message_with_payload
from chat.services.bids import bid_create
from chat.services.messages import message_append, message_send
from tests.factories import AttachmentFactory, RoomFactory


@pytest.mark.django_db
def test_a_message_is_broadcast_only_after_its_transaction_commits(django_capture_on_commit_callbacks, monkeypatch):
    room = RoomFactory()
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: sent.append((room_id, event)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_send(room=room, sender=room.vendor, text="hi")
    assert sent == []  # not before the commit
    for callback in callbacks:
        callback()
    assert [(room_id, event["kind"], event["message_id"]) for room_id, event in sent] == [
        (room.pk, "message", message.pk)
    ]


@pytest.mark.django_db(transaction=True)
def test_each_message_event_names_the_message_before_it_in_the_room(monkeypatch):
    room = RoomFactory()
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: sent.append(event))
    first = message_send(room=room, sender=room.vendor, text="first")
    second = message_send(room=room, sender=room.organizer, text="second")
    assert sent[0]["previous"] is None
    assert sent[1]["previous"] == message_cursor(first).encode() == sent[0]["cursor"]
    assert sent[1]["cursor"] == message_cursor(second).encode()


@pytest.mark.django_db(transaction=True)
def test_the_event_payload_shows_what_a_history_read_shows(monkeypatch, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    room = RoomFactory()
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: sent.append(event))
    upload = AttachmentFactory(room=room, uploaded_by=room.vendor)
    message_send(room=room, sender=room.vendor, text="with a file", attachment_ids=[str(upload.pk)])
    bid_create(room=room, vendor=room.vendor, amount="1250.5", note="all in")
    for event in sent:
        from_event = message_from_payload(event["payload"], room=room)
        stored = message_with_payload(message_id=event["message_id"])
        assert message_payload(from_event) == message_payload(stored)
    assert [a["original_name"] for a in sent[0]["payload"]["attachments"]] == [upload.original_name]
    assert sent[1]["payload"]["bid"]["amount"] == "1250.50"


@pytest.mark.django_db
def test_a_failing_channel_layer_is_logged_and_the_message_is_kept(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # Fault injection: a channel layer whose group_send raises, as a broken Redis does.
    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: BrokenLayer())
    room = RoomFactory()
    with caplog.at_level(logging.WARNING, logger="chat.realtime"), django_capture_on_commit_callbacks(execute=True):
        message = message_send(room=room, sender=room.vendor, text="still saved")
    assert Message.objects.filter(pk=message.pk, text="still saved").exists()
    assert any(r.message == "realtime broadcast failed" and r.room_id == room.pk for r in caplog.records)


@pytest.mark.django_db
def test_a_rolled_back_send_broadcasts_nothing(django_capture_on_commit_callbacks):
    room = RoomFactory()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        message_send(room=room, sender=room.vendor, text="doomed")
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_an_appended_message_becomes_the_rooms_head():
    room = RoomFactory()
    message = message_append(room=room, sender=room.vendor, message_type=MessageType.TEXT, text="hello")
    room.refresh_from_db()
    assert (room.last_message_id, room.last_activity_at) == (message.pk, message.created_at)


@pytest.mark.django_db
def test_an_appended_message_is_stamped_after_the_rooms_head_even_when_the_clock_is_behind():
    ahead = timezone.now() + timedelta(hours=1)
    room = RoomFactory(last_activity_at=ahead)
    message = message_append(room=room, sender=room.vendor, message_type=MessageType.TEXT, text="hello")
    assert message.created_at == ahead + timedelta(microseconds=1)


@pytest.mark.django_db
def test_a_failing_relation_leaves_no_message_no_new_head_and_no_event(django_capture_on_commit_callbacks):
    room = RoomFactory()
    head = message_send(room=room, sender=room.vendor, text="the head")

    def broken(message):
        raise RuntimeError("writing the bid failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        message_append(room=room, sender=room.vendor, message_type=MessageType.BID, text="Bid", relations=broken)
    assert callbacks == []
    assert list(Message.objects.values_list("pk", flat=True)) == [head.pk]
    room.refresh_from_db()
    assert (room.last_message_id, room.last_activity_at) == (head.pk, head.created_at)


@pytest.mark.django_db(transaction=True)
def test_a_bid_and_a_text_message_share_one_chain_of_events(monkeypatch):
    room = RoomFactory()
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: sent.append(event))
    text = message_send(room=room, sender=room.vendor, text="a price follows")
    bid = bid_create(room=room, vendor=room.vendor, amount="10")
    after = message_send(room=room, sender=room.organizer, text="thanks")
    assert [e["previous"] for e in sent] == [None, message_cursor(text).encode(), message_cursor(bid).encode()]
    assert sent[2]["cursor"] == message_cursor(after).encode()
