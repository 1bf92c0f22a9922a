"""The GraphQL shapes of the chat domain. Fields read rows that the selectors already joined
or prefetched; what a path did not load is read per level, in one batch (schema.loaders):
nothing here queries per item."""

import inspect
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from asgiref.sync import sync_to_async
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from chat import links, models, presence, selectors
from chat.cursors import message_cursor
from chat.services.attachments import download_name
from schema.loaders import loaders


def related(info: Info, instance, name: str) -> Any:
    """A related row: from the cache the selectors filled, as the value itself (no query, no
    thread hop, no coroutine: graphql-core completes it in place), or, when a path did not
    load it, an awaitable that reads it with every other node of its level in one batch and
    keeps it on the instance for the next field that asks. None when absent (a message
    without a bid)."""
    field = instance._meta.get_field(name)
    if field.is_cached(instance):
        return getattr(instance, name, None)
    return _related_read(info, instance, field)


async def _related_read(info: Info, instance, field) -> Any:
    if not field.concrete:  # the reverse one-to-one: a message's bid
        value = await loaders(info).bids.load(instance.pk)
    else:
        pk = getattr(instance, field.attname)
        value = None if pk is None else await loaders(info).row(field.related_model).load(pk)
    field.set_cached_value(instance, value)
    return value


def then(value: Any, function: Callable[[Any], Any]) -> Any:
    """`function` of a resolver's answer: at once for a value, once it is there for an awaitable."""
    if inspect.isawaitable(value):

        async def later() -> Any:
            return function(await value)

        return later()
    return function(value)


# The domain's enums are the GraphQL enums: strawberry.enum marks each class in place.
Role = models.Role
MessageType = models.MessageType
BidStatus = models.BidStatus
for _enum in (Role, MessageType, BidStatus):
    strawberry.enum(_enum)


def user_presence(info: Info, user: models.User) -> Any:
    """The user's presence as the caller may see it: carried by a PresenceEvent, or read with
    every other User of the response in one batch (one query, one Redis call): the value, or
    an awaitable of it."""
    if (carried := getattr(user, "presence_now", None)) is not None:
        return carried
    context = info.context
    if context.presence_loader is None:
        # No cache: a socket's context lives for hours, and presence changes.
        context.presence_loader = DataLoader(load_fn=lambda ids: _load_presence(context, ids), cache=False)
    return context.presence_loader.load(user.pk)


async def _load_presence(context, user_ids: list[int]) -> list[presence.Presence]:
    if context.user is None:
        return [presence.HIDDEN] * len(user_ids)
    seen = await sync_to_async(selectors.users_seen_by)(viewer=context.user, user_ids=list(user_ids))
    known = await presence.presence_of([pk for pk in dict.fromkeys(user_ids) if pk in seen], last_seen=seen)
    return [known.get(pk, presence.HIDDEN) for pk in user_ids]


# The five types below are plain strawberry types whose sources are the model rows: a field
# without a resolver is a plain attribute read, which strawberry-django's fields (never
# "basic") would wrap in their resolver machinery for every field of every row.


@strawberry.type(name="User")
class User:
    id: strawberry.ID
    username: str
    role: Role | None

    @strawberry.field(description="Holds at least one authenticated socket, on any server process.")
    def online(self, info: Info) -> bool:
        return then(user_presence(info, self), lambda now: now.online)

    @strawberry.field(description="When their last socket closed; null while online or never seen.")
    def last_seen_at(self, info: Info) -> datetime | None:
        return then(user_presence(info, self), lambda now: now.last_seen_at)

    # The caller's own row (context.user, read at sign-in or just updated), never another's:
    # nothing here reads the database.
    @strawberry.field(description="The caller's own email; null for anyone else.")
    def email(self, info: Info) -> str | None:
        caller = info.context.user
        return (caller.email or None) if caller is not None and caller.pk == self.id else None

    @strawberry.field(description="The caller's own: emails about unread messages; false for anyone else.")
    def email_notifications(self, info: Info) -> bool:
        caller = info.context.user
        return bool(caller.email_notifications) if caller is not None and caller.pk == self.id else False


@strawberry.type(name="Attachment")
class Attachment:
    id: strawberry.ID
    size: int
    content_type: str

    @strawberry.field(description="The name to save it under; it ends in an extension of contentType.")
    def original_name(self) -> str:
        # Stored corrected since issue 13; a file stored before is corrected on its way out.
        return download_name(self.original_name, self.content_type)

    @strawberry.field(description="A signed link that works for a limited time, without headers.")
    def file(self) -> str:
        return links.attachment_url(self)


@strawberry.type(name="Bid")
class Bid:
    id: strawberry.ID
    amount: Decimal
    currency: str
    note: str | None
    status: BidStatus
    created_at: datetime
    updated_at: datetime

    @strawberry.field
    def created_by(self, info: Info) -> User:
        return related(info, self, "created_by")


@strawberry.type(name="Message")
class Message:
    id: strawberry.ID
    text: str
    message_type: MessageType
    delivered_at: datetime | None
    read_at: datetime | None
    created_at: datetime
    client_id: str | None
    edited_at: datetime | None
    deleted_at: datetime | None = strawberry.field(
        description='Once set: text "", attachments [], bidDetails as it was.'
    )

    @strawberry.field
    def room(self, info: Info) -> Annotated["ChatRoom", strawberry.lazy("schema.types")]:
        return related(info, self, "room")

    @strawberry.field
    def sender(self, info: Info) -> User:
        return related(info, self, "sender")

    @strawberry.field
    def attachments(self, info: Info) -> list[Attachment]:
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if "attachments" in prefetched:
            return list(prefetched["attachments"])
        return loaders(info).attachments.load(self.id)

    @strawberry.field
    def sender_username(self, info: Info) -> str:
        return then(related(info, self, "sender"), lambda sender: sender.username)

    @strawberry.field
    def bid_details(self, info: Info) -> Bid | None:
        return related(info, self, "bid")


@strawberry.type(name="ChatRoom")
class ChatRoom:
    id: strawberry.ID
    created_at: datetime

    @strawberry.field
    def organizer(self, info: Info) -> User:
        return related(info, self, "organizer")

    @strawberry.field
    def vendor(self, info: Info) -> User:
        return related(info, self, "vendor")

    @strawberry.field
    def last_message(self, info: Info) -> Message | None:
        return related(info, self, "last_message")

    @strawberry.field(description="Messages from the other participant that the caller has not read.")
    def unread_count(self, info: Info) -> int:
        if hasattr(self, "unread_total"):
            return self.unread_total
        return loaders(info).unread.load(self.id)

    @strawberry.field(description="Either participant has blocked the other: nobody can send, bid, upload or type.")
    def blocked(self, info: Info) -> bool:
        if hasattr(self, "block_any"):
            return self.block_any
        return then(loaders(info).blockers.load(self.id), bool)

    @strawberry.field(description="The caller has blocked the other participant (only the caller can unblock).")
    def blocked_by_me(self, info: Info) -> bool:
        if hasattr(self, "block_mine"):
            return self.block_mine
        caller = info.context.user
        if caller is None:
            return False
        return then(loaders(info).blockers.load(self.id), lambda blockers: caller.pk in blockers)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class MessageEdge:
    cursor: str
    node: Message


@strawberry.type
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo


@strawberry.type
class ChatRoomEdge:
    cursor: str
    node: ChatRoom


@strawberry.type
class ChatRoomConnection:
    edges: list[ChatRoomEdge]
    page_info: PageInfo


@strawberry.type(description="A message that matched a search, with plain text around its first match.")
class MessageSearchEdge:
    cursor: str
    node: Message
    snippet: str = strawberry.field(description="Plain text around the first match, at most 160 characters.")


@strawberry.type
class MessageSearchConnection:
    edges: list[MessageSearchEdge]
    page_info: PageInfo


def page_info(page: selectors.Page, cursors: list[str]) -> PageInfo:
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type
class AuthPayload:
    token: str
    refresh_token: str
    user: User


@strawberry.enum
class WarningCode(Enum):
    REALTIME_UNAVAILABLE = "REALTIME_UNAVAILABLE"
    REALTIME_RESTORED = "REALTIME_RESTORED"


@strawberry.type
class MessageEvent:
    message: Message
    # The layer event's decoded message, one per process (chat.feed): its result can be shared.
    shared_origin: strawberry.Private[object | None] = None

    @strawberry.field(description="The message's history cursor: resubscribe with `after` to resume here.")
    def cursor(self) -> str:
        return message_cursor(self.message).encode()


@strawberry.type
class BidEvent:
    message: Message
    bid: Bid
    shared_origin: strawberry.Private[object | None] = None

    @strawberry.field(description="The bid message's history cursor.")
    def cursor(self) -> str:
        return message_cursor(self.message).encode()


@strawberry.type
class ReadReceiptEvent:
    message_id: strawberry.ID
    read_at: datetime
    reader: User


@strawberry.type
class WarningEvent:
    code: WarningCode
    detail: str


@strawberry.type(description="A message edited or deleted, as it is now.")
class MessageUpdatedEvent:
    message: Message


@strawberry.type(description="The other participant started or stopped typing; never stored or replayed.")
class TypingEvent:
    user: User
    typing: bool


@strawberry.type(description="The other participant came online or went offline (user.online, user.lastSeenAt).")
class PresenceEvent:
    user: User


@strawberry.type(description="One of the caller's rooms, as the caller sees it now (roomActivity).")
class RoomActivityEvent:
    room: ChatRoom


RoomEvent = Annotated[
    MessageEvent | BidEvent | ReadReceiptEvent | WarningEvent | MessageUpdatedEvent | TypingEvent | PresenceEvent,
    strawberry.union("RoomEvent"),
]
