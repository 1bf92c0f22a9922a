"""searchMessages over HTTP: the contract's codes, the edges' shape, and a page's fixed cost in
SQL queries (chat.search has the design; tests/chat/test_search.py the domain's behaviour)."""

import pytest

from chat.models import MessageType
from chat.ratelimit import budgets_clear
from chat.search import SNIPPET_MAX
from chat.services.bids import bid_create
from chat.services.messages import message_append
from tests.factories import AttachmentFactory, RoomFactory, UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

SEARCH = """query($q: String!, $r: ID, $first: Int, $after: String) {
  searchMessages(query: $q, roomId: $r, first: $first, after: $after) {
    edges { cursor snippet node { id text senderUsername createdAt sender { username }
                                  room { id organizer { username } vendor { username } }
                                  attachments { id file originalName }
                                  bidDetails { id amount createdBy { username } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def send(room, text, *, sender=None):
    return message_append(room=room, sender=sender or room.vendor, message_type=MessageType.TEXT, text=text)


def search(client, user, q, **variables):
    return gql(client, SEARCH, {"q": q, **variables}, user=user)


def texts(result) -> list[str]:
    return [edge["node"]["text"] for edge in result.data["searchMessages"]["edges"]]


def test_a_search_gives_the_callers_matching_messages_newest_first_with_snippets(client):
    room = RoomFactory()
    older = send(room, "Here is the quote for the venue")
    send(room, "See you tomorrow")
    newer = send(room, "An updated quote, ten percent lower", sender=room.organizer)
    result = search(client, room.vendor, "quotes")
    connection = result.data["searchMessages"]
    assert [edge["node"]["id"] for edge in connection["edges"]] == [str(newer.pk), str(older.pk)]
    assert [edge["snippet"] for edge in connection["edges"]] == [newer.text, older.text]
    first = connection["edges"][0]["node"]
    assert first["room"] == {
        "id": str(room.pk),
        "organizer": {"username": room.organizer.username},
        "vendor": {"username": room.vendor.username},
    }
    assert first["sender"] == {"username": room.organizer.username}
    assert first["senderUsername"] == room.organizer.username
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": connection["edges"][0]["cursor"],
        "endCursor": connection["edges"][1]["cursor"],
    }


def test_an_empty_result_is_an_empty_page(client):
    room = RoomFactory()
    send(room, "hello")
    connection = search(client, room.vendor, "zeppelin").data["searchMessages"]
    assert connection == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


def test_paging_with_first_and_after_reaches_every_match_once(client):
    room = RoomFactory()
    made = [send(room, f"stage plan {i}") for i in range(7)]
    seen, after = [], None
    while True:
        connection = search(client, room.organizer, "plans", first=3, after=after).data["searchMessages"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [str(m.pk) for m in reversed(made)]


def test_unauthenticated_is_refused_like_every_query(client):
    room = RoomFactory()
    send(room, "quote")
    result = gql(client, SEARCH, {"q": "quote"})
    assert result.code == "UNAUTHENTICATED" and result.data is None


def test_a_room_that_is_not_the_callers_is_not_found(client):
    room = RoomFactory()
    send(room, "private quote")
    result = search(client, UserFactory(), "quote", r=room.pk)
    assert result.code == "NOT_FOUND" and result.data is None


def test_with_a_room_id_only_that_rooms_messages(client):
    room = RoomFactory()
    elsewhere = RoomFactory(vendor=room.vendor)
    send(room, "quote one")
    send(elsewhere, "quote two")
    assert texts(search(client, room.vendor, "quote", r=room.pk)) == ["quote one"]
    assert texts(search(client, room.vendor, "quote")) == ["quote two", "quote one"]


@pytest.mark.parametrize(
    "variables",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 201},
        {"q": "quote", "first": 0},
        {"q": "quote", "first": 101},
        {"q": "quote", "after": "garbage"},
        {"q": "quote", "r": "not-a-number"},
    ],
    ids=["empty", "blank", "201 characters", "first 0", "first 101", "bad cursor", "bad room id"],
)
def test_bad_arguments_are_bad_user_input(client, variables):
    room = RoomFactory()
    send(room, "quote")
    result = gql(client, SEARCH, variables, user=room.vendor)
    assert result.code == "BAD_USER_INPUT" and result.data is None


@pytest.mark.parametrize("q", ['"', "AND", "*", "(", "NEAR", ":", 'quote" OR (', "NEAR(quote venue, 2)", "the"])
def test_search_syntax_is_never_an_error(client, q):
    room = RoomFactory()
    send(room, "the quote")
    result = search(client, room.vendor, q)
    assert "errors" not in result.body, result.body


def test_a_snippet_is_plain_text_of_at_most_160_characters(client):
    room = RoomFactory()
    send(room, "<i>intro</i> " * 40 + "the final **invoice** is attached " + "& more " * 40)
    (edge,) = search(client, room.vendor, "invoices").data["searchMessages"]["edges"]
    assert len(edge["snippet"]) <= SNIPPET_MAX
    assert "**invoice** is attached" in edge["snippet"]
    assert "\ue000" not in edge["snippet"] and "\ue001" not in edge["snippet"]


def room_of_matches(count: int, user):
    """`count` matching messages in rooms of `user`'s, some with attachments, some bids."""
    rooms = [RoomFactory(organizer=user) for _ in range(3)]
    for i in range(count):
        room = rooms[i % 3]
        if i % 4 == 3:
            budgets_clear()  # a bid spends the send budget; this test is not about it
            bid_create(room=room, vendor=room.vendor, amount="100.00", note=None)
            continue
        message = send(room, f"Bid terms, draft {i}")
        if i % 3 == 0:
            AttachmentFactory(room=room, message=message)
    return rooms


@pytest.mark.parametrize("count", [1, 30])
def test_a_page_costs_the_same_number_of_queries_at_any_size(client, django_assert_num_queries, _media, count):
    me = UserFactory()
    room_of_matches(count, me)
    # user, matches with their marked texts, the messages with rooms and senders and bids,
    # their attachments
    with django_assert_num_queries(4):
        result = search(client, me, "bid", first=30)
    assert len(result.data["searchMessages"]["edges"]) == count


@pytest.mark.parametrize("count", [1, 30])
def test_a_page_of_one_room_costs_one_query_more(client, django_assert_num_queries, _media, count):
    me = UserFactory()
    rooms = room_of_matches(count * 3, me)
    with django_assert_num_queries(5):  # and the room, to check it is the caller's
        result = search(client, me, "bid", r=rooms[0].pk, first=30)
    assert len(result.data["searchMessages"]["edges"]) == count
