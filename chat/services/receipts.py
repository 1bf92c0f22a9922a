"""Delivery and read receipts: stamped in batches, never one UPDATE per message of a page."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from chat import realtime
from chat.cursors import message_cursor
from chat.errors import InvalidInput, NotFound
from chat.models import ChatRoom, Message, User
from chat.ratelimit import mark_read_budget_take
from chat.selectors import parse_id


@dataclass
class Receipt:
    message_id: int
    read_at: datetime
    reader: User


def undelivered(*, messages: list[Message], recipient: User) -> list[Message]:
    """The messages that reaching `recipient` delivers for the first time."""
    return [m for m in messages if m.sender_id != recipient.pk and m.delivered_at is None]


def messages_mark_delivered(*, messages: list[Message], recipient: User) -> None:
    """Stamp deliveredAt on the messages that reach their recipient for the first time."""
    messages_stamp_delivered(messages=undelivered(messages=messages, recipient=recipient))


def messages_stamp_delivered(*, messages: list[Message]) -> None:
    """Stamp deliveredAt on messages already known to be delivered, in one UPDATE; a message
    stamped before keeps its first stamp."""
    if not messages:
        return
    now = timezone.now()
    Message.objects.filter(pk__in={m.pk for m in messages}, delivered_at__isnull=True).update(delivered_at=now)
    for message in messages:
        message.delivered_at = now


def messages_mark_read(*, room: ChatRoom, reader: User, up_to_message_id: str | None = None) -> Receipt:
    """Mark the other participant's messages read, up to one of them (all when omitted)."""
    mark_read_budget_take(user_id=reader.pk)
    theirs = Message.objects.filter(room=room).exclude(sender=reader)
    if up_to_message_id is not None:
        target = Message.objects.filter(room=room, pk=parse_id(up_to_message_id, what="Message")).first()
        if target is None:
            raise NotFound("Message not found.")
        cursor = message_cursor(target)
        theirs = theirs.exclude(cursor.after_q("created_at"))
    newest_first = ("-created_at", "-id")
    with transaction.atomic():
        newest_unread = theirs.filter(read_at__isnull=True).order_by(*newest_first).first()
        if newest_unread is not None:
            now = timezone.now()
            theirs.filter(read_at__isnull=True).update(read_at=now, delivered_at=Coalesce("delivered_at", now))
            realtime.publish_after_commit(
                room.pk, realtime.read_receipt_event(message_id=newest_unread.pk, read_at=now, reader_id=reader.pk)
            )
            return Receipt(newest_unread.pk, now, reader)
    # Marking again is harmless: the answer names what was already read.
    newest_read = theirs.filter(read_at__isnull=False).order_by(*newest_first).first()
    if newest_read is None or newest_read.read_at is None:
        raise InvalidInput("There is no message from the other participant to mark read.")
    return Receipt(newest_read.pk, newest_read.read_at, reader)
