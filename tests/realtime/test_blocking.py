"""A blocked room through the real channel layer, presence store and RoomFeed: the other
side's typing ends with the block, no typing or presence passes while it lasts (not even an
event already in flight), nobody's presence is published into it or seen through it, and
both come back after the unblock."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from chat import feed, presence, realtime
from chat.models import User
from chat.services.blocking import room_block, room_unblock
from chat.services.messages import message_send
from chat.services.presence import user_presence_record
from chat.services.receipts import messages_mark_read
from chat.services.typing import typing_set
from chat.typing import typing_lapses
from schema.types import _load_presence
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPSE = 5  # longer than any wait below: a typing: false that comes sooner is the block's


@pytest.fixture(autouse=True)
async def _settings(settings):
    settings.PARLEY = {**settings.PARLEY, "TYPING_LAPSE_SECONDS": LAPSE, "PRESENCE_GRACE_SECONDS": 0.2}
    await presence.presence_clear()


async def _watching(room, user):
    """`user`'s feed of the room with typing lapses, joined (it replayed a first message)."""
    first = await sync_to_async(message_send)(room=room, sender=room.organizer, text="hello")
    items = typing_lapses(feed.RoomFeed(room=room, user=user).items(after=feed.NOTHING_YET))
    assert (await _next(items)).message.pk == first.pk
    return items


async def _next(items, timeout: float = 3):
    return await asyncio.wait_for(anext(items), timeout)


async def _block(room, side: str):
    other = room.vendor if side == "organizer" else room.organizer
    await sync_to_async(room_block)(caller=getattr(room, side), username=other.username)


async def _unblock(room, side: str):
    other = room.vendor if side == "organizer" else room.organizer
    await sync_to_async(room_unblock)(caller=getattr(room, side), username=other.username)


async def _sentinel(room, items):
    """A message sent now comes next: nothing else was yielded before it."""
    message = await sync_to_async(message_send)(room=room, sender=room.organizer, text="sentinel")
    item = await _next(items)
    assert isinstance(item, feed.MessageItem) and item.message.pk == message.pk, item


@pytest.mark.parametrize("blocker", ["organizer", "vendor"])
async def test_the_block_ends_the_other_sides_typing_at_once(blocker):
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await sync_to_async(typing_set)(room_id=room.pk, user=room.vendor, typing=True)
    item = await _next(items)
    assert (item.user.pk, item.typing) == (room.vendor.pk, True)
    await _block(room, blocker)
    item = await _next(items, timeout=LAPSE / 2)
    assert isinstance(item, feed.TypingItem) and (item.user.pk, item.typing) == (room.vendor.pk, False)
    await items.aclose()


async def test_typing_and_presence_in_flight_when_the_block_commits_do_not_pass():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await _block(room, "vendor")
    # As if sent by a setTyping and a presence change that read the room just before the block.
    await realtime.broadcast_async(room.pk, realtime.typing_event(user_id=room.vendor.pk, typing=True))
    await realtime.broadcast_async(
        room.pk, realtime.presence_event(user_id=room.vendor.pk, online=True, last_seen_at=None)
    )
    # Reading stays allowed: its receipt comes next, with nothing before it.
    await sync_to_async(messages_mark_read)(room=room, reader=room.vendor)
    item = await _next(items)
    assert isinstance(item, feed.ReceiptItem) and item.reader.pk == room.vendor.pk, item
    await items.aclose()


async def test_presence_is_not_published_into_a_blocked_room_and_is_again_after_the_unblock():
    room = await sync_to_async(RoomFactory)()
    elsewhere = await sync_to_async(RoomFactory)(vendor=room.vendor)
    await _block(room, "organizer")
    rooms = await sync_to_async(user_presence_record)(user_id=room.vendor.pk, online=True, at=None)
    assert rooms == [elsewhere.pk]
    await _unblock(room, "organizer")
    rooms = await sync_to_async(user_presence_record)(user_id=room.vendor.pk, online=True, at=None)
    assert sorted(rooms) == sorted([room.pk, elsewhere.pk])


async def test_a_presence_change_while_blocked_reaches_neither_side_and_passes_again_after():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await _block(room, "organizer")
    tracker = presence.presence_tracker()
    tracker.opened(room.vendor.pk)
    await asyncio.gather(*tracker._tasks)  # the join is recorded and published in a task of its own
    assert await tracker.online_of([room.vendor.pk]) == {room.vendor.pk}
    await _unblock(room, "organizer")
    await _sentinel(room, items)  # the vendor came online while blocked: nothing was told
    tracker.closed(room.vendor.pk)
    item = await _next(items)
    assert isinstance(item, feed.PresenceItem) and item.user.presence_now.online is False
    await items.aclose()


async def test_the_other_side_is_seen_offline_and_never_seen_while_blocked_and_as_they_are_after():
    room = await sync_to_async(RoomFactory)()
    tracker = presence.presence_tracker()
    await sync_to_async(User.objects.filter(pk=room.vendor.pk).update)(last_seen_at="2026-01-01T00:00:00Z")

    class Context:
        user = room.organizer

    seen = await _load_presence(Context, [room.vendor.pk])
    assert seen[0].last_seen_at is not None
    tracker.opened(room.vendor.pk)
    await asyncio.gather(*tracker._tasks)
    assert (await _load_presence(Context, [room.vendor.pk]))[0].online is True
    await _block(room, "vendor")
    assert await _load_presence(Context, [room.vendor.pk]) == [presence.HIDDEN]
    Context.user = room.vendor  # either way: the blocker does not see the other side either
    assert await _load_presence(Context, [room.organizer.pk]) == [presence.HIDDEN]
    Context.user = room.organizer
    await _unblock(room, "vendor")
    assert (await _load_presence(Context, [room.vendor.pk]))[0].online is True
    tracker.closed(room.vendor.pk)


async def test_typing_passes_again_after_the_unblock():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await _block(room, "organizer")
    await _unblock(room, "organizer")
    await sync_to_async(typing_set)(room_id=room.pk, user=room.vendor, typing=True)
    item = await _next(items)
    assert isinstance(item, feed.TypingItem) and (item.user.pk, item.typing) == (room.vendor.pk, True)
    await items.aclose()
