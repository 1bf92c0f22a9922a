"""Query cost: a document may ask for at most PARLEY_QUERY_COST objects, counting page sizes
times nested lists; no field costs a query per node, so the worst nesting the limits allow
costs a fixed number of queries, however many messages a room holds."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from graphql import parse

from chat.models import Message
from schema import schema
from schema.cost import document_cost
from tests.factories import AttachmentFactory, BidFactory, MessageFactory, RoomFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

NESTED = """messages(roomId: $r, last: 100) { edges { node { room { unreadCount
  lastMessage { attachments { id } room { unreadCount } } } } } }"""


def _aliased(body: str, times: int, *, variables: str = "$r: ID!") -> str:
    return f"query({variables}) {{ " + " ".join(f"a{i}: {body}" for i in range(times)) + " }"


def _cost(document: str, variables: dict | None = None) -> int:
    return document_cost(schema._schema, parse(document), variables or {})


def test_the_probed_document_is_refused_before_anything_runs(client):
    room = RoomFactory()
    MessageFactory(room=room, sender=room.organizer)
    result = gql(client, _aliased(NESTED, 30), {"r": room.pk}, user=room.vendor)
    assert result.code == "GRAPHQL_VALIDATION_FAILED"
    assert "cost" in result.body["errors"][0]["message"]
    # Nothing ran: reading the page would have stamped the vendor's delivery.
    assert Message.objects.get().delivered_at is None


def test_a_page_size_given_by_a_variable_counts_as_given():
    document = _aliased(NESTED.replace("last: 100", "last: $n"), 4, variables="$r: ID!, $n: Int")
    assert _cost(document, {"n": 100}) > django_settings.PARLEY["QUERY_COST"] >= _cost(document, {"n": 10})


def test_the_cost_counts_page_sizes_times_nested_lists():
    one_page = "query { rooms(first: 10) { edges { node { id lastMessage { attachments { id } } } } } }"
    # rooms 1 + 10 edges + 10 nodes + 10 last messages + 10 x 10 attachments.
    assert _cost(one_page) == 1 + 10 + 10 + 10 + 100


def _web_client_documents() -> list[str]:
    sources = Path(django_settings.BASE_DIR, "frontend", "src").rglob("operations.ts")
    documents = [m for path in sources for m in re.findall(r"graphql\(`(.*?)`\)", path.read_text(), re.S)]
    fragments = "\n".join(d for d in documents if d.strip().startswith("fragment"))
    return [d + "\n" + fragments for d in documents if not d.strip().startswith("fragment")]


def test_every_document_of_the_web_client_is_well_within_the_limit():
    documents = _web_client_documents()
    assert len(documents) >= 8
    for document in documents:
        # Page sizes the client passes in variables count as the largest allowed.
        assert _cost(document) <= django_settings.PARLEY["QUERY_COST"] / 3, document


DEEP = """messages(roomId: $r, last: PAGE) { edges { node {
  sender { id } attachments { id } bidDetails { createdBy { id } }
  room { unreadCount organizer { id } vendor { id }
    lastMessage { sender { id } attachments { id } bidDetails { createdBy { id } }
      room { unreadCount lastMessage { attachments { id } } } } } } } }"""


def _worst_document(*, aliases: int) -> str:
    """The deepest nesting of lists and rooms the depth limit allows, `aliases` times, each
    with the largest page the cost limit then leaves."""
    limit = django_settings.PARLEY["QUERY_COST"]
    page = max(p for p in range(1, 101) if _cost(_aliased(DEEP.replace("PAGE", str(p)), aliases)) <= limit)
    return _aliased(DEEP.replace("PAGE", str(page)), aliases)


def _room_with(messages: int):
    room = RoomFactory()
    for i in range(messages):
        message = MessageFactory(room=room, sender=room.vendor if i % 2 else room.organizer)
        for _ in range(2):
            AttachmentFactory(room=room, uploaded_by=message.sender, message=message)
        if i % 3 == 0:
            BidFactory(message__room=room, message__sender=room.vendor)
    room.last_message = Message.objects.filter(room=room).order_by("-created_at", "-id").first()
    room.save()
    return room


# The deepest nesting on one page: the caller; the room, its page, the page's attachments and
# the delivery stamp; then one batch per nested level: the rooms' unread counts, their last
# messages, those messages' attachments and bids, their rooms, those rooms' unread counts,
# their last messages and those messages' attachments.
ONE_PAGE_QUERIES = 13


@pytest.mark.parametrize("messages", [5, 120])
def test_the_deepest_nesting_costs_a_fixed_number_of_queries_however_many_nodes(
    client, django_assert_num_queries, messages
):
    document = _worst_document(aliases=1)
    assert "last: 100" in document  # one alias may take a full page
    room = _room_with(messages)
    with django_assert_num_queries(ONE_PAGE_QUERIES):
        result = gql(client, document, {"r": room.pk}, user=room.organizer)
    assert len(result.data["a0"]["edges"]) == min(Message.objects.filter(room=room).count(), 100)


def test_the_worst_nesting_the_limits_allow_costs_at_most_a_page_s_queries_per_alias(
    client, django_assert_max_num_queries
):
    # As many aliases as allowed, each with the largest page the cost limit then leaves: each
    # alias costs at most what one page does (its levels batch with the others' when they
    # resolve in the same tick), never a query per node.
    aliases = django_settings.PARLEY["QUERY_ALIASES"]
    document = _worst_document(aliases=aliases)
    room = _room_with(60)
    with django_assert_max_num_queries(1 + aliases * (ONE_PAGE_QUERIES - 1)):
        result = gql(client, document, {"r": room.pk}, user=room.organizer)
    assert "errors" not in result.body and len(result.data) == aliases
