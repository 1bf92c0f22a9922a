import itertools
import threading
from decimal import Decimal

import pytest
from django.db import connection

from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Bid, BidStatus, Message, MessageType
from chat.services.bids import BidChange, bid_create, bid_update
from tests.factories import BidFactory, RoomFactory, UserFactory

ROLES = ["vendor", "organizer"]
STATUSES = [s.value for s in BidStatus]
CHANGES = {
    "amount": BidChange(amount=Decimal("99.50")),
    "note": BidChange(note="revised"),
    "ACCEPTED": BidChange(status="ACCEPTED"),
    "DECLINED": BidChange(status="DECLINED"),
    "WITHDRAWN": BidChange(status="WITHDRAWN"),
    "PENDING": BidChange(status="PENDING"),
    "status+amount": BidChange(status="WITHDRAWN", amount=Decimal("1")),
    "nothing": BidChange(),
}
# The contract, written out: every other (role, from-status, change) cell is BAD_USER_INPUT.
ALLOWED = {
    ("vendor", "PENDING", "amount"),
    ("vendor", "PENDING", "note"),
    ("vendor", "PENDING", "WITHDRAWN"),
    ("organizer", "PENDING", "ACCEPTED"),
    ("organizer", "PENDING", "DECLINED"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role, current, change", list(itertools.product(ROLES, STATUSES, CHANGES)))
def test_bid_state_machine(role, current, change, django_capture_on_commit_callbacks):
    bid = BidFactory(status=current)
    room = bid.message.room
    user = room.vendor if role == "vendor" else room.organizer
    before = Bid.objects.values().get(pk=bid.pk)
    allowed = (role, current, change) in ALLOWED
    with django_capture_on_commit_callbacks() as callbacks:
        if allowed:
            updated = bid_update(bid_id=str(bid.pk), user=user, change=CHANGES[change])
        else:
            with pytest.raises(InvalidInput):
                bid_update(bid_id=str(bid.pk), user=user, change=CHANGES[change])
    if allowed:
        assert updated.status == (CHANGES[change].status or current)
        assert updated.amount == (CHANGES[change].amount or before["amount"])
        assert len(callbacks) == 1
    else:
        assert Bid.objects.values().get(pk=bid.pk) == before
        assert callbacks == []


@pytest.mark.django_db
def test_an_outsider_updating_a_bid_gets_not_found():
    bid = BidFactory()
    with pytest.raises(NotFound):
        bid_update(bid_id=str(bid.pk), user=UserFactory(), change=BidChange(status="ACCEPTED"))


def race_accept_and_withdraw(bid) -> dict[str, str]:
    room = bid.message.room
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(user, status):
        try:
            barrier.wait(5)
            bid_update(bid_id=str(bid.pk), user=user, change=BidChange(status=status))
            outcomes[status] = "won"
        except InvalidInput:
            outcomes[status] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(room.organizer, "ACCEPTED")),
        threading.Thread(target=attempt, args=(room.vendor, "WITHDRAWN")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_accept_and_withdraw_racing_cannot_both_win(attempt):
    bid = BidFactory()
    outcomes = race_accept_and_withdraw(bid)
    assert sorted(outcomes.values()) == ["refused", "won"]
    winner = next(status for status, outcome in outcomes.items() if outcome == "won")
    assert Bid.objects.get(pk=bid.pk).status == winner


@pytest.mark.django_db
def test_create_bid_posts_a_bid_message_with_its_details():
    room = RoomFactory()
    message = bid_create(room=room, vendor=room.vendor, amount="1250", currency="eur", note=" for the stage ")
    assert message.message_type == MessageType.BID
    assert (message.bid.amount, message.bid.currency, message.bid.note) == (Decimal("1250.00"), "EUR", "for the stage")
    assert message.bid.status == BidStatus.PENDING
    room.refresh_from_db()
    assert room.last_message_id == message.pk


@pytest.mark.django_db
def test_only_the_vendor_can_create_a_bid():
    room = RoomFactory()
    with pytest.raises(Forbidden):
        bid_create(room=room, vendor=room.organizer, amount="10")
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount, currency, note",
    [
        ("0", "USD", None),
        ("-5", "USD", None),
        ("10000000000", "USD", None),
        ("1.005", "USD", None),
        ("NaN", "USD", None),
        ("10", "ABC", None),
        ("10", "DOLLARS", None),
        ("10", "US", None),
        ("10", "USD", "x" * 2001),
    ],
)
def test_create_bid_with_bad_terms_writes_nothing(amount, currency, note):
    room = RoomFactory()
    with pytest.raises(InvalidInput):
        bid_create(room=room, vendor=room.vendor, amount=amount, currency=currency, note=note)
    assert Message.objects.count() == 0 and Bid.objects.count() == 0
