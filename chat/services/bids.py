"""Bids: the vendor proposes a price in a BID message; a small state machine decides who may
change what, under a row lock so that two changes cannot both win."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import pycountry
from django.db import transaction
from django.utils import timezone

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Attachment, Bid, BidStatus, ChatRoom, Message, MessageType, User
from chat.ratelimit import bid_update_budget_take, send_budget_take
from chat.selectors import parse_id
from chat.services.blocking import room_lock_unblocked
from chat.services.messages import message_append

AMOUNT_MAX = Decimal("9999999999.99")
NOTE_MAX = 2000


def _clean_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise InvalidInput("The amount must be a number.") from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput("The amount must be positive.")
    if value > AMOUNT_MAX:
        raise InvalidInput(f"The amount can be at most {AMOUNT_MAX}.")
    exponent = value.as_tuple().exponent  # an int: the value is finite
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInput("The amount can have at most two decimal places.")
    return value.quantize(Decimal("0.01"))


def _clean_currency(currency: str | None) -> str:
    code = (currency or "USD").strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise InvalidInput(f"{currency!r} is not an ISO 4217 currency code.")
    return code


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"A note can be at most {NOTE_MAX} characters long.")
    return note or None


def bid_create(
    *, room: ChatRoom, vendor: User, amount, currency: str | None = None, note: str | None = None
) -> Message:
    if vendor.pk != room.vendor_id:
        raise Forbidden("Only the room's vendor can make a bid.")
    value, code, clean_note = _clean_amount(amount), _clean_currency(currency), _clean_note(note)
    # A bid posts and broadcasts a message: it spends the same budget as sendMessage.
    send_budget_take(user_id=vendor.pk)

    def terms(message: Message) -> tuple[list[Attachment], Bid | None]:
        return [], Bid.objects.create(message=message, amount=value, currency=code, note=clean_note, created_by=vendor)

    return message_append(
        room=room, sender=vendor, message_type=MessageType.BID, text=f"Bid: {value} {code}", relations=terms
    )


@dataclass(frozen=True)
class BidChange:
    status: str | None = None
    amount: object | None = None
    note: str | None = None
    # The bid's updatedAt as the caller saw it: the change applies to those terms or not at all.
    expected_updated_at: datetime | None = None

    @property
    def kind(self) -> str:
        if self.status is not None:
            return "status" if self.amount is None and self.note is None else "mixed"
        return "terms" if (self.amount is not None or self.note is not None) else "none"


def bid_change_allowed(*, by_vendor: bool, current: str, change: BidChange) -> bool:
    """The contract's state machine: only a PENDING bid changes; the vendor revises terms or
    withdraws, the organizer accepts or declines; nothing else."""
    if current != BidStatus.PENDING:
        return False
    if change.kind == "terms":
        return by_vendor
    if change.kind == "status":
        allowed = {BidStatus.WITHDRAWN} if by_vendor else {BidStatus.ACCEPTED, BidStatus.DECLINED}
        return change.status in allowed
    return False


def bid_update(*, bid_id: str, user: User, change: BidChange) -> Bid:
    pk = parse_id(bid_id, what="Bid")
    bid_update_budget_take(user_id=user.pk)
    with transaction.atomic():
        # The lock makes a concurrent accept and withdraw queue: the second sees the first.
        bid = Bid.objects.select_for_update().select_related("message__room").filter(pk=pk).first()
        if bid is None or not bid.message.room.has_participant(user):
            raise NotFound("Bid not found.")
        room_lock_unblocked(room_id=bid.message.room_id)
        if change.expected_updated_at is not None and change.expected_updated_at != bid.updated_at:
            # Accepting binds the terms the organizer saw, not ones revised a moment before.
            raise InvalidInput(
                f"The bid changed since you saw it: it is now {bid.amount} {bid.currency}, "
                f"{bid.status.lower()}. Nothing was changed; look at it again."
            )
        by_vendor = user.pk == bid.message.room.vendor_id
        if not bid_change_allowed(by_vendor=by_vendor, current=bid.status, change=change):
            raise InvalidInput(f"That change is not allowed on a {bid.status.lower()} bid.")
        if change.status is not None:
            bid.status = change.status
        if change.amount is not None:
            bid.amount = _clean_amount(change.amount)
        if change.note is not None:
            bid.note = _clean_note(change.note)
        bid.updated_at = timezone.now()
        bid.save(update_fields=["status", "amount", "note", "updated_at"])
        realtime.publish_after_commit(bid.message.room_id, realtime.bid_event(bid.message, bid))
    return Bid.objects.select_related("created_by").get(pk=bid.pk)
