"""BidEvent, ReadReceiptEvent and deliveredAt through a running server and a real client."""

import asyncio

import pytest

from tests.e2e.conftest import api, joined, subscribe_joined
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e

EVENTS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { message { id deliveredAt sender { username } } }
    ... on BidEvent { message { id messageType bidDetails { id status } } bid { id amount currency status note } }
    ... on ReadReceiptEvent { messageId readAt reader { username } }
  }
}"""
CREATE_BID = """mutation($r: ID!, $amount: Decimal!) {
  createBid(roomId: $r, amount: $amount, currency: "EUR", note: "two days") { id bidDetails { id status } }
}"""
UPDATE_BID = """mutation($b: ID!, $s: BidStatus, $a: Decimal) {
  updateBid(bidId: $b, status: $s, amount: $a) { id status amount }
}"""
SEND = "mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id deliveredAt } }"
MARK_READ = (
    "mutation($r: ID!, $m: ID) { markRead(roomId: $r, upToMessageId: $m) { messageId readAt reader { username } } }"
)
HISTORY = "query($r: ID!) { messages(roomId: $r) { edges { node { id deliveredAt readAt } } } }"


async def test_a_bid_made_revised_and_accepted_arrives_as_bid_events(server, pair):
    async with joined(server, pair.organizer_token, pair.room_id, query=EVENTS) as socket:
        created = await api(server, CREATE_BID, {"r": pair.room_id, "amount": "1250.00"}, token=pair.vendor_token)
        bid_id = created["data"]["createBid"]["bidDetails"]["id"]
        made = await socket.next_event()
        assert made["__typename"] == "BidEvent"
        assert made["bid"] == {
            "id": bid_id,
            "amount": "1250.00",
            "currency": "EUR",
            "status": "PENDING",
            "note": "two days",
        }
        assert made["message"]["messageType"] == "BID"

        await api(server, UPDATE_BID, {"b": bid_id, "a": "1100"}, token=pair.vendor_token)
        revised = await socket.next_event()
        assert (revised["__typename"], revised["bid"]["amount"]) == ("BidEvent", "1100.00")

        accepted = await api(server, UPDATE_BID, {"b": bid_id, "s": "ACCEPTED"}, token=pair.organizer_token)
        assert accepted["data"]["updateBid"]["status"] == "ACCEPTED"
        event = await socket.next_event()
        assert event["bid"]["status"] == "ACCEPTED"
        assert event["message"]["bidDetails"]["status"] == "ACCEPTED"

        late = await api(server, UPDATE_BID, {"b": bid_id, "s": "WITHDRAWN"}, token=pair.vendor_token)
        assert late["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_mark_read_broadcasts_one_read_receipt_event(server, pair):
    for i in range(3):
        await api(server, SEND, {"r": pair.room_id, "t": f"m{i}"}, token=pair.vendor_token)
    async with joined(server, pair.vendor_token, pair.room_id, query=EVENTS) as socket:
        newest = socket.probe  # the vendor's newest message
        result = await api(server, MARK_READ, {"r": pair.room_id}, token=pair.organizer_token)
        receipt = await socket.next_event()
        assert receipt["__typename"] == "ReadReceiptEvent"
        assert receipt["messageId"] == newest == result["data"]["markRead"]["messageId"]
        assert receipt["readAt"] == result["data"]["markRead"]["readAt"]
        with pytest.raises(asyncio.TimeoutError):
            await socket.next_event(timeout=0.5)
    history = await api(server, HISTORY, {"r": pair.room_id}, token=pair.vendor_token)
    assert all(edge["node"]["readAt"] for edge in history["data"]["messages"]["edges"])
    rooms = await api(server, "{ rooms { edges { node { unreadCount } } } }", token=pair.organizer_token)
    assert rooms["data"]["rooms"]["edges"][0]["node"]["unreadCount"] == 0


async def test_delivered_at_is_stamped_by_the_recipients_subscription_not_the_senders(server, pair):
    async with joined(server, pair.vendor_token, pair.room_id, query=EVENTS) as sender_socket:
        sent = await api(server, SEND, {"r": pair.room_id, "t": "only my own socket listens"}, token=pair.vendor_token)
        own = await sender_socket.next_event()
        assert own["message"]["deliveredAt"] is None
        assert sent["data"]["sendMessage"]["deliveredAt"] is None

        async with GraphQLSocket.connect(server.ws) as recipient_socket:
            await recipient_socket.init({"authorization": f"Bearer {pair.organizer_token}"})
            # Joined with the vendor's probe: the organizer's own history read would stamp delivery.
            await subscribe_joined(server, pair.vendor_token, pair.room_id, [recipient_socket], query=EVENTS)
            second = await api(server, SEND, {"r": pair.room_id, "t": "now they listen"}, token=pair.vendor_token)
            received = await recipient_socket.next_event()
            assert received["message"]["id"] == second["data"]["sendMessage"]["id"]
            assert received["message"]["deliveredAt"] is not None

    own_view = await api(server, HISTORY, {"r": pair.room_id}, token=pair.vendor_token)
    delivered = {e["node"]["id"]: e["node"]["deliveredAt"] for e in own_view["data"]["messages"]["edges"]}
    assert delivered[sent["data"]["sendMessage"]["id"]] is None  # the sender's own reads stamp nothing
    assert delivered[second["data"]["sendMessage"]["id"]] is not None


async def test_delivered_at_is_stamped_by_the_recipients_history_fetch(server, pair):
    sent = await api(server, SEND, {"r": pair.room_id, "t": "read me later"}, token=pair.vendor_token)
    message_id = sent["data"]["sendMessage"]["id"]
    fetched = await api(server, HISTORY, {"r": pair.room_id}, token=pair.organizer_token)
    assert fetched["data"]["messages"]["edges"][-1]["node"]["deliveredAt"] is not None
    again = await api(server, HISTORY, {"r": pair.room_id}, token=pair.vendor_token)
    node = again["data"]["messages"]["edges"][-1]["node"]
    assert (
        node["id"] == message_id
        and node["deliveredAt"] == fetched["data"]["messages"]["edges"][-1]["node"]["deliveredAt"]
    )
