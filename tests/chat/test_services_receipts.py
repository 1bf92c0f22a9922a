from datetime import timedelta

import pytest
from django.utils import timezone

from chat.errors import InvalidInput, NotFound
from chat.models import Message
from chat.selectors import room_unread_count
from chat.services.receipts import messages_mark_delivered, messages_mark_read
from tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db


def conversation():
    room = RoomFactory()
    start = timezone.now() - timedelta(minutes=5)
    senders = [room.vendor, room.vendor, room.organizer, room.vendor, room.vendor]
    messages = [
        MessageFactory(room=room, sender=s, created_at=start + timedelta(seconds=i)) for i, s in enumerate(senders)
    ]
    return room, messages


def test_mark_read_up_to_a_message_marks_the_other_participants_messages_up_to_it(django_capture_on_commit_callbacks):
    room, messages = conversation()
    with django_capture_on_commit_callbacks() as callbacks:
        receipt = messages_mark_read(room=room, reader=room.organizer, up_to_message_id=str(messages[3].pk))
    assert receipt.message_id == messages[3].pk
    read = set(Message.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {messages[0].pk, messages[1].pk, messages[3].pk}
    assert room_unread_count(room=room, user=room.organizer) == 1
    assert len(callbacks) == 1


def test_mark_read_without_a_message_marks_everything_and_implies_delivery():
    room, messages = conversation()
    receipt = messages_mark_read(room=room, reader=room.organizer)
    assert receipt.message_id == messages[4].pk
    assert room_unread_count(room=room, user=room.organizer) == 0
    assert not Message.objects.exclude(sender=room.organizer).filter(delivered_at__isnull=True).exists()


def test_marking_twice_is_harmless_and_broadcasts_once(django_capture_on_commit_callbacks):
    room, messages = conversation()
    first = messages_mark_read(room=room, reader=room.organizer)
    with django_capture_on_commit_callbacks() as callbacks:
        again = messages_mark_read(room=room, reader=room.organizer)
    assert (again.message_id, again.read_at) == (first.message_id, first.read_at)
    assert callbacks == []


def test_marking_read_is_cumulative():
    room, messages = conversation()
    messages_mark_read(room=room, reader=room.organizer, up_to_message_id=str(messages[0].pk))
    first_read_at = Message.objects.get(pk=messages[0].pk).read_at
    messages_mark_read(room=room, reader=room.organizer)
    assert Message.objects.get(pk=messages[0].pk).read_at == first_read_at


def test_a_message_of_another_room_is_not_found():
    room, _ = conversation()
    elsewhere = MessageFactory()
    with pytest.raises(NotFound):
        messages_mark_read(room=room, reader=room.organizer, up_to_message_id=str(elsewhere.pk))


def test_nothing_from_the_other_participant_is_invalid_input():
    room = RoomFactory()
    MessageFactory(room=room, sender=room.organizer)
    with pytest.raises(InvalidInput):
        messages_mark_read(room=room, reader=room.organizer)


def test_delivery_is_stamped_for_the_recipient_only_in_one_update(django_assert_num_queries):
    room, messages = conversation()
    with django_assert_num_queries(1):
        messages_mark_delivered(messages=messages, recipient=room.organizer)
    delivered = set(Message.objects.filter(delivered_at__isnull=False).values_list("pk", flat=True))
    assert delivered == {m.pk for m in messages if m.sender_id == room.vendor_id}
    with django_assert_num_queries(0):
        messages_mark_delivered(messages=messages, recipient=room.organizer)
