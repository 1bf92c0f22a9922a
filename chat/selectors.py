"""Reads of the chat domain. Each returns rows with everything the message payload needs
already joined or prefetched, so a page costs a fixed number of queries."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from chat.cursors import Cursor
from chat.errors import InvalidInput, NotFound
from chat.models import Block, ChatRoom, Message, User
from chat.statements import Statement

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    has_previous: bool


def parse_id(value: str | int, *, what: str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} id must be a number.") from None
    if pk <= 0 or pk > 2**63 - 1:
        raise NotFound(f"{what} not found.")
    return pk


def page_size(value: int | None, *, default: int | None = None) -> int:
    if value is None:
        value = default if default is not None else settings.PARLEY["PAGE_SIZE_DEFAULT"]
    limit = settings.PARLEY["PAGE_SIZE_MAX"]
    if not 1 <= value <= limit:
        raise InvalidInput(f"Page size must be between 1 and {limit}.")
    return value


def messages_with_payload(queryset: QuerySet[Message]) -> QuerySet[Message]:
    return queryset.select_related("sender", "room__organizer", "room__vendor", "bid__created_by").prefetch_related(
        "attachments"
    )


def user_by_username(username: str, *, active: bool = False) -> User | None:
    """The user a username names: exactly, or regardless of case (usernames are unique
    regardless of case; a name from before that rule matches exactly only)."""
    users = User.objects.filter(is_active=True) if active else User.objects.all()
    return users.filter(username=username).first() or users.filter(username_key=username.lower()).first()


def _with_block_state(rooms: QuerySet[ChatRoom], *, user_id: int) -> QuerySet[ChatRoom]:
    """`block_any`: the room holds a block (either side's); `block_mine`: the user's. Read with
    the room, as what it was when read: a write checks again under the room's lock
    (chat.services.blocking)."""
    blocks = Block.objects.filter(room=OuterRef("pk"))
    # ChatRoom declares both (they are not columns), which django-stubs takes for a clash.
    return rooms.annotate(block_any=Exists(blocks), block_mine=Exists(blocks.filter(blocker_id=user_id)))  # type: ignore[no-redef]


# Every write on a room starts here (the send path's first statement): compiled once.
_participant_room = Statement(
    lambda room_id, user_id: _with_block_state(
        ChatRoom.objects.select_related("organizer", "vendor").filter(
            Q(organizer_id=user_id) | Q(vendor_id=user_id), pk=room_id
        ),
        user_id=user_id,
    ),
    "room_id",
    "user_id",
)


def room_for_participant(*, room_id: str | int, user: User) -> ChatRoom:
    """The room, with both participants and its block state, when the user is one of them."""
    rooms = _participant_room.models(room_id=parse_id(room_id, what="Room"), user_id=user.pk)
    if not rooms:
        raise NotFound("Room not found.")
    return rooms[0]  # type: ignore[return-value]


_room_block = Statement(lambda room_id: Block.objects.filter(room_id=room_id).values_list("pk")[:1], "room_id")


def room_is_blocked(*, room_id: int) -> bool:
    return bool(_room_block.rows(room_id=room_id))


def room_for_pair(a: User, b: User) -> ChatRoom | None:
    """The one room of two users, if they have one."""
    return (
        ChatRoom.objects.select_related("organizer", "vendor")
        .filter(Q(organizer=a, vendor=b) | Q(organizer=b, vendor=a))
        .first()
    )


def _rooms_as_listed(*, user: User) -> QuerySet[ChatRoom]:
    """The user's rooms with everything the room list shows: both participants, the last
    message with its sender, bid and attachments, the caller's unread count and whether the
    room is blocked (by the caller), in the same query."""
    unread = (
        Message.objects.filter(room=OuterRef("pk"), read_at__isnull=True)
        .exclude(sender=user)
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rooms = (
        ChatRoom.objects.filter(Q(organizer=user) | Q(vendor=user))
        .select_related("organizer", "vendor", "last_message__sender", "last_message__bid__created_by")
        .prefetch_related("last_message__attachments")
        .annotate(unread_total=Coalesce(Subquery(unread), 0))
        .order_by("-last_activity_at", "-id")
    )
    return _with_block_state(rooms, user_id=user.pk)


def _with_rooms_set(rows: list[ChatRoom]) -> list[ChatRoom]:
    for room in rows:
        if room.last_message is not None:
            room.last_message.room = room
    return rows


def rooms_for_user(*, user: User, first: int | None, after: str | None) -> Page[ChatRoom]:
    limit = page_size(first)
    rooms = _rooms_as_listed(user=user)
    if after:
        rooms = rooms.filter(Cursor.decode(after).before_q("last_activity_at"))
    rows = _with_rooms_set(list(rooms[: limit + 1]))
    return Page(items=rows[:limit], has_next=len(rows) > limit, has_previous=after is not None)


def rooms_as_listed(*, user: User, room_ids: list[int]) -> list[ChatRoom]:
    """These rooms of the user's as the room list shows them (others are left out), newest
    activity first: two queries however many."""
    return _with_rooms_set(list(_rooms_as_listed(user=user).filter(pk__in=_id_list(room_ids))))


def room_heads_of_user(*, user: User) -> dict[int, Cursor | None]:
    """Every room of the user's with the cursor of its newest message (None when it has none)."""
    rows = ChatRoom.objects.filter(Q(organizer=user) | Q(vendor=user))
    return {
        pk: None if message_id is None else Cursor(at, message_id)
        for pk, at, message_id in rows.values_list("pk", "last_activity_at", "last_message_id")
    }


def room_unread_count(*, room: ChatRoom, user: User) -> int:
    return Message.objects.filter(room=room, read_at__isnull=True).exclude(sender=user).count()


def room_messages_page(
    *,
    room: ChatRoom,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Message]:
    if first is not None and last is not None:
        raise InvalidInput("Give either first or last, not both.")
    after_cursor = Cursor.decode(after) if after else None
    before_cursor = Cursor.decode(before) if before else None
    messages = messages_with_payload(Message.objects.filter(room=room))
    if after_cursor:
        messages = messages.filter(after_cursor.after_q("created_at"))
    if before_cursor:
        messages = messages.filter(before_cursor.before_q("created_at"))

    forward = first is not None or (after_cursor is not None and last is None)
    if forward:
        limit = page_size(first)
        rows = list(messages.order_by("created_at", "id")[: limit + 1])
        items = rows[:limit]
        has_next, has_previous = len(rows) > limit, after_cursor is not None
    else:
        limit = page_size(last)
        rows = list(messages.order_by("-created_at", "-id")[: limit + 1])
        items = rows[:limit][::-1]
        has_next, has_previous = before_cursor is not None, len(rows) > limit
    for message in items:
        message.room = room
    return Page(items=items, has_next=has_next, has_previous=has_previous)


def messages_after(*, room_id: int, cursor: Cursor, limit: int) -> list[Message]:
    """The next messages of a room after a cursor, oldest first: a subscription's replay."""
    messages = messages_with_payload(Message.objects.filter(room_id=room_id))
    return list(messages.filter(cursor.after_q("created_at")).order_by("created_at", "id")[:limit])


def newest_message_cursor(*, room_id: int) -> Cursor | None:
    newest = Message.objects.filter(room_id=room_id).order_by("-created_at", "-id").values("created_at", "id").first()
    return Cursor(newest["created_at"], newest["id"]) if newest else None


def message_with_payload(*, message_id: int) -> Message | None:
    return messages_with_payload(Message.objects.filter(pk=message_id)).first()


def _id_list(ids: list[int]) -> RawSQL:
    """Ids as one bound parameter (an array, or JSON on SQLite) rather than one each."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))


def room_heads(*, room_ids: list[int], since: datetime) -> dict[int, Cursor]:
    """The cursor of each room's newest message, for the rooms whose newest message is from
    `since` on: realtime's reconciliation compares it with what each subscription has yielded.
    One statement over the room rows, never their messages, with the ids as one parameter
    (an array, or JSON on SQLite) rather than thousands, and only rooms active lately come
    back: idle rooms cost little more than their ids."""
    rows = ChatRoom.objects.filter(pk__in=_id_list(room_ids), last_message__isnull=False, last_activity_at__gte=since)
    return {
        pk: Cursor(at, message_id)
        for pk, at, message_id in rows.values_list("pk", "last_activity_at", "last_message_id")
    }


def users_seen_by(*, viewer: User, user_ids: list[int]) -> dict[int, datetime | None]:
    """Of these users, those whose presence the viewer may see (themselves, and anyone they
    share a room with that is not blocked), with their stored lastSeenAt: one query however
    many."""
    shares_a_room = ChatRoom.objects.filter(
        Q(organizer=viewer, vendor=OuterRef("pk")) | Q(vendor=viewer, organizer=OuterRef("pk"))
    ).exclude(Exists(Block.objects.filter(room=OuterRef("pk"))))
    visible = User.objects.filter(Q(pk=viewer.pk) | Exists(shares_a_room), pk__in=user_ids)
    return dict(visible.values_list("pk", "last_seen_at"))


@dataclass(frozen=True)
class DueRoom:
    room_id: int
    recipient_id: int


def rooms_due_for_unread_email(*, now: datetime, limit: int) -> list[DueRoom]:
    """The rooms whose recipient is owed an email (chat.notify): a message of the other
    participant unread since before `now - PARLEY_NOTIFY_AFTER_MINUTES` (and within the
    lookback), newer than what their notice already dealt with, not claimed by a live worker,
    for a recipient with an email and notifications on, in a room that is not blocked. The one
    place that decides which rooms are due: a rule that silences a room belongs here."""
    from chat.models import UnreadNotice

    parley = settings.PARLEY
    due_before = now - timedelta(minutes=parley["NOTIFY_AFTER_MINUTES"])
    recipient = Case(
        When(sender_id=F("room__organizer_id"), then=F("room__vendor_id")), default=F("room__organizer_id")
    )
    notice = UnreadNotice.objects.filter(room_id=OuterRef("room_id"), recipient_id=OuterRef("recipient_id"))
    rows = (
        Message.objects.filter(
            read_at__isnull=True,
            deleted_at__isnull=True,
            created_at__lte=due_before,
            created_at__gt=due_before - timedelta(hours=parley["NOTIFY_LOOKBACK_HOURS"]),
        )
        .annotate(recipient_id=recipient)
        .filter(
            Exists(
                User.objects.filter(pk=OuterRef("recipient_id"), is_active=True, email_notifications=True).exclude(
                    email=""
                )
            )
        )
        .exclude(Exists(Block.objects.filter(room_id=OuterRef("room_id"))))
        .exclude(Exists(notice.filter(notified_through__gte=OuterRef("pk"))))
        .exclude(Exists(notice.filter(lease_until__gt=now)))
        .values_list("room_id", "recipient_id")
        .distinct()
        .order_by()[:limit]
    )
    return [DueRoom(room_id, recipient_id) for room_id, recipient_id in rows]
