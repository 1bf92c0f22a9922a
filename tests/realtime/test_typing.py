"""Typing through the real channel layer and a real RoomFeed: only the other participant hears
it, it lapses on the subscriber's side, a message ends it, and a loop of calls is throttled."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from chat import feed, realtime
from chat.services.messages import message_send
from chat.services.typing import typing_set
from chat.typing import typing_lapses
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

LAPSE = 0.4


@pytest.fixture(autouse=True)
def _short_lapse(settings):
    settings.PARLEY = {**settings.PARLEY, "TYPING_LAPSE_SECONDS": LAPSE, "TYPING_THROTTLE_SECONDS": 2}


async def _watching(room, user):
    """`user`'s feed of the room with lapses, joined to the room's group (it replayed a message)."""
    first = await sync_to_async(message_send)(room=room, sender=room.organizer, text="hello")
    items = typing_lapses(feed.RoomFeed(room=room, user=user).items(after=feed.NOTHING_YET))
    assert (await _next(items)).message.pk == first.pk
    return items


async def _next(items, timeout: float = 5):
    return await asyncio.wait_for(anext(items), timeout)


def _typing(item) -> tuple[str, bool]:
    assert isinstance(item, feed.TypingItem), item
    return item.user.username, item.typing


async def _set(room, user, typing=True):
    return await sync_to_async(typing_set)(room_id=room.pk, user=user, typing=typing)


async def test_typing_lapses_to_false_on_the_subscribers_side_when_not_renewed():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    assert await _set(room, room.vendor) is True
    assert _typing(await _next(items)) == (room.vendor.username, True)
    shown = time.monotonic()
    assert _typing(await _next(items)) == (room.vendor.username, False)
    assert time.monotonic() - shown >= LAPSE * 0.9
    await items.aclose()


async def test_the_typist_does_not_hear_their_own_typing():
    room = await sync_to_async(RoomFactory)()
    own = await _watching(room, room.vendor)
    await _set(room, room.vendor)
    message = await sync_to_async(message_send)(room=room, sender=room.organizer, text="after")
    assert (await _next(own)).message.pk == message.pk  # nothing came before it
    await own.aclose()


async def test_a_message_from_the_typist_ends_typing_at_once():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await _set(room, room.vendor)
    assert _typing(await _next(items)) == (room.vendor.username, True)
    message = await sync_to_async(message_send)(room=room, sender=room.vendor, text="done typing")
    assert (await _next(items)).message.pk == message.pk
    assert _typing(await _next(items, timeout=LAPSE / 2)) == (room.vendor.username, False)
    await items.aclose()


async def test_set_typing_false_ends_it_and_a_false_for_someone_not_typing_is_dropped():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    await _set(room, room.vendor, typing=False)  # not typing: nothing to show
    await _set(room, room.vendor)
    assert _typing(await _next(items)) == (room.vendor.username, True)
    await _set(room, room.vendor, typing=False)
    assert _typing(await _next(items, timeout=LAPSE / 2)) == (room.vendor.username, False)
    await items.aclose()


async def test_a_loop_of_set_typing_calls_broadcasts_once_per_window(monkeypatch):
    room = await sync_to_async(RoomFactory)()
    broadcasts = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: broadcasts.append(event) or True)
    for _ in range(50):
        assert await _set(room, room.vendor) is True
    assert broadcasts == [realtime.typing_event(user_id=room.vendor.pk, typing=True)]


@pytest.mark.django_db(transaction=False)
def test_a_throttled_set_typing_reads_nothing_from_the_database(django_assert_num_queries, monkeypatch):
    room = RoomFactory()
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: True)
    with django_assert_num_queries(1):  # the room, to check the caller takes part in it
        typing_set(room_id=room.pk, user=room.vendor, typing=True)
    with django_assert_num_queries(0):
        for _ in range(20):
            typing_set(room_id=room.pk, user=room.vendor, typing=True)


@pytest.mark.django_db(transaction=False)
def test_a_stranger_setting_typing_gets_not_found_however_often(monkeypatch):
    from chat.errors import NotFound
    from tests.factories import UserFactory

    room, stranger = RoomFactory(), UserFactory()
    broadcasts = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: broadcasts.append(event) or True)
    for _ in range(3):
        with pytest.raises(NotFound):
            typing_set(room_id=room.pk, user=stranger, typing=True)
    assert broadcasts == []


async def test_typing_false_then_true_again_within_a_window_is_broadcast(monkeypatch):
    room = await sync_to_async(RoomFactory)()
    broadcasts = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: broadcasts.append(event["typing"]) or True)
    for typing in (True, False, True, False, True, True):
        await _set(room, room.vendor, typing)
    # At most three changes a window: a flickering client cannot flood the room either.
    assert broadcasts == [True, False, True]
