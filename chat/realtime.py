"""The one place that touches the channel layer: group names, the event envelope, the safe
broadcast that logs instead of failing, and the resilient hub through which a process's
subscriptions hear their rooms.

A new message's event carries its committed payload and the cursor of the message before it
in the room, so a subscriber that has seen exactly that one yields the payload as it is; any
other subscriber reads from the database, which stays the source of truth. Events are sent
after commit, so none can describe something that was rolled back.

Delivery cannot stall. A committed message reaches every connected subscriber of its room
within RECONCILE_SECONDS + RECONCILE_GRACE_SECONDS (5 s by default) of the layer working
again, whatever failed, and without waiting for a later message. Three mechanisms, each
covering what the one before cannot see:
1. The publisher. A broadcast that fails on a connection error retries once after dropping
   the idle connections (a connection from before a Redis restart fails on first use). If
   that fails too, the process's Announcer holds the event and re-sends it every retry
   interval until the layer takes it: about a second after the layer is back. A repeated or
   late event is harmless, since subscribers skip a message they have seen and read the
   database when an event shows a gap.
2. The hub. A failed receive or join makes it rejoin every room (a restarted Redis forgets
   every group), and its subscriptions catch up from the database.
3. Reconciliation, the guarantee behind both. With one query for all its rooms, the hub
   compares each room's head (its newest message: ChatRoom.last_activity_at and
   last_message_id, which only appending a message moves) with the newest message each
   subscription has yielded; one behind a head older than the grace catches up. It runs
   every RECONCILE_SECONDS (4 s), and every retry interval (1 s) in the minute after this
   process saw the layer fail. It catches what nothing reports: an event the layer dropped
   silently (a full or expired channel), a membership lost without an error, a publisher
   that died between its commit and its broadcast. The grace keeps an event still in flight
   from costing a read; docs/benchmarks.md has its cost at 10,000 idle subscriptions.
"""

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from chat import metrics, selectors
from chat.cancellation import cancel_and_wait, raise_if_cancel_lost
from chat.cursors import Cursor, message_cursor
from chat.loops import PerLoop
from chat.payloads import message_payload

logger = logging.getLogger(__name__)

EVENT_TYPE = "room.event"
# What a broken channel layer raises: redis-py's errors do not derive from OSError.
LAYER_ERRORS = (RedisError, OSError, ConnectionError, asyncio.TimeoutError)
DATABASE_ERRORS = (OperationalError, InterfaceError)


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


def message_updated_event(message, *, last: bool) -> dict[str, Any]:
    """A sent message edited or deleted; `last` when it is the room's newest (the room list shows it).
    Subscribers read the message as it is now, so two edits whose events overtake each other
    still leave every subscriber with the newest text."""
    return {"kind": "updated", "message_id": message.pk, "last": last}


def typing_event(*, user_id: int, typing: bool) -> dict[str, Any]:
    return {"kind": "typing", "user_id": user_id, "typing": typing}


def presence_event(*, user_id: int, online: bool, last_seen_at) -> dict[str, Any]:
    """A user came online or went offline (chat.presence); sent to each of their rooms."""
    return {
        "kind": "presence",
        "user_id": user_id,
        "online": online,
        "last_seen_at": None if last_seen_at is None else last_seen_at.isoformat(),
    }


def block_event(*, room_id: int) -> dict[str, Any]:
    """A participant blocked or unblocked the other (chat.services.blocking). It says only that
    the room's block changed: subscribers read the state, so two changes whose events overtake
    each other still leave every subscriber with the state that committed last."""
    return {"kind": "block", "room_id": room_id}


def inbox_channel_id(user_id: int) -> int:
    """The id under which a user's own events (a room someone started with them) travel this
    module's room machinery: the negative of theirs, which no room has. The hub, the publisher,
    its retry and the announcer serve it like a room; reconciliation finds no head and skips it."""
    return -user_id


def room_started_event(room) -> dict[str, Any]:
    """A room was created; sent to each participant's inbox channel (chat.inbox)."""
    return {"kind": "room", "room_id": room.pk}


def publish_after_commit(room_id: int, event: dict[str, Any], *, hold: bool = True) -> None:
    """Broadcast once the surrounding transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: broadcast(room_id, event, hold=hold))


def broadcast(room_id: int, event: dict[str, Any], *, hold: bool = True) -> bool:
    """Send an event to the room's subscribers. A failure is logged, never raised: the write
    it describes has committed and clients catch up from history. A failed event is held and
    re-sent once the layer answers, unless `hold` is off (an event only worth sending now)."""
    return async_to_sync(_publish)(room_id, event, hold)


async def _publish(room_id: int, event: dict[str, Any], hold: bool) -> bool:
    try:
        await _group_send(room_id, event)
    except Exception as error:  # noqa: BLE001 - any layer failure must not fail the write
        logger.warning(
            "realtime broadcast failed",
            extra={"room_id": room_id, "event_kind": event.get("kind"), "error": repr(error), "held": hold},
        )
        metrics.BROADCAST_FAILURES.inc()
        if hub := _hubs.peek():
            hub.outage_seen()
        if hold:
            announcer().hold(room_id, event)
        return False
    return True


async def broadcast_async(room_id: int, event: dict[str, Any], *, hold: bool = True) -> bool:
    """`broadcast` for code already on the event loop (presence changes)."""
    return await _publish(room_id, event, hold)


async def _group_send(room_id: int, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    group = room_group(room_id)
    message = {"type": EVENT_TYPE, "group": group, **event}
    timeout = settings.PARLEY["BROADCAST_TIMEOUT_SECONDS"]
    try:
        async with asyncio.timeout(timeout):
            await layer.group_send(group, message)
    except TimeoutError:
        raise  # a layer that does not answer would only keep the writer waiting twice as long
    except LAYER_ERRORS:
        # After a Redis restart every idle pooled connection is dead and fails on first use:
        # drop them and try once more, on a new one.
        await _drop_idle_connections(layer)
        async with asyncio.timeout(timeout):
            await layer.group_send(group, message)


async def _drop_idle_connections(layer) -> None:
    """Disconnect the idle Redis connections the layer holds for the running loop (the core
    and the pub/sub layers keep them differently); the in-process layer has none."""
    per_loop = getattr(layer, "_layers", {}).get(asyncio.get_running_loop())
    clients = list(getattr(per_loop, "_connections", {}).values())
    clients += [shard._redis for shard in getattr(per_loop, "_shards", ()) if shard._redis is not None]
    for client in clients:
        with contextlib.suppress(*LAYER_ERRORS):
            await client.connection_pool.disconnect(inuse_connections=False)


class Announcer:
    """A process's events that the layer refused, re-sent every retry interval until it takes
    them. Per room it keeps the newest message event (a subscriber that gets it reads any
    earlier one it missed) and the newest event of each other thing changed, so what it holds
    is bounded by what changed, not by how long the layer was down."""

    HELD_ROOMS_MAX = 10_000  # beyond this, reconciliation alone catches the rooms up

    def __init__(self) -> None:
        self.held: dict[int, dict[tuple, dict[str, Any]]] = {}
        self._resender: asyncio.Task | None = None

    def hold(self, room_id: int, event: dict[str, Any]) -> None:
        if room_id not in self.held and len(self.held) >= self.HELD_ROOMS_MAX:
            logger.warning("realtime announcer full; reconciliation will catch the room up", extra={"room_id": room_id})
            metrics.HELD_EVENTS_DROPPED.inc()
            return
        events = self.held.setdefault(room_id, {})
        kind = event.get("kind")
        # A presence event names a user, a new room its room: each one's newest is kept.
        key = (
            (kind,)
            if kind == "message"
            else (kind, event.get("message_id"), event.get("user_id"), event.get("room_id"))
        )
        held = events.get(key)
        if kind == "message" and held is not None and Cursor.decode(held["cursor"]) > Cursor.decode(event["cursor"]):
            return
        if key not in events:
            metrics.EVENTS_HELD.inc()
        events[key] = event
        if self._resender is None or self._resender.done():
            self._resender = asyncio.create_task(self._resend(), name="parley-announcer")

    async def _resend(self) -> None:
        retry = settings.PARLEY["REALTIME_RETRY_SECONDS"]
        while self.held:
            await asyncio.sleep(retry)
            sent = 0
            try:
                for room_id in list(self.held):
                    events = self.held[room_id]
                    for key, event in list(events.items()):
                        try:
                            await _group_send(room_id, event)
                        except LAYER_ERRORS:
                            raise
                        except Exception:  # noqa: BLE001 - an event the layer can never take is dropped, not retried forever
                            logger.exception("dropping a held event the layer refused", extra={"room_id": room_id})
                            metrics.HELD_EVENTS_DROPPED.inc()
                        else:
                            metrics.EVENTS_RESENT.inc()
                        if events.get(key) is event:
                            del events[key]
                            metrics.EVENTS_HELD.dec()
                        sent += 1
                    if not events:
                        del self.held[room_id]
            except LAYER_ERRORS as error:
                logger.info("realtime still unavailable to re-send held events", extra={"error": repr(error)})
            if sent:
                logger.info("realtime re-sent held events", extra={"events": sent, "rooms_still_held": len(self.held)})


_announcers: PerLoop[Announcer] = PerLoop(Announcer)


def announcer() -> Announcer:
    """The running event loop's announcer. In a server process that is the loop serving every
    request; a broadcast from a short-lived loop (a command, a synchronous test) loses what
    it held with that loop, and reconciliation catches its rooms up."""
    return _announcers.get()


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

    __slots__ = ("room_id", "group", "hub", "backlog", "capacity", "waiter", "overflowed", "warned", "seen")

    def __init__(self, room_id: int, *, hub: "RoomHub | None" = None) -> None:
        self.room_id = room_id
        self.group = room_group(room_id)
        self.hub = hub
        self.backlog: list[Signal] = []
        self.capacity: int = settings.PARLEY["SUBSCRIBER_QUEUE"]
        self.waiter: asyncio.Future | None = None
        self.overflowed = False
        # Told UNAVAILABLE and not yet RESTORED.
        self.warned = False
        # The newest message its subscriber has yielded, kept by the feed for reconciliation.
        self.seen: Cursor | None = None

    async def __aenter__(self) -> "RoomListener":
        if self.hub is None:
            self.hub = room_hub()
        await self.hub.subscribe(self)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.hub is not None:
            await self.hub.unsubscribe(self)

    async def next(self) -> Signal:
        while not self.backlog:
            raise_if_cancel_lost()  # else a closed subscription would wait here forever
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

    def catch_up(self) -> None:
        """Ask the subscriber to read what it missed, unless it is about to already."""
        if LayerState.RESYNC not in self.backlog:
            self.offer(LayerState.RESYNC)


class _Room:
    __slots__ = ("room_id", "listeners", "joined")

    def __init__(self, room_id: int) -> None:
        self.room_id = room_id
        self.listeners: set[RoomListener] = set()
        self.joined = False

    def lost(self) -> None:
        if self.joined:
            metrics.HUB_ROOMS_JOINED.dec()
        metrics.HUB_ROOMS_LOST.inc()
        self.joined = False
        for listener in self.listeners:
            listener.warn()

    def rejoined(self, *, unwarned: LayerState | None) -> None:
        """Back in the group: a warned subscription hears RESTORED, any other `unwarned`."""
        if not self.joined:
            metrics.HUB_ROOMS_JOINED.inc()
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
        self._reconciler: asyncio.Task | None = None
        # When this process last saw the layer fail: reconciliation runs faster for a while.
        self._outage_at = float("-inf")
        # The pub/sub layer's new_channel() awaits Redis: without it, subscriptions starting
        # together would each make a channel, and rooms joined on all but the last go unread.
        self._making_channel = asyncio.Lock()

    async def subscribe(self, listener: RoomListener) -> None:
        """Returns once the process is in the listener's group (or UNAVAILABLE is queued),
        so whatever commits afterwards reaches it."""
        group = listener.group
        room = self.rooms.setdefault(group, _Room(listener.room_id))
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
        if self._reconciler is None or self._reconciler.done():
            self._reconciler = asyncio.create_task(self._reconcile(), name="parley-room-hub-reconciler")

    def outage_seen(self) -> None:
        """The layer failed here (a receive, a join, a broadcast): reconcile often for a while."""
        self._outage_at = time.monotonic()

    async def unsubscribe(self, listener: RoomListener) -> None:
        room = self.rooms.get(listener.group)
        if room is None or listener not in room.listeners:
            return
        room.listeners.discard(listener)
        if room.listeners:
            return
        del self.rooms[listener.group]
        if room.joined:
            metrics.HUB_ROOMS_JOINED.dec()
            leaving = self._leaving[listener.group] = asyncio.create_task(self._leave(listener.group))
            await asyncio.shield(leaving)
        if not self.rooms:
            await self._stop()

    async def _leave(self, group: str) -> None:
        try:
            async with asyncio.timeout(2):
                await self.layer.group_discard(group, self.channel)
        except LAYER_ERRORS as error:
            logger.info("leaving a room group failed", extra={"group": group, "error": repr(error)})
        finally:
            self._leaving.pop(group, None)

    async def _stop(self) -> None:
        tasks = [task for task in (self._reader, self._mender, self._reconciler) if task is not None]
        self._reader = self._mender = self._reconciler = None
        # The pub/sub layer drops a channel whose receive is cancelled: a subscription that
        # comes along from now on makes a new one (and a reader of its own).
        self.channel = None
        for task in tasks:
            await cancel_and_wait(task)  # the reader's cancellation can be lost mid-command

    async def _join(self, group: str) -> bool:
        try:
            async with self._making_channel:
                if self.channel is None:
                    self.channel = await self.layer.new_channel()
            async with asyncio.timeout(5):
                await self.layer.group_add(group, self.channel)
        except LAYER_ERRORS as error:
            logger.warning("joining a room group failed", extra={"group": group, "error": repr(error)})
            return False
        return True

    def _mend(self) -> None:
        self.outage_seen()
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
                metrics.HUB_ROOMS_REJOINED.inc()
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
                metrics.HUB_RECEIVE_FAILURES.inc()
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
        self.outage_seen()
        rejoined = lost = 0
        for group, room in list(self.rooms.items()):
            if not room.joined or self.rooms.get(group) is not room:
                continue
            if not lost and await self._join(group):
                room.rejoined(unwarned=LayerState.RESYNC)
                metrics.HUB_ROOMS_REJOINED.inc()
                rejoined += 1
            else:
                room.lost()
                lost += 1
        if rejoined:
            logger.info("realtime reconnected", extra={"rooms": rejoined, "error": repr(error)})
        if lost:
            logger.warning("realtime unavailable", extra={"rooms": lost, "error": repr(error)})
            self._mend()

    def _reconcile_interval(self) -> float:
        parley = settings.PARLEY
        if time.monotonic() - self._outage_at < parley["RECONCILE_FAST_FOR_SECONDS"]:
            return parley["REALTIME_RETRY_SECONDS"]
        return parley["RECONCILE_SECONDS"]

    async def _reconcile(self) -> None:
        """Every interval, one read of the heads of every room here that had a message lately:
        a subscription that has not yielded its room's newest message, committed longer than
        the grace ago, catches up. "Lately" reaches RECONCILE_LOOKBACK_SECONDS before the last
        round that read the heads, so a message is compared in many rounds however slowly its
        transaction committed or however far the sender's clock is off, and idle rooms cost
        only their ids."""
        grace = timedelta(seconds=settings.PARLEY["RECONCILE_GRACE_SECONDS"])
        lookback = timedelta(seconds=settings.PARLEY["RECONCILE_LOOKBACK_SECONDS"])
        last_read = timezone.now()
        while self.rooms:
            await asyncio.sleep(self._reconcile_interval())
            rooms = list(self.rooms.values())
            started = timezone.now()
            try:
                heads = await _room_heads(room_ids=[room.room_id for room in rooms], since=last_read - lookback)
                last_read = started
            except DATABASE_ERRORS as error:
                logger.warning("reconciling room heads failed", extra={"rooms": len(rooms), "error": repr(error)})
                metrics.RECONCILE_FAILURES.inc()
                continue
            except Exception:  # noqa: BLE001 - a reconciler that died would take the guarantee with it
                logger.exception("reconciling room heads failed unexpectedly", extra={"rooms": len(rooms)})
                metrics.RECONCILE_FAILURES.inc()
                continue
            settled = timezone.now() - grace
            behind = 0
            for room in rooms:
                head = heads.get(room.room_id)
                if head is None or head.at > settled:
                    continue
                for listener in room.listeners:
                    if listener.seen is not None and listener.seen < head:
                        listener.catch_up()
                        behind += 1
            if behind:
                metrics.RECONCILE_CATCH_UPS.inc(behind)
                logger.warning(
                    "subscriptions behind their room's newest message catch up", extra={"subscriptions": behind}
                )


@sync_to_async
def _room_heads(*, room_ids: list[int], since: datetime) -> dict[int, Cursor]:
    try:
        return selectors.room_heads(room_ids=room_ids, since=since)
    except DATABASE_ERRORS:
        connection.close()  # dead after a database restart: the next round opens a new one
        raise


_hubs: PerLoop[RoomHub] = PerLoop(
    lambda: RoomHub(get_channel_layer()), current=lambda hub: hub.layer is get_channel_layer()
)


def room_hub() -> RoomHub:
    """The running event loop's hub on the current channel layer."""
    return _hubs.get()


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
