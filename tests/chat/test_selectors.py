"""Selectors that realtime relies on: the heads of many rooms in one statement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.cursors import message_cursor
from chat.selectors import room_heads
from chat.services.messages import message_send
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def test_room_heads_of_many_rooms_is_one_statement_naming_each_active_rooms_newest_message(
    django_assert_num_queries,
):
    rooms = [RoomFactory() for _ in range(3)]
    newest = {}
    for room in rooms[:2]:
        message_send(room=room, sender=room.vendor, text="first")
        newest[room.pk] = message_send(room=room, sender=room.organizer, text="second")
    with django_assert_num_queries(1):
        heads = room_heads(room_ids=[room.pk for room in rooms], since=timezone.now() - timedelta(minutes=1))
    # The room without messages has no head.
    assert heads == {room_id: message_cursor(message) for room_id, message in newest.items()}


def test_room_heads_leave_out_rooms_idle_since_then():
    room = RoomFactory()
    message_send(room=room, sender=room.vendor, text="a while ago")
    assert room_heads(room_ids=[room.pk], since=timezone.now() + timedelta(seconds=1)) == {}
