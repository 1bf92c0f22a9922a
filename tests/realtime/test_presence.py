"""Presence through the real store of the run (in-process embedded, Redis in the services run),
the real channel layer and a real RoomFeed: a change reaches the other participant, a
reconnect within the grace period does not flap, and presence is visible only to people who
share a room."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings

from chat import feed, presence, selectors
from chat.models import User
from chat.services.messages import message_send
from schema.types import _load_presence
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

GRACE = 0.3


@pytest.fixture(autouse=True)
async def _short_grace(settings):
    settings.PARLEY = {**settings.PARLEY, "PRESENCE_GRACE_SECONDS": GRACE}
    await presence.presence_clear()


async def _watching(room, user):
    first = await sync_to_async(message_send)(room=room, sender=room.organizer, text="hello")
    items = feed.RoomFeed(room=room, user=user).items(after=feed.NOTHING_YET)
    assert (await asyncio.wait_for(anext(items), 5)).message.pk == first.pk
    return items


async def _next(items):
    return await asyncio.wait_for(anext(items), 5)


def _shown(item) -> tuple[str, bool, bool]:
    assert isinstance(item, feed.PresenceItem), item
    state = item.user.presence_now
    return item.user.username, state.online, state.last_seen_at is not None


async def test_a_user_online_then_offline_reaches_the_other_participant_with_last_seen_stamped():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    tracker = presence.presence_tracker()
    tracker.opened(room.vendor.pk)
    assert _shown(await _next(items)) == (room.vendor.username, True, False)
    assert await tracker.online_of([room.vendor.pk, room.organizer.pk]) == {room.vendor.pk}
    tracker.closed(room.vendor.pk)
    assert await tracker.online_of([room.vendor.pk]) == {room.vendor.pk}  # within the grace period
    assert _shown(await _next(items)) == (room.vendor.username, False, True)
    assert await tracker.online_of([room.vendor.pk]) == set()
    stored = await sync_to_async(User.objects.values_list("last_seen_at", flat=True).get)(pk=room.vendor.pk)
    assert stored is not None
    await items.aclose()


async def test_a_reconnect_within_the_grace_period_does_not_flap():
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    tracker = presence.presence_tracker()
    tracker.opened(room.vendor.pk)
    assert _shown(await _next(items))[1] is True
    tracker.closed(room.vendor.pk)
    pending = tracker.leaving[room.vendor.pk]
    tracker.opened(room.vendor.pk)
    assert pending.cancelled() and room.vendor.pk not in tracker.leaving  # no leave will follow
    sentinel = await sync_to_async(message_send)(room=room, sender=room.vendor, text="still here")
    assert (await _next(items)).message.pk == sentinel.pk
    assert await tracker.online_of([room.vendor.pk]) == {room.vendor.pk}
    tracker.closed(room.vendor.pk)
    assert _shown(await _next(items))[1] is False
    await items.aclose()


async def test_two_sockets_keep_a_user_online_until_the_last_one_closes():
    user = await sync_to_async(UserFactory)()
    tracker = presence.presence_tracker()
    tracker.opened(user.pk)
    tracker.opened(user.pk)
    tracker.closed(user.pk)
    assert user.pk not in tracker.leaving  # one socket is still open: no grace period started
    tracker.closed(user.pk)
    assert user.pk in tracker.leaving


async def test_the_user_does_not_hear_their_own_presence():
    room = await sync_to_async(RoomFactory)()
    own = await _watching(room, room.vendor)
    presence.presence_tracker().opened(room.vendor.pk)
    sentinel = await sync_to_async(message_send)(room=room, sender=room.organizer, text="after")
    assert (await _next(own)).message.pk == sentinel.pk
    presence.presence_tracker().closed(room.vendor.pk)
    await own.aclose()


@pytest.mark.django_db(transaction=False)
def test_presence_is_visible_to_oneself_and_to_people_sharing_a_room_in_one_query(django_assert_num_queries):
    room = RoomFactory()
    stranger = UserFactory()
    others = [RoomFactory(organizer=room.organizer).vendor for _ in range(5)]
    with django_assert_num_queries(1):
        seen = selectors.users_seen_by(
            viewer=room.organizer, user_ids=[room.organizer.pk, room.vendor.pk, stranger.pk, *(u.pk for u in others)]
        )
    assert set(seen) == {room.organizer.pk, room.vendor.pk, *(u.pk for u in others)}


async def test_a_stranger_sees_an_online_user_as_offline_and_never_seen():
    room = await sync_to_async(RoomFactory)()
    stranger = await sync_to_async(UserFactory)()
    tracker = presence.presence_tracker()
    tracker.opened(room.vendor.pk)
    await sync_to_async(User.objects.filter(pk=room.vendor.pk).update)(last_seen_at="2026-01-01T00:00:00Z")

    class Context:
        user = None

    Context.user = stranger
    assert await _load_presence(Context, [room.vendor.pk]) == [presence.HIDDEN]
    Context.user = room.organizer
    while (await _load_presence(Context, [room.vendor.pk]))[0].online is not True:
        await asyncio.sleep(0.05)  # the store records the join in a task of its own
    tracker.closed(room.vendor.pk)


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="two processes' stores need Redis (the services run)")
async def test_a_store_that_stops_beating_is_reaped_by_another_and_its_users_go_offline(settings):
    settings.PARLEY = {**settings.PARLEY, "PRESENCE_HEARTBEAT_SECONDS": 0.1, "PRESENCE_EXPIRY_SECONDS": 0.5}
    room = await sync_to_async(RoomFactory)()
    items = await _watching(room, room.organizer)
    dying, surviving = presence.RedisStore(settings.REDIS_URL), presence.RedisStore(settings.REDIS_URL)
    assert await dying.join(room.vendor.pk) is True
    await surviving.join(room.organizer.pk)
    assert await surviving.online_of([room.vendor.pk]) == {room.vendor.pk}
    watcher = presence.PresenceTracker(surviving)
    watcher.opened(room.organizer.pk)  # starts its heartbeat; `dying` never beats again
    assert _shown(await _next(items)) == (room.vendor.username, False, True)
    assert await surviving.online_of([room.vendor.pk]) == set()
    watcher._heartbeat.cancel()
    await items.aclose()


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="the store that can fail is Redis (the services run)")
async def test_a_join_that_redis_refused_is_recorded_at_the_next_beat(settings):
    from redis.exceptions import ConnectionError as RedisConnectionError

    settings.PARLEY = {**settings.PARLEY, "PRESENCE_HEARTBEAT_SECONDS": 0.1}
    first, second = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()

    class RefusesOne(presence.RedisStore):
        refused = False

        async def join(self, user_id: int) -> bool:
            if user_id == second.pk and not self.refused:
                self.refused = True  # fault injection: Redis drops this join; the process stays known
                raise RedisConnectionError("injected: connection reset")
            return await super().join(user_id)

    store = RefusesOne(settings.REDIS_URL)
    tracker = presence.PresenceTracker(store)
    tracker.opened(first.pk)
    while await store.online_of([first.pk]) != {first.pk}:
        await asyncio.sleep(0.02)
    tracker.opened(second.pk)
    while not store.refused or await store.online_of([second.pk]) != {second.pk}:
        await asyncio.sleep(0.05)
    tracker._heartbeat.cancel()
