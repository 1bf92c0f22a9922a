"""The one place that touches the channel layer: group names, the event envelope, the safe
broadcast that logs instead of failing, and the resilient listener a subscription reads.

A new message's event carries its committed payload and the cursor of the message before it
in the room, so a subscriber that has seen exactly that one yields the payload as it is; any
other subscriber reads from the database, which stays the source of truth. Events are sent
after commit, so none can describe something that was rolled back.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
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
    timeout = settings.PARLEY["BROADCAST_TIMEOUT_SECONDS"]
    await asyncio.wait_for(layer.group_send(room_group(room_id), {"type": EVENT_TYPE, **event}), timeout)


class LayerState(Enum):
    UNAVAILABLE = "unavailable"
    RESTORED = "restored"
    # The layer failed and answered again at once (a stale connection after a Redis
    # restart): nothing to warn about, but events may have been lost, so catch up.
    RESYNC = "resync"


class SubscriberTooSlow(Exception):
    """The subscriber fell further behind than its queue holds; it should reconnect and
    resume from its last cursor rather than make the server hold an ever-growing backlog."""


class RoomListener:
    """One subscription's membership of a room's group, on a channel of its own.

    A channel per subscription means leaving one subscription's group can never drop
    another's membership on the same socket. When the layer fails the listener reports
    UNAVAILABLE once, keeps retrying, rejoins (a restarted Redis has forgotten every group)
    and reports RESTORED; the caller catches up from the database in between.

    A pump drains the channel eagerly into a bounded queue, so a subscriber that does not
    keep up is noticed (SubscriberTooSlow) instead of silently losing events at the layer.
    """

    def __init__(self, room_id: int) -> None:
        self.group = room_group(room_id)
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.joined = False
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=settings.PARLEY["SUBSCRIBER_QUEUE"])
        self.overflowed = False
        self._pump: asyncio.Task | None = None

    async def __aenter__(self) -> "RoomListener":
        self.joined = await self._join()
        self._pump = asyncio.create_task(self._fill_queue())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        if self.joined and self.channel:
            try:
                await asyncio.wait_for(self.layer.group_discard(self.group, self.channel), 2)
            except LAYER_ERRORS as error:
                logger.info("leaving a room group failed", extra={"group": self.group, "error": repr(error)})

    async def _join(self) -> bool:
        try:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
            await asyncio.wait_for(self.layer.group_add(self.group, self.channel), 5)
        except LAYER_ERRORS as error:
            logger.warning("joining a room group failed", extra={"group": self.group, "error": repr(error)})
            return False
        return True

    async def events(self) -> AsyncIterator[dict[str, Any] | LayerState]:
        while True:
            if self.overflowed:
                raise SubscriberTooSlow(self.group)
            yield await self.queue.get()

    async def _fill_queue(self) -> None:
        async for signal in self._signals():
            try:
                self.queue.put_nowait(signal)
            except asyncio.QueueFull:
                logger.warning("subscriber too slow", extra={"group": self.group, "queued": self.queue.qsize()})
                self.overflowed = True
                # A full queue means the consumer is not waiting: it sees the flag at its next read.
                return

    async def _signals(self) -> AsyncIterator[dict[str, Any] | LayerState]:
        retry = settings.PARLEY["REALTIME_RETRY_SECONDS"]
        if not self.joined:
            yield LayerState.UNAVAILABLE
        while True:
            if not self.joined:
                await asyncio.sleep(retry)
                self.joined = await self._join()
                if self.joined:
                    logger.info("realtime restored", extra={"group": self.group})
                    yield LayerState.RESTORED
                continue
            try:
                message = await self.layer.receive(self.channel)
            except LAYER_ERRORS as error:
                self.joined = await self._join()
                if self.joined:
                    logger.info("realtime reconnected", extra={"group": self.group, "error": repr(error)})
                    yield LayerState.RESYNC
                else:
                    logger.warning("realtime unavailable", extra={"group": self.group, "error": repr(error)})
                    yield LayerState.UNAVAILABLE
                continue
            if message.get("type") == EVENT_TYPE:
                yield message


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
