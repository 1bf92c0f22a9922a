"""Accepting a bid binds its terms: updateBid(expectedUpdatedAt) is refused, writing nothing,
when the bid changed after the caller saw it."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chat.models import BidStatus
from tests.factories import BidFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

UPDATE = """mutation($b: ID!, $s: BidStatus, $a: Decimal, $e: DateTime) {
  updateBid(bidId: $b, status: $s, amount: $a, expectedUpdatedAt: $e) { status amount updatedAt }
}"""
BID = "query($r: ID!) { messages(roomId: $r) { edges { node { bidDetails { id amount updatedAt } } } } }"


def _seen(client, bid, user) -> str:
    edges = gql(client, BID, {"r": bid.message.room_id}, user=user).data["messages"]["edges"]
    return edges[-1]["node"]["bidDetails"]["updatedAt"]


def test_accepting_the_terms_the_organizer_saw_goes_through(client):
    bid = BidFactory(amount=Decimal("100.00"))
    room = bid.message.room
    seen = _seen(client, bid, room.organizer)
    result = gql(client, UPDATE, {"b": bid.pk, "s": "ACCEPTED", "e": seen}, user=room.organizer)
    assert result.data["updateBid"]["status"] == "ACCEPTED"


def test_accepting_a_bid_raised_after_the_organizer_saw_it_is_refused_and_writes_nothing(
    client, django_capture_on_commit_callbacks
):
    bid = BidFactory(amount=Decimal("100.00"))
    room = bid.message.room
    seen = _seen(client, bid, room.organizer)
    raised = gql(client, UPDATE, {"b": bid.pk, "a": "9999999.00", "e": seen}, user=room.vendor)
    assert raised.data["updateBid"]["amount"] == "9999999.00"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accept = gql(client, UPDATE, {"b": bid.pk, "s": "ACCEPTED", "e": seen}, user=room.organizer)
    assert accept.code == "BAD_USER_INPUT"
    assert "changed" in accept.body["errors"][0]["message"]
    bid.refresh_from_db()
    assert (bid.status, bid.amount) == (BidStatus.PENDING, Decimal("9999999.00"))
    assert callbacks == []
    # Seeing the new terms, the organizer may still accept them knowingly.
    now_seen = _seen(client, bid, room.organizer)
    again = gql(client, UPDATE, {"b": bid.pk, "s": "ACCEPTED", "e": now_seen}, user=room.organizer).data["updateBid"]
    assert (again["status"], again["amount"]) == ("ACCEPTED", "9999999.00")


def test_a_stale_revision_by_the_vendor_is_refused_too(client):
    bid = BidFactory(amount=Decimal("100.00"))
    room = bid.message.room
    seen = _seen(client, bid, room.vendor)
    assert gql(client, UPDATE, {"b": bid.pk, "a": "120.00", "e": seen}, user=room.vendor).data
    assert gql(client, UPDATE, {"b": bid.pk, "a": "90.00", "e": seen}, user=room.vendor).code == "BAD_USER_INPUT"
    bid.refresh_from_db()
    assert bid.amount == Decimal("120.00")


def test_the_same_instant_written_in_another_zone_matches(client):
    bid = BidFactory()
    room = bid.message.room
    seen = datetime.fromisoformat(_seen(client, bid, room.organizer))
    elsewhere = seen.astimezone(timezone(timedelta(hours=2))).isoformat()
    assert gql(client, UPDATE, {"b": bid.pk, "s": "DECLINED", "e": elsewhere}, user=room.organizer).data


def test_without_expected_updated_at_the_change_applies_as_before(client):
    bid = BidFactory()
    room = bid.message.room
    declined = gql(client, UPDATE, {"b": bid.pk, "s": "DECLINED"}, user=room.organizer)
    assert declined.data["updateBid"]["status"] == "DECLINED"
