"""The live feeds: messageAdded maps the domain's room feed onto the contract's RoomEvent, roomActivity
the inbox onto RoomActivityEvent."""

import logging
from collections.abc import AsyncGenerator

import strawberry
from asgiref.sync import sync_to_async
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment

from chat import feed, metrics, selectors
from chat.cursors import Cursor
from chat.inbox import Inbox
from chat.models import MessageType as MessageKind
from chat.realtime import SubscriberTooSlow
from chat.typing import typing_lapses
from schema.context import require_user
from schema.types import (
    BidEvent,
    MessageEvent,
    MessageUpdatedEvent,
    PresenceEvent,
    ReadReceiptEvent,
    RoomActivityEvent,
    RoomEvent,
    TypingEvent,
    WarningCode,
    WarningEvent,
)

logger = logging.getLogger(__name__)


def to_event(item: feed.FeedItem) -> RoomEvent:
    match item:
        case feed.MessageItem(message=message, origin=origin) if message.message_type == MessageKind.BID:
            return BidEvent(message=message, bid=message.bid, shared_origin=origin)
        case feed.MessageItem(message=message, origin=origin):
            return MessageEvent(message=message, shared_origin=origin)
        case feed.BidItem(message=message, bid=bid):
            return BidEvent(message=message, bid=bid)
        case feed.ReceiptItem(message_id=message_id, read_at=read_at, reader=reader):
            return ReadReceiptEvent(message_id=strawberry.ID(str(message_id)), read_at=read_at, reader=reader)
        case feed.MessageUpdatedItem(message=message):
            return MessageUpdatedEvent(message=message)
        case feed.TypingItem(user=user, typing=typing):
            return TypingEvent(user=user, typing=typing)
        case feed.PresenceItem(user=user):
            return PresenceEvent(user=user)
        case feed.WarningItem(code=code, detail=detail):
            return WarningEvent(code=WarningCode(code), detail=detail)
    raise TypeError(f"unknown feed item {item!r}")


TRY_AGAIN_LATER = 1013  # graphql-ws clients retry on it; they resume with `after`.

# Kinds added after the first clients shipped: sent only to a subscription whose document
# selects them, so a client that cannot show them is not sent frames it would only drop.
OPT_IN = {
    feed.MessageUpdatedItem: "MessageUpdatedEvent",
    feed.TypingItem: "TypingEvent",
    feed.PresenceItem: "PresenceEvent",
}


def selected_types(selections) -> set[str]:
    """The type conditions of every fragment in a selection, nested ones included."""
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, InlineFragment | FragmentSpread):
            if selection.type_condition:
                names.add(selection.type_condition)
            names |= selected_types(selection.selections)
    return names


async def _events(
    room_feed: feed.RoomFeed, after: Cursor | None, socket, wanted: set[str]
) -> AsyncGenerator[RoomEvent, None]:
    items = room_feed.items(after=after)
    if "TypingEvent" in wanted:
        items = typing_lapses(items)
    metrics.MESSAGE_ADDED_OPEN.inc()
    try:
        async for item in items:
            if OPT_IN.get(type(item), "") in wanted or type(item) not in OPT_IN:
                metrics.MESSAGE_ADDED_DELIVERED.inc()
                yield to_event(item)
    except SubscriberTooSlow:
        logger.info("closing a socket that fell behind", extra={"room_id": room_feed.room.pk})
        await socket.close(code=TRY_AGAIN_LATER, reason="Too slow: reconnect and resume with after")
    finally:
        metrics.MESSAGE_ADDED_OPEN.dec()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "The room's events; with `after`, every message since that cursor first. MessageUpdatedEvent, "
            "TypingEvent and PresenceEvent come only to a subscription whose document selects them."
        )
    )
    async def message_added(
        self, info: Info, room_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[RoomEvent, None]:
        # Checked before the stream starts, so a refusal is the operation's `error` message.
        user = require_user(info)
        room = await sync_to_async(selectors.room_for_participant)(room_id=room_id, user=user)
        cursor = Cursor.decode(after) if after else None
        wanted = selected_types(info.selected_fields[0].selections)
        return _events(feed.RoomFeed(room=room, user=user), cursor, info.context.request, wanted)

    @strawberry.subscription(
        description=(
            "Every room of the caller's, one subscription: the room as the room list shows it whenever that "
            "changes (a new message, a read, an edit or delete of the last message, a bid, a block or unblock, "
            "the other participant's presence) and each room someone starts with the caller. Subscribe, then "
            "read `rooms`."
        )
    )
    async def room_activity(self, info: Info) -> AsyncGenerator[RoomActivityEvent, None]:
        return _activity(Inbox(user=require_user(info)))


async def _activity(inbox: Inbox) -> AsyncGenerator[RoomActivityEvent, None]:
    metrics.ROOM_ACTIVITY_OPEN.inc()
    try:
        async for room in inbox.items():
            metrics.ROOM_ACTIVITY_DELIVERED.inc()
            yield RoomActivityEvent(room=room)
    finally:
        metrics.ROOM_ACTIVITY_OPEN.dec()
