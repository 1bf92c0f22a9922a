"""A participant's view of one room over time: first every message after the client's
cursor, then live events, and after a realtime outage the messages it missed. Nothing is
skipped between the phases and nothing is yielded twice (de-duplicated by message id)."""

from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils.dateparse import parse_datetime

from chat import selectors
from chat.cursors import Cursor, message_cursor
from chat.models import Bid, ChatRoom, Message, User
from chat.realtime import LayerState, RoomListener
from chat.services.receipts import messages_mark_delivered

REPLAY_BATCH = 100
SEEN_IDS_KEPT = 10_000


@dataclass
class MessageItem:
    """A new message; for a BID message the schema shows it as a BidEvent."""

    message: Message


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
class WarningItem:
    code: str
    detail: str


FeedItem = MessageItem | BidItem | ReceiptItem | WarningItem

UNAVAILABLE = WarningItem(
    "REALTIME_UNAVAILABLE", "Live updates are unavailable; messages are saved. Poll history until restored."
)
RESTORED = WarningItem("REALTIME_RESTORED", "Live updates are back; missed messages follow.")


def _reconnecting(fn):
    def call(**kwargs):
        try:
            return fn(**kwargs)
        except (OperationalError, InterfaceError):
            # A subscription outlives database connections: after a database restart the
            # thread's connection is dead, so drop it and try once on a fresh one.
            connection.close()
            return fn(**kwargs)

    return call


def _db(fn):
    return sync_to_async(_reconnecting(fn))


class SeenIds:
    """The ids already yielded, bounded: old ids fall out once far behind the live edge."""

    def __init__(self) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, pk: int) -> bool:
        """Record an id; False when it was already there."""
        if pk in self._ids:
            return False
        self._ids[pk] = None
        if len(self._ids) > SEEN_IDS_KEPT:
            self._ids.popitem(last=False)
        return True


class RoomFeed:
    def __init__(self, *, room: ChatRoom, user: User) -> None:
        self.room = room
        self.user = user
        self.seen = SeenIds()
        self.floor: Cursor = Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0)
        self.newest: Cursor | None = None

    async def items(self, *, after: Cursor | None) -> AsyncIterator[FeedItem]:
        if after is None:
            after = await _db(selectors.newest_message_cursor)(room_id=self.room.pk)
        if after is not None:
            self.floor = self.newest = after
        async with RoomListener(self.room.pk) as listener:
            # Joined before replaying: whatever commits from now on also arrives live, and
            # `seen` drops that second copy.
            async for item in self._messages_since(self.floor):
                yield item
            async for signal in listener.events():
                if signal is LayerState.UNAVAILABLE:
                    yield UNAVAILABLE
                elif signal in (LayerState.RESTORED, LayerState.RESYNC):
                    if signal is LayerState.RESTORED:
                        yield RESTORED
                    async for item in self._messages_since(self._catch_up_from()):
                        yield item
                elif item := await self._load(signal):
                    yield item

    def _catch_up_from(self) -> Cursor:
        # Rows are stamped before they commit, so one stamped a little before our newest may
        # commit after it; look back a few seconds and let `seen` drop what we already sent.
        if self.newest is None:
            return self.floor
        lookback = timedelta(seconds=settings.PARLEY["CATCH_UP_LOOKBACK_SECONDS"])
        return max(self.floor, Cursor(self.newest.at - lookback, 0))

    async def _messages_since(self, since: Cursor) -> AsyncIterator[FeedItem]:
        while True:
            batch = await _db(selectors.messages_after)(room_id=self.room.pk, cursor=since, limit=REPLAY_BATCH)
            items = [item for message in batch if (item := self._accept(message))]
            await self._delivered([item.message for item in items])
            for item in items:
                yield item
            if len(batch) < REPLAY_BATCH:
                return
            since = message_cursor(batch[-1])

    def _accept(self, message: Message) -> MessageItem | None:
        if not self.seen.add(message.pk):
            return None
        key = message_cursor(message)
        if self.newest is None or key > self.newest:
            self.newest = key
        message.room = self.room
        return MessageItem(message)

    async def _load(self, event: dict[str, Any]) -> FeedItem | None:
        kind = event.get("kind")
        if kind == "read":
            reader_id = event["reader_id"]
            reader = self.room.organizer if reader_id == self.room.organizer_id else self.room.vendor
            return ReceiptItem(event["message_id"], parse_datetime(event["read_at"]), reader)
        message = await _db(selectors.message_with_payload)(message_id=event["message_id"])
        if message is None or message.room_id != self.room.pk:
            return None
        if kind == "bid" and not event.get("created"):
            # A change to an existing bid: the message is known, the bid is news.
            message.room = self.room
            return BidItem(message, message.bid)
        item = self._accept(message)
        if item is not None:
            await self._delivered([message])
        return item

    async def _delivered(self, messages: list[Message]) -> None:
        # Reaching the recipient's subscription is delivery; one UPDATE per batch.
        if any(m.sender_id != self.user.pk and m.delivered_at is None for m in messages):
            await _db(messages_mark_delivered)(messages=messages, recipient=self.user)
