"""Delivery cannot stall: a committed message reaches a connected subscriber without any later
message, whatever failed. Each race is forced on purpose, with a layer subclass or a real
Redis restarted under a live connection: a broadcast refused until the layer is back, a
broadcast on a connection from before a restart, a membership lost without an error, and a
receive that misses an event."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone
from django.utils.module_loading import import_string

from chat import feed, realtime
from chat.services.messages import message_send
from tests.factories import RoomFactory
from tests.processes import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)

# Well inside the guarantee (5 s), and far below what each test sets as its only way in.
BOUND_SECONDS = 5


class FaultyLayer(realtime.InProcessChannelLayer):
    """The real embedded layer, with faults to switch on from a test."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refusing = False
        self.drop_next_receive = False
        self.refused = 0

    async def group_send(self, group, message):
        if self.refusing:
            self.refused += 1
            raise ConnectionError("injected: the layer refuses the broadcast")
        await super().group_send(group, message)

    async def receive(self, channel):
        message = await super().receive(channel)
        if self.drop_next_receive:
            # The event is gone and nothing says so, as when a layer drops a full channel's.
            self.drop_next_receive = False
            message = await super().receive(channel)
        return message


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.FaultyLayer", "CONFIG": {"capacity": 100}}}
    settings.PARLEY = {**settings.PARLEY, "REALTIME_RETRY_SECONDS": 0.05, "RECONCILE_GRACE_SECONDS": 0}
    yield get_channel_layer()


def only_reconciliation(settings, *, every: float) -> None:
    """Nothing but reconciliation can bring the message: held events are never re-sent."""
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_SECONDS": every, "RECONCILE_FAST_FOR_SECONDS": 0}


async def subscribed(room):
    """The organizer's feed, joined to the room's group: it replayed the room's first message."""
    first = await sync_to_async(message_send)(room=room, sender=room.vendor, text="before")
    items = feed.RoomFeed(room=room, user=room.organizer).items(after=feed.NOTHING_YET)
    replayed = await asyncio.wait_for(anext(items), BOUND_SECONDS)
    assert replayed.message.pk == first.pk
    return items


async def next_text(items) -> str:
    return (await asyncio.wait_for(anext(items), BOUND_SECONDS)).message.text


async def test_a_broadcast_refused_until_the_layer_answers_is_re_sent_when_it_does(layer, settings):
    # Reconciliation is off: only the publisher's re-send can bring the message.
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_SECONDS": 3600, "RECONCILE_FAST_FOR_SECONDS": 0}
    room = await sync_to_async(RoomFactory)()
    items = await subscribed(room)
    layer.refusing = True
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="sent while refused")
    refused_before = layer.refused
    assert refused_before >= 2  # the broadcast and its retry on a new connection
    waiting = asyncio.ensure_future(next_text(items))
    while layer.refused == refused_before:  # the announcer has tried again, still refused
        await asyncio.sleep(0.01)
    assert not waiting.done()
    layer.refusing = False
    assert await waiting == sent.text
    assert realtime.announcer().held == {}
    await items.aclose()


async def test_a_membership_lost_without_an_error_is_caught_up_by_reconciliation(layer, settings):
    only_reconciliation(settings, every=0.1)
    room = await sync_to_async(RoomFactory)()
    items = await subscribed(room)
    # A restarted Redis forgets every group; here nothing even fails to tell the hub.
    layer.groups.pop(realtime.room_group(room.pk))
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="to an empty group")
    assert await next_text(items) == "to an empty group"
    await items.aclose()


async def test_an_event_the_receive_loop_misses_is_caught_up_by_reconciliation(layer, settings):
    only_reconciliation(settings, every=0.1)
    room = await sync_to_async(RoomFactory)()
    items = await subscribed(room)
    layer.drop_next_receive = True
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="missed by the receive")
    assert await next_text(items) == "missed by the receive"
    assert not layer.drop_next_receive  # the event really was dropped
    await items.aclose()


async def test_a_subscription_in_step_with_its_room_is_not_asked_to_catch_up(layer, settings, monkeypatch):
    only_reconciliation(settings, every=0.01)
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_GRACE_SECONDS": 0.3}
    room = await sync_to_async(RoomFactory)()
    items = await subscribed(room)
    sent = await sync_to_async(message_send)(room=room, sender=room.vendor, text="live")
    assert await next_text(items) == "live"
    (listener,) = realtime.room_hub().rooms[realtime.room_group(room.pk)].listeners
    settled_rounds = asyncio.Semaphore(0)
    real = realtime._room_heads

    async def counted(**kwargs):
        heads = await real(**kwargs)
        if timezone.now() - sent.created_at > timedelta(seconds=0.3):
            settled_rounds.release()
        return heads

    monkeypatch.setattr(realtime, "_room_heads", counted)
    # Rounds that compare the head with what the subscription yielded from the live event.
    for _ in range(5):
        await asyncio.wait_for(settled_rounds.acquire(), BOUND_SECONDS)
    assert listener.backlog == []
    await items.aclose()


LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


@pytest.fixture(params=sorted(LAYERS))
def redis_layer(request, settings):
    """A private Redis behind the named Redis layer; the layer's class for a second client."""
    process = RedisProcess().start()
    backend = LAYERS[request.param]
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend, "CONFIG": {"hosts": [process.url]}}}
    yield process, import_string(backend)
    process.stop()


async def test_a_broadcast_on_a_connection_from_before_a_redis_restart_succeeds_on_a_new_one(redis_layer, caplog):
    redis, layer_class = redis_layer
    group = realtime.room_group(1)
    publisher = get_channel_layer()
    assert await sync_to_async(realtime.broadcast)(1, {"kind": "read"})  # its pool now holds a connection
    await asyncio.to_thread(redis.stop)
    await asyncio.to_thread(redis.start)  # same port: the pooled connection is dead, not gone
    receiver = layer_class(hosts=[redis.url])
    channel = await receiver.new_channel()
    await receiver.group_add(group, channel)

    assert await sync_to_async(realtime.broadcast)(1, {"kind": "read", "message_id": 9})
    received = await asyncio.wait_for(receiver.receive(channel), BOUND_SECONDS)
    assert received["message_id"] == 9
    assert "realtime broadcast failed" not in caplog.text
    await receiver.flush()
    await publisher.flush()
