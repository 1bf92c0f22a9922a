from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Message
from chat.services.history import room_history_fetch
from tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db


def conversation(senders):
    room = RoomFactory()
    start = timezone.now() - timedelta(minutes=5)
    messages = [
        MessageFactory(room=room, sender=sender(room), created_at=start + timedelta(seconds=i))
        for i, sender in enumerate(senders)
    ]
    return room, messages


def vendor(room):
    return room.vendor


def organizer(room):
    return room.organizer


def delivered_ids():
    return set(Message.objects.filter(delivered_at__isnull=False).values_list("pk", flat=True))


def test_a_history_page_stamps_delivery_on_the_readers_incoming_messages_only():
    room, messages = conversation([vendor, organizer, vendor])
    page = room_history_fetch(room=room, reader=room.organizer)
    assert [m.pk for m in page.items] == [m.pk for m in messages]
    assert delivered_ids() == {messages[0].pk, messages[2].pk}
    assert all(m.delivered_at is not None for m in page.items if m.sender_id == room.vendor_id)


def test_a_history_page_stamps_only_the_messages_it_shows():
    room, messages = conversation([vendor, vendor, vendor])
    room_history_fetch(room=room, reader=room.organizer, last=1)
    assert delivered_ids() == {messages[2].pk}


def test_a_message_delivered_before_keeps_its_first_stamp():
    room, messages = conversation([vendor])
    first = room_history_fetch(room=room, reader=room.organizer).items[0].delivered_at
    again = room_history_fetch(room=room, reader=room.organizer).items[0].delivered_at
    assert again == first == Message.objects.get().delivered_at
