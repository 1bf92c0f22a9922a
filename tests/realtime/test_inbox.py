"""The inbox feed through the real channel layer and database: every kind of change to one of
the user's rooms yields that room as the room list shows it, a room the other side starts
is followed from then on, what the list does not show yields nothing, and changes that come
together are read together."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from chat import presence, realtime, selectors
from chat.inbox import Inbox
from chat.models import ChatRoom
from chat.services.bids import bid_create
from chat.services.message_edits import message_delete, message_edit
from chat.services.messages import message_send
from chat.services.receipts import messages_mark_read
from chat.services.rooms import room_ensure
from chat.services.typing import typing_set
from tests.factories import MessageFactory, RoomFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Watching:
    """A user's inbox, started and following every room of theirs."""

    def __init__(self, user) -> None:
        self.inbox = Inbox(user=user)
        self.items = self.inbox.items()
        self.pending: asyncio.Task | None = None

    async def start(self, rooms: int) -> "Watching":
        self.pending = asyncio.ensure_future(anext(self.items))
        # The inbox has joined each room's group once the hub holds a joined room for it.
        while not (len(self.inbox.listeners) == rooms and self._joined()):
            await asyncio.sleep(0.01)
        return self

    def _joined(self) -> bool:
        hub = self.inbox._hub
        groups = [realtime.room_group(self.inbox.own_channel), *(each.group for each in self.inbox.listeners.values())]
        return hub is not None and all(group in hub.rooms and hub.rooms[group].joined for group in groups)

    async def next(self, timeout: float = 5) -> ChatRoom:
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.items))
        try:
            return await asyncio.wait_for(asyncio.shield(self.pending), timeout)
        finally:
            if self.pending.done():
                self.pending = None

    async def close(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
        await self.items.aclose()


async def _watch(user, rooms: int) -> Watching:
    return await Watching(user).start(rooms)


async def test_a_new_message_yields_the_room_with_it_last_and_the_unread_count():
    room = await sync_to_async(RoomFactory)()
    watching = await _watch(room.organizer, 1)
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="are you free on the 12th?")
    shown = await watching.next()
    assert (shown.pk, shown.last_message.pk, shown.last_message.text) == (room.pk, sent.pk, sent.text)
    assert shown.unread_total == 1
    await watching.close()


async def test_a_read_yields_the_room_with_nothing_unread():
    room = await sync_to_async(RoomFactory)()
    await sync_to_async(MessageFactory)(room=room, sender=room.vendor)
    watching = await _watch(room.organizer, 1)
    await sync_to_async(messages_mark_read)(room=room, reader=room.organizer)
    assert (await watching.next()).unread_total == 0
    await watching.close()


async def test_an_edit_of_the_last_message_yields_the_room_with_the_new_text():
    room = await sync_to_async(RoomFactory)()
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="teh price")
    watching = await _watch(room.organizer, 1)
    await sync_to_async(message_edit)(message_id=sent.pk, editor=room.vendor, text="the price")
    shown = await watching.next()
    assert (shown.last_message.text, shown.last_message.edited_at is not None) == ("the price", True)
    await watching.close()


async def test_a_delete_of_the_last_message_yields_the_room_with_it_deleted():
    room = await sync_to_async(RoomFactory)()
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="oops")
    watching = await _watch(room.organizer, 1)
    await sync_to_async(message_delete)(message_id=sent.pk, deleter=room.vendor)
    shown = await watching.next()
    assert (shown.last_message.text, shown.last_message.deleted_at is not None) == ("", True)
    await watching.close()


async def test_a_bid_yields_the_room_with_the_bid_last():
    room = await sync_to_async(RoomFactory)()
    watching = await _watch(room.organizer, 1)
    bid = await sync_to_async(bid_create)(room=room, vendor=room.vendor, amount="900")
    assert (await watching.next()).last_message.pk == bid.pk
    await watching.close()


async def test_a_room_the_other_side_starts_is_yielded_and_followed_from_then_on():
    me = await sync_to_async(UserFactory)()
    other = await sync_to_async(VendorFactory)()
    watching = await _watch(me, 0)
    room = await sync_to_async(room_ensure)(caller=other, username=me.username)
    shown = await watching.next()
    assert (shown.pk, shown.last_message) == (room.pk, None)
    while not (room.pk in watching.inbox.listeners and watching._joined()):
        await asyncio.sleep(0.01)
    sent = await sync_to_async(message_send)(room=room, sender=other, text="hello, new here")
    assert (await watching.next()).last_message.pk == sent.pk
    await watching.close()


async def test_what_the_room_list_does_not_show_yields_nothing():
    room = await sync_to_async(RoomFactory)()
    older = await sync_to_async(message_send)(room=room, sender=room.vendor, text="first")
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="second")
    watching = await _watch(room.organizer, 1)
    await sync_to_async(typing_set)(room_id=room.pk, user=room.vendor, typing=True)
    await sync_to_async(message_edit)(message_id=older.pk, editor=room.vendor, text="first, fixed")
    sentinel = await sync_to_async(message_send)(room=room, sender=room.vendor, text="third")
    assert (await watching.next()).last_message.pk == sentinel.pk  # nothing came before it
    await watching.close()


async def test_the_other_participant_coming_online_yields_the_room(settings):
    settings.PARLEY = {**settings.PARLEY, "PRESENCE_GRACE_SECONDS": 0.1}
    await presence.presence_clear()
    room = await sync_to_async(RoomFactory)()
    watching = await _watch(room.organizer, 1)
    presence.presence_tracker().opened(room.vendor.pk)
    assert (await watching.next()).pk == room.pk
    presence.presence_tracker().closed(room.vendor.pk)
    assert (await watching.next()).pk == room.pk
    await watching.close()


async def test_changes_that_come_together_are_read_together(monkeypatch):
    me = await sync_to_async(UserFactory)()
    first, *others = [await sync_to_async(RoomFactory)(organizer=me) for _ in range(3)]
    watching = await _watch(me, 3)
    reads = []
    real = selectors.rooms_as_listed
    monkeypatch.setattr(selectors, "rooms_as_listed", lambda **kw: reads.append(kw["room_ids"]) or real(**kw))
    await sync_to_async(message_send)(room=first, sender=first.vendor, text="hi")
    assert (await watching.next()).pk == first.pk
    for room in others:  # both arrive before the inbox is asked for its next room
        await sync_to_async(message_send)(room=room, sender=room.vendor, text="hi")
    while len(watching.inbox.changed) < 2:
        await asyncio.sleep(0.01)
    shown = [await watching.next() for _ in others]
    assert sorted(r.pk for r in shown) == sorted(r.pk for r in others)
    assert reads == [[first.pk], sorted(r.pk for r in others)]
    await watching.close()


async def test_a_message_event_the_layer_lost_is_caught_up_by_reconciliation(settings, monkeypatch):
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_SECONDS": 0.1, "RECONCILE_GRACE_SECONDS": 0.1}
    room = await sync_to_async(RoomFactory)()
    watching = await _watch(room.organizer, 1)
    # Fault injection: the broadcast is lost without a word, as a layer that drops it would.
    monkeypatch.setattr(realtime, "_group_send", lambda room_id, event: asyncio.sleep(0))
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="lost in the layer")
    assert (await watching.next()).last_message.pk == sent.pk
    await watching.close()


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("count", [1, 30])
def test_reading_changed_rooms_costs_two_queries_however_many(django_assert_num_queries, count):
    me = UserFactory()
    rooms = [RoomFactory(organizer=me) for _ in range(count)]
    for room in rooms:
        message_send(room=room, sender=room.vendor, text="hello")
    someone_elses = RoomFactory()
    with django_assert_num_queries(2):  # the rooms (participants, last message, unread), attachments
        shown = selectors.rooms_as_listed(user=me, room_ids=[r.pk for r in rooms] + [someone_elses.pk])
    assert len(shown) == count  # a room of someone else's is left out


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("count", [1, 50])
def test_starting_an_inbox_reads_its_rooms_in_one_query_however_many(django_assert_num_queries, count):
    me = UserFactory()
    rooms = [RoomFactory(organizer=me) for _ in range(count)]
    message_send(room=rooms[0], sender=rooms[0].vendor, text="hello")
    with django_assert_num_queries(1):
        heads = selectors.room_heads_of_user(user=me)
    assert len(heads) == count and heads[rooms[0].pk] is not None
