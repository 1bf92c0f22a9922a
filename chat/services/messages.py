"""Sending messages: validation, clientId idempotency, the room's activity, the broadcast."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chat import realtime
from chat.errors import InvalidInput
from chat.models import ChatRoom, Message, MessageType, User
from chat.ratelimit import send_budget_take
from chat.selectors import message_with_payload
from chat.services.attachments import attachments_attach, attachments_check

CLIENT_ID_MAX = 64


def _clean_text(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    limit = settings.PARLEY["TEXT_MAX"]
    if required and not text:
        raise InvalidInput("A message needs text or an attachment.")
    if len(text) > limit:
        raise InvalidInput(f"A message can be at most {limit} characters long.")
    return text


def _previous_send(*, room: ChatRoom, sender: User, client_id: str | None) -> Message | None:
    if client_id is None:
        return None
    previous = Message.objects.filter(room=room, sender=sender, client_id=client_id).values("pk").first()
    return message_with_payload(message_id=previous["pk"]) if previous else None


def message_send(
    *,
    room: ChatRoom,
    sender: User,
    text: str | None,
    attachment_ids: list[str] | None = None,
    message_type: str = MessageType.TEXT,
    client_id: str | None = None,
) -> Message:
    if message_type != MessageType.TEXT:
        raise InvalidInput("Only TEXT messages can be sent; bids are made with createBid.")
    if client_id is not None and not 1 <= len(client_id) <= CLIENT_ID_MAX:
        raise InvalidInput(f"clientId must be 1 to {CLIENT_ID_MAX} characters.")
    ids = attachments_check(attachment_ids or [])
    clean = _clean_text(text, required=not ids)
    if previous := _previous_send(room=room, sender=sender, client_id=client_id):
        return previous
    send_budget_take(user_id=sender.pk)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                room=room,
                sender=sender,
                text=clean,
                message_type=message_type,
                client_id=client_id,
                created_at=room_next_message_time(room=room),
            )
            if ids:
                attachments_attach(message=message, ids=ids)
            room_touch(room=room, message=message)
            realtime.publish_after_commit(room.pk, realtime.message_event(message))
    except IntegrityError:
        # A retry raced the first send with the same clientId: the first one won.
        if previous := _previous_send(room=room, sender=sender, client_id=client_id):
            return previous
        raise
    return message_with_payload(message_id=message.pk)


def room_next_message_time(*, room: ChatRoom) -> datetime:
    """Lock the room until the caller's transaction ends and give the next message's time,
    later than every message the room has. Messages of a room then commit in (createdAt, id)
    order, so a reader that has seen up to a cursor has seen everything before it."""
    last_activity = ChatRoom.objects.select_for_update().values_list("last_activity_at", flat=True).get(pk=room.pk)
    return max(timezone.now(), last_activity + timedelta(microseconds=1))


def room_touch(*, room: ChatRoom, message: Message) -> None:
    """Make the message the room's latest activity, inside the caller's transaction."""
    ChatRoom.objects.filter(pk=room.pk).update(last_message=message, last_activity_at=message.created_at)
    room.last_message, room.last_activity_at = message, message.created_at
