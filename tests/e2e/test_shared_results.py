"""A live message's GraphQL result is executed once per process for every subscription whose
selection shows nothing of its viewer's (schema.shared), and each subscriber still gets what
a history read of the same selection gives; a selection with a viewer's field is executed per
subscriber and differs between them as it should."""

from contextlib import AsyncExitStack

import pytest
from graphql import parse

from schema import schema
from schema.shared import SHARED_FIELDS, shared_events
from tests.e2e.conftest import SEND, api, subscribe_joined
from tests.e2e.test_operations import SCRAPER, scrape, scrape_until, value
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e

FIELDS = "id text senderUsername clientId createdAt room { id } sender { username }"
HISTORY = f"query($r: ID!) {{ messages(roomId: $r, last: 1) {{ edges {{ node {{ {FIELDS} }} }} }} }}"
# deliveredAt is stamped by the recipient's own subscription before it yields the message.
VIEWERS = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) { ... on MessageEvent { message { id deliveredAt } } }
}"""


def results(metrics) -> tuple[float, float]:
    return (
        value(metrics, "parley_event_results_total", way="executed"),
        value(metrics, "parley_event_results_total", way="shared"),
    )


async def _both_subscribed(stack: AsyncExitStack, server, pair, query):
    """The organizer's and the vendor's sockets, both subscribed to the room and joined."""
    sockets = []
    for token in (pair.organizer_token, pair.vendor_token):
        socket = await stack.enter_async_context(GraphQLSocket.connect(server.ws))
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
        sockets.append(socket)
    await subscribe_joined(server, pair.organizer_token, pair.room_id, sockets, query=query)
    return sockets


async def test_a_selection_without_the_viewers_fields_is_executed_once_for_both_participants(start, pair):
    server = start(**SCRAPER)
    async with AsyncExitStack() as stack:
        organizer, vendor = await _both_subscribed(stack, server, pair, ROOM_EVENTS)
        before = results(await scrape(server))
        for n in range(3):
            sent = await api(server, SEND, {"r": pair.room_id, "t": f"shared {n}"}, token=pair.vendor_token)
            message_id = sent["data"]["sendMessage"]["id"]
            live = [await socket.next_event() for socket in (organizer, vendor)]
            assert live[0] == live[1], live
            history = await api(server, HISTORY, {"r": pair.room_id}, token=pair.organizer_token)
            assert live[0]["message"] == history["data"]["messages"]["edges"][-1]["node"]
            assert live[0]["message"]["id"] == message_id
        after = await scrape_until(server, lambda m: results(m)[1] - before[1] >= 3)
        # Per message: one execution, and its result handed to the other subscription.
        assert (results(after)[0] - before[0], results(after)[1] - before[1]) == (3, 3)


async def test_a_selection_with_a_viewers_field_is_executed_for_each_subscriber(start, pair):
    server = start(**SCRAPER)
    async with AsyncExitStack() as stack:
        organizer, vendor = await _both_subscribed(stack, server, pair, VIEWERS)
        before = results(await scrape(server))
        await api(server, SEND, {"r": pair.room_id, "t": "for the vendor"}, token=pair.organizer_token)
        sender_view, recipient_view = (await organizer.next_event(), await vendor.next_event())
        assert sender_view["message"]["id"] == recipient_view["message"]["id"]
        # Reaching the vendor's subscription delivered it: the vendor sees it stamped; the
        # organizer's event was built before, from what was sent.
        assert recipient_view["message"]["deliveredAt"] is not None
        assert sender_view["message"]["deliveredAt"] is None
        assert results(await scrape(server)) == before


def _shared(document: str) -> frozenset[str]:
    return shared_events(schema._schema, parse(document))


def test_which_event_types_of_a_document_are_shared():
    assert _shared(ROOM_EVENTS) == {"MessageEvent", "BidEvent"}
    assert _shared(VIEWERS) == {"BidEvent"}
    # A viewer's field under another event type costs only that one.
    assert _shared(
        "subscription { messageAdded(roomId: 1) { ... on BidEvent { bid { id } message { deliveredAt } } "
        "... on MessageEvent { message { id } } ... on PresenceEvent { user { online } } } }"
    ) == {"MessageEvent"}
    # A named fragment on Message may be spread under any event: it costs them all.
    assert (
        _shared(
            "fragment M on Message { sender { online } } "
            "subscription { messageAdded(roomId: 1) { ... on MessageEvent { message { ...M } } } }"
        )
        == set()
    )
    assert _shared(
        "subscription { messageAdded(roomId: 1) { ... on MessageEvent { message { room { unreadCount } } } } }"
    ) == {"BidEvent"}
    assert _shared("subscription { roomActivity { room { id } } }") == set()


def test_every_shared_field_is_a_field_of_the_schema():
    for type_name, fields in SHARED_FIELDS.items():
        graphql_type = schema._schema.get_type(type_name)
        assert graphql_type is not None, type_name
        assert fields <= set(graphql_type.fields), (type_name, fields - set(graphql_type.fields))  # type: ignore[attr-defined]
