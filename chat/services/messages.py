"""Sending messages: validation, clientId idempotency, the room's activity, the broadcast."""

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat import metrics, realtime
from chat.cursors import Cursor
from chat.errors import InvalidInput
from chat.models import Attachment, Bid, ChatRoom, Message, MessageType, User
from chat.payloads import message_with_relations
from chat.ratelimit import send_budget_take
from chat.search import search_index_refresh
from chat.selectors import message_with_payload
from chat.services.attachments import attachments_attach, attachments_check
from chat.services.blocking import room_unblocked_check
from chat.statements import Insert, Statement, Update

CLIENT_ID_MAX = 64


# The send path's statements, compiled once (chat.statements).
_sent_with_client_id = Statement(
    lambda room_id, sender_id, client_id: Message.objects.filter(
        room_id=room_id, sender_id=sender_id, client_id=client_id
    ).values_list("pk")[:1],
    "room_id",
    "sender_id",
    "client_id",
)
_room_for_update = Statement(
    lambda room_id: (
        ChatRoom.objects.select_for_update().filter(pk=room_id).values_list("last_activity_at", "last_message_id")
    ),
    "room_id",
)
_message_insert = Insert(Message)
_room_head_update = Update(
    lambda room_id: ChatRoom.objects.filter(pk=room_id), "room_id", fields=["last_message_id", "last_activity_at"]
)


def _clean_text(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    limit = settings.PARLEY["TEXT_MAX"]
    if required and not text:
        raise InvalidInput("A message needs text or an attachment.")
    if len(text) > limit:
        raise InvalidInput(f"A message can be at most {limit} characters long.")
    return text


def _previous_send(
    *, room: ChatRoom, sender: User, client_id: str | None, text: str, attachment_ids: Sequence[int]
) -> Message | None:
    """The message this clientId already named, when this send is a retry of it. The same
    clientId for another message (another text, other attachments) is refused, as payment APIs
    refuse an idempotency key reused for another request: answering with the first message
    would silently drop the second."""
    if client_id is None:
        return None
    previous = _sent_with_client_id.rows(room_id=room.pk, sender_id=sender.pk, client_id=client_id)
    message = message_with_payload(message_id=previous[0][0]) if previous else None
    if message is None or message.edited_at is not None or message.deleted_at is not None:
        # Edited or deleted since: what it was sent with is no longer there to compare.
        return message
    if message.text != text or sorted(a.pk for a in message.attachments.all()) != sorted(attachment_ids):
        raise InvalidInput("clientId already used for another message.")
    return message


def message_send(
    *,
    room: ChatRoom,
    sender: User,
    text: str | None,
    attachment_ids: Sequence[str] | None = None,
    message_type: str = MessageType.TEXT,
    client_id: str | None = None,
) -> Message:
    if message_type != MessageType.TEXT:
        raise InvalidInput("Only TEXT messages can be sent; bids are made with createBid.")
    if client_id is not None and not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise InvalidInput(f"clientId must be 1 to {CLIENT_ID_MAX} characters.")
    ids = attachments_check(attachment_ids or [])
    clean = _clean_text(text, required=not ids)
    if previous := _previous_send(room=room, sender=sender, client_id=client_id, text=clean, attachment_ids=ids):
        return previous
    send_budget_take(user_id=sender.pk)

    def attach(message: Message) -> tuple[list[Attachment], Bid | None]:
        if not ids:
            return [], None
        attachments_attach(message=message, ids=ids)
        return list(Attachment.objects.filter(message=message).order_by("pk")), None

    try:
        return message_append(
            room=room, sender=sender, message_type=message_type, text=clean, client_id=client_id, relations=attach
        )
    except IntegrityError:
        # A retry raced the first send with the same clientId: the first one won.
        if previous := _previous_send(room=room, sender=sender, client_id=client_id, text=clean, attachment_ids=ids):
            return previous
        raise


def _no_relations(message: Message) -> tuple[list[Attachment], Bid | None]:
    return [], None


def message_append(
    *,
    room: ChatRoom,
    sender: User,
    message_type: str,
    text: str,
    client_id: str | None = None,
    relations: Callable[[Message], tuple[list[Attachment], Bid | None]] = _no_relations,
) -> Message:
    """Append a message to a room: lock the room, stamp the message later than every other,
    insert it and index its text for search, let `relations` write what it carries
    (attachments, a bid) and return them, make it the room's head, publish it after commit.
    The only writer of a room's head cursor (last_activity_at, last_message), which realtime
    reads as "the newest message"."""
    with transaction.atomic():
        created_at, newest = _room_lock_for_next_message(room=room)
        message = Message(
            room=room, sender=sender, text=text, message_type=message_type, client_id=client_id, created_at=created_at
        )
        _message_insert.save(message)
        search_index_refresh(message_id=message.pk)
        attachments, bid = relations(message)
        # Everything the payload shows is in hand: the answer and the event need no reload.
        message_with_relations(message, attachments=attachments, bid=bid)
        _room_touch(room=room, message=message)
        realtime.publish_after_commit(room.pk, realtime.message_event(message, previous=newest))
        transaction.on_commit(metrics.MESSAGES_SENT.inc)
    return message


def _room_lock_for_next_message(*, room: ChatRoom) -> tuple[datetime, Cursor | None]:
    """Lock the room until the caller's transaction ends; give the next message's time, later
    than every message the room has, and the cursor of the room's newest message (None when
    it has none). Messages of a room then commit in (createdAt, id) order, so a reader that
    has seen up to a cursor has seen everything before it, and an event naming the message
    before its own tells a subscriber whether it missed one. A blocked room is refused here,
    under the lock (chat.services.blocking), which covers sends and bids alike."""
    rows = _room_for_update.rows(room_id=room.pk)
    if not rows:
        raise ChatRoom.DoesNotExist("ChatRoom matching query does not exist.")
    last_activity, last_message_id = rows[0]
    # A statement of its own, after the lock: a block that committed while we waited is seen.
    room_unblocked_check(room_id=room.pk)
    newest = None if last_message_id is None else Cursor(last_activity, last_message_id)
    return max(timezone.now(), last_activity + timedelta(microseconds=1)), newest


def _room_touch(*, room: ChatRoom, message: Message) -> None:
    """Make the message the room's latest activity, inside the caller's transaction."""
    _room_head_update.run(room_id=room.pk, last_message_id=message.pk, last_activity_at=message.created_at)
    room.last_message, room.last_activity_at = message, message.created_at
