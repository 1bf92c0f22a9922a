"""chat.statements: a queryset compiled once gives what the queryset gives, for any values; a
compiled update or insert writes what the ORM's would."""

from datetime import timedelta

import pytest
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Upper
from django.db.models.signals import post_save
from django.utils import timezone

from chat.models import Block, ChatRoom, Message
from chat.statements import Insert, Statement, Update
from tests.factories import MessageFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rooms(room_id, user_id):
    blocks = Block.objects.filter(room=OuterRef("pk"))
    return (
        ChatRoom.objects.select_related("organizer", "vendor")
        .filter(Q(organizer_id=user_id) | Q(vendor_id=user_id), pk=room_id)
        .annotate(block_any=Exists(blocks), block_mine=Exists(blocks.filter(blocker_id=user_id)))
    )


def test_models_are_the_querysets_with_related_rows_and_annotations():
    statement = Statement(_rooms, "room_id", "user_id")
    blocked = RoomFactory()
    Block.objects.create(room=blocked, blocker=blocked.vendor)
    free = RoomFactory()
    for room, user in [(blocked, blocked.vendor), (blocked, blocked.organizer), (free, free.organizer)]:
        [got] = statement.models(room_id=room.pk, user_id=user.pk)
        [want] = _rooms(room.pk, user.pk)
        assert (got.pk, got.created_at, got.last_activity_at) == (want.pk, want.created_at, want.last_activity_at)
        assert (got.block_any, got.block_mine) == (want.block_any, want.block_mine)
        # The participants came with the row: reading them costs nothing.
        assert type(got).organizer.is_cached(got) and type(got).vendor.is_cached(got)
        assert (got.organizer.username, got.vendor.email) == (want.organizer.username, want.vendor.email)
    assert statement.models(room_id=free.pk, user_id=UserFactory().pk) == []


def test_it_is_compiled_once_and_then_costs_only_its_statement(django_assert_num_queries):
    built = []

    def build(room_id, sender_id, client_id):
        built.append(1)
        return Message.objects.filter(room_id=room_id, sender_id=sender_id, client_id=client_id).values_list(
            "pk", "created_at"
        )

    statement = Statement(build, "room_id", "sender_id", "client_id")
    messages = [MessageFactory(client_id=f"c-{i}") for i in range(3)]
    for message in messages:
        with django_assert_num_queries(1):
            rows = statement.rows(room_id=message.room_id, sender_id=message.sender_id, client_id=message.client_id)
        # Converted as the ORM converts: an aware datetime, not SQLite's text.
        assert rows == [(message.pk, Message.objects.get(pk=message.pk).created_at)]
    assert statement.rows(room_id=messages[0].room_id, sender_id=messages[0].sender_id, client_id="other") == []
    assert len(built) == 1


def test_a_name_missing_from_the_statement_is_refused():
    statement = Statement(lambda room_id, user_id: ChatRoom.objects.filter(pk=room_id), "room_id", "user_id")
    with pytest.raises(ValueError, match="user_id"):
        statement.rows(room_id=1, user_id=2)


def test_an_update_writes_what_the_querysets_update_writes(django_assert_num_queries):
    statement = Update(lambda room_id: ChatRoom.objects.filter(pk=room_id), "room_id", fields=["last_activity_at"])
    rooms = [RoomFactory(), RoomFactory()]
    when = timezone.now() + timedelta(days=3)
    with django_assert_num_queries(1):
        assert statement.run(room_id=rooms[0].pk, last_activity_at=when) == 1
    assert statement.run(room_id=rooms[1].pk + 1000, last_activity_at=when) == 0
    assert ChatRoom.objects.get(pk=rooms[0].pk).last_activity_at == when
    # The other room is as it was: the WHERE took this call's value, not the first one's.
    assert ChatRoom.objects.get(pk=rooms[1].pk).last_activity_at == rooms[1].last_activity_at


def test_an_insert_saves_as_save_does_with_its_signals(django_assert_num_queries):
    room = RoomFactory()
    seen = []

    def heard(sender, instance, created, **kwargs):
        seen.append((instance.pk, created, instance._state.adding))

    statement = Insert(Message)
    post_save.connect(heard, sender=Message)
    try:
        for text in ["first", "second"]:
            message = Message(room=room, sender=room.vendor, text=text, client_id=None)
            with django_assert_num_queries(1):
                statement.save(message)
            stored = Message.objects.get(pk=message.pk)
            assert (stored.text, stored.room_id, stored.sender_id, stored.created_at) == (
                text,
                room.pk,
                room.vendor_id,
                message.created_at,
            )
            assert message._state.db == "default" and not message._state.adding
    finally:
        post_save.disconnect(heard, sender=Message)
    assert [created for _, created, _ in seen] == [True, True] and seen[0][0] < seen[1][0]
    with pytest.raises(ValueError, match="new instance"):
        statement.save(message)


def test_an_insert_takes_plain_values_only():
    room = RoomFactory()
    with pytest.raises(TypeError, match="plain values"):
        Insert(Message).save(Message(room=room, sender=room.vendor, text=Upper(Value("x"))))
    assert not Message.objects.exists()
