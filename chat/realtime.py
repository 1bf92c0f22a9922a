"""The one place that touches the channel layer: group names, the event envelope, the safe
broadcast that logs instead of failing, and the resilient hub through which a process's
subscriptions hear their rooms.

A new message's event carries its committed payload and the cursor of the message before it
in the room, so a subscriber that has seen exactly that one yields the payload as it is; any
other subscriber reads from the database, which stays the source of truth. Events are sent
after commit, so none can describe something that was rolled back.
"""

import asyncio
import contextlib
import logging
import time
import weakref
from enum import Enum
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction
from redis.exceptions import RedisError

from chat.cursors import Cursor, message_cursor
from chat.payloads import message_payload

logger = logging.getLogger(__name__)

EVENT_TYPE = "room.event"
# What a broken channel layer raises: redis-py's errors do not derive from OSError.
LAYER_ERRORS = (RedisError, OSError, ConnectionError, asyncio.TimeoutError)


def room_group(room_id: int) -> str:
    return f"chat_room_{room_id}"


def message_event(message, *, previous: Cursor | None) -> dict[str, Any]:
    """A new message (a bid's too); `previous` is the room's message before it, None for the first."""
    return {
        "kind": "message",
        "message_id": message.pk,
        "cursor": message_cursor(message).encode(),
        "payload": message_payload(message),
        "previous": None if previous is None else previous.encode(),
    }


def bid_event(message, bid) -> dict[str, Any]:
    """A change to a bid already made."""
    return {"kind": "bid", "message_id": message.pk, "bid_id": bid.pk}


def read_receipt_event(*, message_id: int, read_at, reader_id: int) -> dict[str, Any]:
    return {"kind": "read", "message_id": message_id, "read_at": read_at.isoformat(), "reader_id": reader_id}


def publish_after_commit(room_id: int, event: dict[str, Any]) -> None:
    """Broadcast once the surrounding transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: broadcast(room_id, event))


def broadcast(room_id: int, event: dict[str, Any]) -> bool:
    """Send an event to the room's subscribers. A failure is logged, never raised: the write
    it describes has committed and clients catch up from history."""
    try:
        async_to_sync(_group_send)(room_id, event)
    except Exception as error:  # noqa: BLE001 - any layer failure must not fail the write
        logger.warning(
            "realtime broadcast failed",
            extra={"room_id": room_id, "event_kind": event.get("kind"), "error": repr(error)},
        )
        return False
    return True


async def _group_send(room_id: int, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    group = room_group(room_id)
    timeout = settings.PARLEY["BROADCAST_TIMEOUT_SECONDS"]
    await asyncio.wait_for(layer.group_send(group, {"type": EVENT_TYPE, "group": group, **event}), timeout)


class LayerState(Enum):
    UNAVAILABLE = "unavailable"
    RESTORED = "restored"
    # The layer failed and answered again at once (a stale connection after a Redis
    # restart): nothing to warn about, but events may have been lost, so catch up.
    RESYNC = "resync"


class SubscriberTooSlow(Exception):
    """The subscriber fell further behind than its queue holds; it should reconnect and
    resume from its last cursor rather than make the server hold an ever-growing backlog."""


Signal = dict[str, Any] | LayerState


class RoomListener:
    """One subscription's membership of a room, through the process's RoomHub, and its
    bounded backlog of signals. A subscriber that does not keep up is noticed
    (SubscriberTooSlow) instead of silently losing events. Kept small: ten thousand idle
    sockets hold ten thousand of these (a list and, while waiting, one future; an
    asyncio.Queue would be four deques)."""

    __slots__ = ("group", "hub", "backlog", "capacity", "waiter", "overflowed", "warned")

    def __init__(self, room_id: int, *, hub: "RoomHub | None" = None) -> None:
        self.group = room_group(room_id)
        self.hub = hub
        self.backlog: list[Signal] = []
        self.capacity: int = settings.PARLEY["SUBSCRIBER_QUEUE"]
        self.waiter: asyncio.Future | None = None
        self.overflowed = False
        # Told UNAVAILABLE and not yet RESTORED.
        self.warned = False

    async def __aenter__(self) -> "RoomListener":
        if self.hub is None:
            self.hub = room_hub()
        await self.hub.subscribe(self)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.hub.unsubscribe(self)

    async def next(self) -> Signal:
        while not self.backlog:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        if self.overflowed:
            raise SubscriberTooSlow(self.group)
        return self.backlog.pop(0)

    def offer(self, signal: Signal) -> None:
        if self.overflowed:
            return
        if len(self.backlog) >= self.capacity:
            # A full backlog means the consumer is not waiting: it sees the flag at its next read.
            logger.warning("subscriber too slow", extra={"group": self.group, "queued": len(self.backlog)})
            self.overflowed = True
            return
        self.backlog.append(signal)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def warn(self) -> None:
        if not self.warned:
            self.warned = True
            self.offer(LayerState.UNAVAILABLE)


class _Room:
    __slots__ = ("listeners", "joined")

    def __init__(self) -> None:
        self.listeners: set[RoomListener] = set()
        self.joined = False

    def lost(self) -> None:
        self.joined = False
        for listener in self.listeners:
            listener.warn()

    def rejoined(self, *, unwarned: LayerState | None) -> None:
        """Back in the group: a warned subscription hears RESTORED, any other `unwarned`."""
        self.joined = True
        for listener in self.listeners:
            if listener.warned:
                listener.warned = False
                listener.offer(LayerState.RESTORED)
            elif unwarned is not None:
                listener.offer(unwarned)


class RoomHub:
    """A process's membership of the room groups its subscriptions follow: one channel,
    joined to every room with a subscription here, and one task reading it that hands each
    event to that room's subscriptions. Per subscription there is only a RoomListener, so an
    idle socket costs little and an event costs one layer delivery per process, not one per
    subscriber.

    When the layer fails, every room's subscriptions hear UNAVAILABLE once; the hub keeps
    retrying, rejoins (a restarted Redis has forgotten every group) and tells them RESTORED,
    and the feeds catch up from the database in between.
    """

    def __init__(self, layer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.rooms: dict[str, _Room] = {}
        self._leaving: dict[str, asyncio.Task] = {}
        self._reader: asyncio.Task | None = None
        self._mender: asyncio.Task | None = None
        # The pub/sub layer's new_channel() awaits Redis: without it, subscriptions starting
        # together would each make a channel, and rooms joined on all but the last go unread.
        self._making_channel = asyncio.Lock()

    async def subscribe(self, listener: RoomListener) -> None:
        """Returns once the process is in the listener's group (or UNAVAILABLE is queued),
        so whatever commits afterwards reaches it."""
        group = listener.group
        room = self.rooms.setdefault(group, _Room())
        room.listeners.add(listener)
        if leaving := self._leaving.get(group):
            # The room's last subscription is leaving: this join must not land before its discard.
            await asyncio.shield(leaving)
        # Every subscription joins, even when the process is in the group already: that
        # renews the membership, which the layer would otherwise expire (group_expiry).
        if await self._join(group):
            room.rejoined(unwarned=None)
        else:
            room.lost()
            self._mend()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="parley-room-hub")

    async def unsubscribe(self, listener: RoomListener) -> None:
        room = self.rooms.get(listener.group)
        if room is None or listener not in room.listeners:
            return
        room.listeners.discard(listener)
        if room.listeners:
            return
        del self.rooms[listener.group]
        if room.joined:
            leaving = self._leaving[listener.group] = asyncio.create_task(self._leave(listener.group))
            await asyncio.shield(leaving)
        if not self.rooms:
            await self._stop()

    async def _leave(self, group: str) -> None:
        try:
            await asyncio.wait_for(self.layer.group_discard(group, self.channel), 2)
        except LAYER_ERRORS as error:
            logger.info("leaving a room group failed", extra={"group": group, "error": repr(error)})
        finally:
            self._leaving.pop(group, None)

    async def _stop(self) -> None:
        tasks = [task for task in (self._reader, self._mender) if task is not None]
        self._reader = self._mender = None
        # The pub/sub layer drops a channel whose receive is cancelled: a subscription that
        # comes along from now on makes a new one (and a reader of its own).
        self.channel = None
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _join(self, group: str) -> bool:
        try:
            async with self._making_channel:
                if self.channel is None:
                    self.channel = await self.layer.new_channel()
            await asyncio.wait_for(self.layer.group_add(group, self.channel), 5)
        except LAYER_ERRORS as error:
            logger.warning("joining a room group failed", extra={"group": group, "error": repr(error)})
            return False
        return True

    def _mend(self) -> None:
        if self._mender is None or self._mender.done():
            self._mender = asyncio.create_task(self._rejoin_lost(), name="parley-room-hub-mender")

    async def _rejoin_lost(self) -> None:
        """Every retry interval, joins the rooms the hub has lost, until none is left."""
        retry = settings.PARLEY["REALTIME_RETRY_SECONDS"]
        while lost := [(group, room) for group, room in self.rooms.items() if not room.joined]:
            await asyncio.sleep(retry)
            restored = 0
            for group, room in lost:
                if self.rooms.get(group) is not room or room.joined:
                    continue
                if not await self._join(group):
                    break  # still down: the rest would only wait for the same timeout
                room.rejoined(unwarned=None)
                restored += 1
            if restored:
                logger.info("realtime restored", extra={"rooms": restored, "still_lost": len(lost) - restored})

    async def _read(self) -> None:
        retry = settings.PARLEY["REALTIME_RETRY_SECONDS"]
        while self.rooms:
            if self.channel is None:
                await asyncio.sleep(retry)
                continue
            try:
                message = await self.layer.receive(self.channel)
            except Exception as error:  # noqa: BLE001 - a reader that died would leave every room here silent
                if not isinstance(error, LAYER_ERRORS):
                    logger.exception("room hub receive failed unexpectedly")
                await self._resync(error)
                if not any(room.joined for room in self.rooms.values()):
                    # Down: do not spin on receive; the mender reports the return.
                    await asyncio.sleep(retry)
                continue
            if message.get("type") != EVENT_TYPE:
                continue
            if room := self.rooms.get(message.get("group")):
                for listener in room.listeners:
                    listener.offer(message)

    async def _resync(self, error: Exception) -> None:
        """After a failed receive, events may have been lost in every room: rejoin each one.
        A room back at once catches up silently (RESYNC); once a join fails, the rest are lost."""
        rejoined = lost = 0
        for group, room in list(self.rooms.items()):
            if not room.joined or self.rooms.get(group) is not room:
                continue
            if not lost and await self._join(group):
                room.rejoined(unwarned=LayerState.RESYNC)
                rejoined += 1
            else:
                room.lost()
                lost += 1
        if rejoined:
            logger.info("realtime reconnected", extra={"rooms": rejoined, "error": repr(error)})
        if lost:
            logger.warning("realtime unavailable", extra={"rooms": lost, "error": repr(error)})
            self._mend()


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub]" = weakref.WeakKeyDictionary()


def room_hub() -> RoomHub:
    """The running event loop's hub on the current channel layer."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = RoomHub(layer)
    return hub


class InProcessChannelLayer(InMemoryChannelLayer):
    """Channels' in-process layer (the embedded default), with its sweep for expired messages
    and memberships run at most once a second. Channels runs the sweep on every receive and
    group_send and it walks every channel and group, so each event cost time in proportion to
    the subscriptions open: at 10,000 the embedded server spent ~95 % of a core sweeping."""

    SWEEP_SECONDS = 1.0
    _swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_SECONDS:
            self._swept_at = now
            super()._clean_expired()
