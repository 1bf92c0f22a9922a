import logging

import pytest
from django.db import transaction

from chat import realtime
from chat.models import Message
from chat.services.messages import message_send
from tests.factories import RoomFactory


@pytest.mark.django_db
def test_a_message_is_broadcast_only_after_its_transaction_commits(django_capture_on_commit_callbacks, monkeypatch):
    room = RoomFactory()
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event: sent.append((room_id, event)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = message_send(room=room, sender=room.vendor, text="hi")
    assert sent == []  # not before the commit
    for callback in callbacks:
        callback()
    assert sent == [(room.pk, {"kind": "message", "message_id": message.pk})]


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
