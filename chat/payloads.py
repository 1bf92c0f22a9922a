"""A committed message as the plain dict its event carries, and back: a subscriber builds
its event from the dict instead of reading the row again. The dict holds every field of the
Message payload, so what a subscriber yields is what a history read would have given."""

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from chat.models import Attachment, Bid, ChatRoom, Message, User


def message_with_relations(message: Message, *, attachments: list[Attachment], bid: Bid | None) -> Message:
    """Fill the relation caches that showing a message reads, as prefetch_related and
    select_related would, so that nothing is queried per field."""
    # Django's own prefetch cache, private and so untyped: what prefetch_related leaves behind.
    # No attachments (most messages): the empty queryset, which any further filter keeps
    # empty, for half the cost of filtering the related manager's.
    queryset = message.attachments.all() if attachments else Attachment.objects.none()
    queryset._result_cache = attachments
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    message._prefetched_objects_cache = {"attachments": queryset}  # type: ignore[attr-defined]
    if bid is None:
        Message.bid.related.set_cached_value(message, None)
    else:
        message.bid = bid
    return message


def message_payload(message: Message) -> dict[str, Any]:
    """The message and everything its payload shows; its relations must be loaded."""
    bid = cast(Bid | None, Message.bid.related.get_cached_value(message, default=None))
    return {
        "id": message.pk,
        "sender": _user(message.sender),
        "text": message.text,
        "message_type": message.message_type,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
        "delivered_at": _time(message.delivered_at),
        "read_at": _time(message.read_at),
        "edited_at": _time(message.edited_at),
        "deleted_at": _time(message.deleted_at),
        "attachments": [
            {
                "id": a.pk,
                "original_name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "file": a.file.name,
            }
            for a in message.attachments.all()
        ],
        "bid": None if bid is None else _bid(bid),
    }


def message_from_payload(payload: dict[str, Any], *, room: ChatRoom) -> Message:
    message = Message(
        id=payload["id"],
        room=room,
        sender=User(**payload["sender"]),
        text=payload["text"],
        message_type=payload["message_type"],
        client_id=payload["client_id"],
        created_at=datetime.fromisoformat(payload["created_at"]),
        delivered_at=_parse_time(payload["delivered_at"]),
        read_at=_parse_time(payload["read_at"]),
        # .get: an event from a process that predates edits carries neither.
        edited_at=_parse_time(payload.get("edited_at")),
        deleted_at=_parse_time(payload.get("deleted_at")),
    )
    message._state.adding = False
    attachments = [Attachment(room_id=room.pk, message_id=message.pk, **a) for a in payload["attachments"]]
    bid = None if payload["bid"] is None else _parse_bid(payload["bid"])
    return message_with_relations(message, attachments=attachments, bid=bid)


def _user(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "role": user.role}


def _bid(bid: Bid) -> dict[str, Any]:
    return {
        "id": bid.pk,
        "amount": str(bid.amount),
        "currency": bid.currency,
        "note": bid.note,
        "status": bid.status,
        "created_by": _user(bid.created_by),
        "created_at": bid.created_at.isoformat(),
        "updated_at": bid.updated_at.isoformat(),
    }


def _parse_bid(values: dict[str, Any]) -> Bid:
    return Bid(
        id=values["id"],
        amount=Decimal(values["amount"]),
        currency=values["currency"],
        note=values["note"],
        status=values["status"],
        created_by=User(**values["created_by"]),
        created_at=datetime.fromisoformat(values["created_at"]),
        updated_at=datetime.fromisoformat(values["updated_at"]),
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)
