"""A participant's view of one room over time: first every message after the client's
cursor, then live events, and after a realtime outage the messages it missed. Nothing is
skipped between the phases and nothing is yielded twice: a live event is yielded as it came
only when it names the newest message yielded as its predecessor; otherwise every read
starts after the newest message yielded."""

import asyncio
import copy
import itertools
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection

from chat import selectors
from chat.cursors import Cursor, message_cursor
from chat.loops import PerLoop
from chat.models import Bid, ChatRoom, Message, User
from chat.payloads import message_from_payload
from chat.presence import presence_user
from chat.realtime import DATABASE_ERRORS, LayerState, RoomListener
from chat.services.receipts import messages_stamp_delivered, undelivered

logger = logging.getLogger(__name__)

REPLAY_BATCH = 100
# Waits between a subscription's attempts to reach a database that is down, the last repeated
# until it answers. The subscription stays open meanwhile, and misses nothing: no send can
# commit while the database is down, and the next read starts after the newest message yielded.
DATABASE_RETRY_SECONDS = (0.25, 0.5, 1.0, 2.0, 4.0)
# Before the first message: what `newest` is while the subscriber has seen none.
NOTHING_YET = Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0)
# Where a layer event keeps the message this process decoded from it (RoomFeed._next_in_line).
_DECODED = "_parley_decoded"


@dataclass
class MessageItem:
    """A new message; for a BID message the schema shows it as a BidEvent. `origin`: the layer
    event's message as this process decoded it, the same object for every subscription here
    (schema.shared executes a selection that shows nothing of the viewer's once for all of
    them); None for a message read from the database."""

    message: Message
    origin: Message | None = None


@dataclass
class BidItem:
    message: Message
    bid: Bid


@dataclass
class ReceiptItem:
    message_id: int
    read_at: datetime
    reader: User


@dataclass
class MessageUpdatedItem:
    """A message already sent, edited or deleted: as it is now."""

    message: Message


@dataclass
class TypingItem:
    """The other participant started or stopped typing (chat.typing adds the lapses)."""

    user: User
    typing: bool


@dataclass
class PresenceItem:
    """The other participant came online or went offline: `user.presence_now` says which."""

    user: User


@dataclass
class WarningItem:
    code: str
    detail: str


FeedItem = MessageItem | BidItem | ReceiptItem | MessageUpdatedItem | TypingItem | PresenceItem | WarningItem

UNAVAILABLE = WarningItem(
    "REALTIME_UNAVAILABLE", "Live updates are unavailable; messages are saved. Poll history until restored."
)
RESTORED = WarningItem("REALTIME_RESTORED", "Live updates are back; missed messages follow.")


def _database(fn):
    """Run a read or write of the feed on the database thread, waiting out an outage: the first
    failure retries at once on a new connection (after a database restart the thread's one
    is dead), later ones back off. Applied once per function; `fn` looks up what it calls
    when it runs."""

    def on_thread(**kwargs):
        try:
            return fn(**kwargs)
        except DATABASE_ERRORS:
            connection.close()  # the next attempt opens a new connection
            raise

    call = sync_to_async(on_thread)

    async def retrying(**kwargs):
        waits = itertools.chain((0.0,), DATABASE_RETRY_SECONDS, itertools.repeat(DATABASE_RETRY_SECONDS[-1]))
        for attempt, wait in enumerate(waits, start=1):
            try:
                return await call(**kwargs)
            except DATABASE_ERRORS as error:
                if attempt > 1:
                    logger.warning(
                        "database unavailable to a subscription",
                        extra={"attempt": attempt - 1, "retry_in_seconds": wait, "error": repr(error)},
                    )
                await asyncio.sleep(wait)

    return retrying


@_database
def _newest_message_cursor(*, room_id: int) -> Cursor | None:
    return selectors.newest_message_cursor(room_id=room_id)


@_database
def _messages_after(*, room_id: int, cursor: Cursor, limit: int) -> list[Message]:
    return selectors.messages_after(room_id=room_id, cursor=cursor, limit=limit)


@_database
def _message_with_payload(*, message_id: int) -> Message | None:
    return selectors.message_with_payload(message_id=message_id)


@_database
def _room_is_blocked(*, room_id: int) -> bool:
    return selectors.room_is_blocked(room_id=room_id)


@_database
def _stamp_delivered(*, messages: list[Message]) -> None:
    messages_stamp_delivered(messages=messages)


class RoomFeed:
    """Messages commit in (createdAt, id) order within a room (services lock the room to
    stamp them), so "everything after the newest message yielded" is always exactly what
    is missing: a replay, a catch-up after an outage and a live event that shows a gap are
    the same read. A live event that names the newest message yielded as its predecessor
    needs no read at all: nothing can be missing between the two."""

    def __init__(self, *, room: ChatRoom, user: User) -> None:
        # The subscriber is one of the room's two users: one object for them, not two.
        if room.organizer_id == user.pk:
            room.organizer = user
        elif room.vendor_id == user.pk:
            room.vendor = user
        self.room = room
        self.user = user
        self.newest: Cursor = NOTHING_YET
        self._listener: RoomListener | None = None
        # While the room is blocked no typing or presence passes (chat.services.blocking):
        # read once joined, and again whenever a block event or a gap says it may have changed.
        self.blocked = False

    async def items(self, *, after: Cursor | None) -> AsyncIterator[FeedItem]:
        if after is None:
            after = await _newest_message_cursor(room_id=self.room.pk)
        if after is not None:
            self.newest = after
        async with RoomListener(self.room.pk) as listener:
            self._listener = listener
            listener.seen = self.newest
            self.blocked = await _room_is_blocked(room_id=self.room.pk)
            # Joined before replaying: whatever commits from now on also arrives live, and
            # the read after the newest cursor cannot yield it twice.
            async for item in self._new_messages():
                yield item
            while True:
                signal = await listener.next()
                if isinstance(signal, LayerState):
                    if signal is LayerState.UNAVAILABLE:
                        yield UNAVAILABLE
                        continue
                    if signal is LayerState.RESTORED:
                        yield RESTORED
                    self.blocked = await _room_is_blocked(room_id=self.room.pk)
                    # RESTORED or RESYNC: events may have been lost meanwhile.
                    async for item in self._new_messages():
                        yield item
                elif signal.get("kind") == "message":
                    if (origin := self._next_in_line(signal)) is not None:
                        message = copy.copy(origin)  # this subscriber's: its room, its deliveredAt
                        await self._delivered([message])
                        yield self._accept(message, origin=origin)
                    elif Cursor.decode(signal["cursor"]) > self.newest:
                        # A message in between is missing here (broadcasts of two commits
                        # may overtake each other): reading from the cursor yields both, in order.
                        async for item in self._new_messages():
                            yield item
                elif update := await self._update(signal):
                    yield update

    def _next_in_line(self, event: dict[str, Any]) -> Message | None:
        """The event's message, decoded once per process, when it directly follows the newest
        message yielded. The hub hands one event dict to every subscription of the room here;
        the first to decode it keeps the message on it for the others (never to be copied or
        changed: each subscriber yields a copy)."""
        previous = event["previous"]
        if (NOTHING_YET if previous is None else Cursor.decode(previous)) != self.newest:
            return None
        if (decoded := event.get(_DECODED)) is None:
            decoded = event[_DECODED] = message_from_payload(event["payload"], room=self.room)
        return decoded

    async def _new_messages(self) -> AsyncIterator[FeedItem]:
        while True:
            batch = await _messages_after(room_id=self.room.pk, cursor=self.newest, limit=REPLAY_BATCH)
            await self._delivered(batch)
            for message in batch:
                yield self._accept(message)
            if len(batch) < REPLAY_BATCH:
                return

    def _accept(self, message: Message, *, origin: Message | None = None) -> MessageItem:
        self.newest = message_cursor(message)
        if self._listener is not None:
            self._listener.seen = self.newest
        message.room = self._room_with_last(message)
        return MessageItem(message, origin)

    def _room_with_last(self, message: Message) -> ChatRoom:
        """The room as the new message left it: its last message is this one. A copy, since the
        subscription's own room was read when it started and its last message has moved on."""
        room = copy.copy(self.room)
        room.last_message_id = message.pk
        ChatRoom.last_message.field.set_cached_value(room, message)
        return room

    async def _update(self, event: dict[str, Any]) -> FeedItem | None:
        """A change to something already sent (a read receipt, a bid's new terms or status, an
        edit or a delete), typing, presence, or the room's block."""
        if event.get("kind") == "read":
            reader_id = event["reader_id"]
            reader = self.room.organizer if reader_id == self.room.organizer_id else self.room.vendor
            return ReceiptItem(event["message_id"], datetime.fromisoformat(event["read_at"]), reader)
        if event.get("kind") == "block":
            was_blocked, self.blocked = self.blocked, await _room_is_blocked(room_id=self.room.pk)
            if self.blocked and not was_blocked:
                # Their typing ends with the block (dropped by chat.typing unless it was shown).
                return TypingItem(self._participant(self._other_id()), False)
            return None
        if event.get("kind") == "typing":
            # Only the other participant hears it, and only live: nothing to read.
            if event["user_id"] == self.user.pk or self.blocked:
                return None
            return TypingItem(self._participant(event["user_id"]), event["typing"])
        if event.get("kind") == "presence":
            if event["user_id"] == self.user.pk or self.blocked:
                return None
            return PresenceItem(presence_user(self._participant(event["user_id"]), event))
        message = await _message_with_payload(message_id=event["message_id"])
        if message is None or message.room_id != self.room.pk:
            return None
        # The room comes with the message, read now: its last message is the current one.
        if event.get("kind") == "updated":
            return MessageUpdatedItem(message)
        return BidItem(message, message.bid)

    def _participant(self, user_id: int) -> User:
        return self.room.organizer if user_id == self.room.organizer_id else self.room.vendor

    def _other_id(self) -> int:
        return self.room.vendor_id if self.user.pk == self.room.organizer_id else self.room.organizer_id

    async def _delivered(self, messages: list[Message]) -> None:
        # Reaching the recipient's subscription is delivery, stamped before it is yielded.
        if pending := undelivered(messages=messages, recipient=self.user):
            await delivery_stamps().stamp(pending)


class DeliveryStamps:
    """Group commit for deliveredAt: the stamps that subscriptions ask for while an UPDATE
    is running are written together by the next one. Every subscription's database work runs
    on one thread, so one UPDATE per event would make a busy process's subscribers fall
    behind its senders; this way the number of UPDATEs falls as the load rises, and each
    stamp has still committed before its message is yielded."""

    def __init__(self) -> None:
        self._waiting: list[tuple[list[Message], asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    async def stamp(self, messages: list[Message]) -> None:
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((messages, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await _stamp_delivered(messages=[m for messages, _ in batch for m in messages])
            except Exception as error:  # noqa: BLE001 - each waiting subscription gets it, as if alone
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


_stamps: PerLoop[DeliveryStamps] = PerLoop(DeliveryStamps)


def delivery_stamps() -> DeliveryStamps:
    return _stamps.get()
