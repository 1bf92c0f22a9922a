"""RoomHub on the real embedded layer: one membership and one delivery per room and process,
fanned out to every local subscription; a failing layer (injected) is reported and recovered."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings as django_settings

from chat.realtime import (
    EVENT_TYPE,
    InProcessChannelLayer,
    LayerState,
    RoomHub,
    RoomListener,
    SubscriberTooSlow,
    room_group,
)

GROUP = room_group(7)


class FlakyLayer(InProcessChannelLayer):
    """The real layer, with faults to switch on: joins fail, or the next receive fails. Like
    the pub/sub layer, it awaits in new_channel() and forgets a channel whose receive is
    cancelled."""

    def __init__(self) -> None:
        super().__init__(capacity=100)
        self.joins_fail = False
        self.receive_fails = asyncio.Event()
        self.delivered = 0
        self.made: list[str] = []
        self.failure: Exception = ConnectionError("injected: connection lost")

    async def new_channel(self, prefix="specific."):
        await asyncio.sleep(0)
        channel = await super().new_channel(prefix)
        self.made.append(channel)
        return channel

    async def group_add(self, group, channel):
        if self.joins_fail:
            raise ConnectionError("injected: layer down")
        await super().group_add(group, channel)

    async def receive(self, channel):
        if channel not in self.made:
            raise RuntimeError(f"{channel} was not made here, or was forgotten")
        receive = asyncio.ensure_future(super().receive(channel))
        failure = asyncio.ensure_future(self.receive_fails.wait())
        try:
            done, _ = await asyncio.wait({receive, failure}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            receive.cancel()
            failure.cancel()
            self.made.remove(channel)
            raise
        if failure in done:
            receive.cancel()
            self.receive_fails.clear()
            raise self.failure
        failure.cancel()
        self.delivered += 1
        return receive.result()


@pytest.fixture
def layer(settings):
    settings.PARLEY = {**settings.PARLEY, "REALTIME_RETRY_SECONDS": 0.05, "SUBSCRIBER_QUEUE": 3}
    return FlakyLayer()


async def _send(layer, n: int, group: str = GROUP) -> None:
    await layer.group_send(group, {"type": EVENT_TYPE, "group": group, "n": n})


async def _subscribed(hub: RoomHub, room_id: int = 7) -> RoomListener:
    listener = RoomListener(room_id, hub=hub)
    await hub.subscribe(listener)
    return listener


async def _next(listener: RoomListener):
    return await asyncio.wait_for(listener.next(), 2)


async def test_two_subscriptions_of_a_room_share_one_membership_and_one_delivery(layer):
    hub = RoomHub(layer)
    first, second = await _subscribed(hub), await _subscribed(hub)
    assert list(layer.groups[GROUP]) == [hub.channel]
    await _send(layer, 1)
    assert (await _next(first))["n"] == 1
    assert (await _next(second))["n"] == 1
    assert layer.delivered == 1
    await hub.unsubscribe(first)
    await hub.unsubscribe(second)


async def test_ending_one_subscription_keeps_the_others_membership(layer):
    hub = RoomHub(layer)
    leaving, staying = await _subscribed(hub), await _subscribed(hub)
    await hub.unsubscribe(leaving)
    await _send(layer, 2)
    assert (await _next(staying))["n"] == 2
    assert not leaving.backlog
    await hub.unsubscribe(staying)


async def test_the_last_subscription_leaving_leaves_the_group_and_stops_reading(layer):
    hub = RoomHub(layer)
    listener = await _subscribed(hub)
    reader = hub._reader
    await hub.unsubscribe(listener)
    assert GROUP not in layer.groups
    assert reader.done() and hub._reader is None


async def test_subscriptions_starting_together_share_one_channel(layer):
    hub = RoomHub(layer)
    listeners = await asyncio.gather(*(_subscribed(hub, room_id) for room_id in (1, 2, 3)))
    assert len(layer.made) == 1
    for room_id, listener in zip((1, 2, 3), listeners, strict=True):
        await _send(layer, room_id, group=room_group(room_id))
        assert (await _next(listener))["n"] == room_id
    for listener in listeners:
        await hub.unsubscribe(listener)


async def test_a_room_joined_after_the_hub_stopped_is_read_on_a_new_channel(layer):
    hub = RoomHub(layer)
    await hub.unsubscribe(await _subscribed(hub))
    again = await _subscribed(hub)
    assert len(layer.made) == 2 and layer.made[-1] == hub.channel
    await _send(layer, 9)
    assert (await _next(again))["n"] == 9
    await hub.unsubscribe(again)


async def test_events_of_other_rooms_reach_only_their_own_subscriptions(layer):
    hub = RoomHub(layer)
    mine, theirs = await _subscribed(hub), await _subscribed(hub, 8)
    await _send(layer, 3, group=room_group(8))
    assert (await _next(theirs))["n"] == 3
    await _send(layer, 4)
    assert (await _next(mine))["n"] == 4
    await hub.unsubscribe(mine)
    await hub.unsubscribe(theirs)


async def test_a_subscription_during_the_last_ones_leaving_is_still_in_the_group(layer):
    hub = RoomHub(layer)
    first = await _subscribed(hub)
    leaving = asyncio.create_task(hub.unsubscribe(first))
    await asyncio.sleep(0)  # the discard is under way
    second = await _subscribed(hub)
    await leaving
    assert list(layer.groups[GROUP]) == [hub.channel]
    await _send(layer, 5)
    assert (await _next(second))["n"] == 5
    await hub.unsubscribe(second)


async def test_a_join_that_fails_warns_once_then_restores(layer):
    hub = RoomHub(layer)
    layer.joins_fail = True
    first, second = await _subscribed(hub), await _subscribed(hub)
    assert await _next(first) is LayerState.UNAVAILABLE
    assert await _next(second) is LayerState.UNAVAILABLE
    layer.joins_fail = False
    assert await _next(first) is LayerState.RESTORED
    assert await _next(second) is LayerState.RESTORED
    await _send(layer, 6)
    assert (await _next(first))["n"] == 6
    await hub.unsubscribe(first)
    await hub.unsubscribe(second)


async def test_a_lost_connection_that_rejoins_at_once_asks_for_a_silent_catch_up(layer):
    hub = RoomHub(layer)
    listener = await _subscribed(hub)
    await asyncio.sleep(0)  # the reader is waiting on the layer
    layer.receive_fails.set()
    assert await _next(listener) is LayerState.RESYNC
    await _send(layer, 7)
    assert (await _next(listener))["n"] == 7
    await hub.unsubscribe(listener)


async def test_an_unexpected_receive_error_does_not_stop_the_reader(layer, caplog):
    hub = RoomHub(layer)
    listener = await _subscribed(hub)
    await asyncio.sleep(0)
    layer.failure = KeyError("injected: a bug in the layer")
    layer.receive_fails.set()
    assert await _next(listener) is LayerState.RESYNC
    await _send(layer, 8)
    assert (await _next(listener))["n"] == 8
    assert "room hub receive failed unexpectedly" in caplog.messages
    await hub.unsubscribe(listener)


async def test_a_lost_connection_with_the_layer_down_warns_every_room_then_restores(layer):
    hub = RoomHub(layer)
    mine, theirs = await _subscribed(hub), await _subscribed(hub, 8)
    await asyncio.sleep(0)
    layer.joins_fail = True
    layer.receive_fails.set()
    assert await _next(mine) is LayerState.UNAVAILABLE
    assert await _next(theirs) is LayerState.UNAVAILABLE
    await asyncio.sleep(0.2)  # retries fail meanwhile, and warn no one twice
    layer.joins_fail = False
    assert await _next(mine) is LayerState.RESTORED
    assert await _next(theirs) is LayerState.RESTORED
    await hub.unsubscribe(mine)
    await hub.unsubscribe(theirs)


async def test_a_subscription_that_does_not_read_overflows_alone(layer):
    hub = RoomHub(layer)
    reader = await _subscribed(hub)
    async with RoomListener(7, hub=hub) as idle:
        for n in range(4):  # one more than the backlog holds
            await _send(layer, n)
            assert (await _next(reader))["n"] == n
        with pytest.raises(SubscriberTooSlow):
            await idle.next()
    assert hub.rooms[GROUP].listeners == {reader}
    await hub.unsubscribe(reader)


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs the Redis channel layer (the services run)")
async def test_an_idle_room_on_redis_hears_nothing_for_longer_than_the_layers_blocking_wait(settings):
    """The layer's BZPOPMIN waits 5 s on an idle channel; a socket read timeout no longer than
    that (redis-py 8's default) made every idle receive fail and every room catch up."""
    hub = RoomHub(get_channel_layer())
    listener = await _subscribed(hub, 424242)
    try:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(listener.next(), RedisChannelLayer.brpop_timeout + 2)
    finally:
        await hub.unsubscribe(listener)
