from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Block
from chat.services.messages import message_send
from tests.factories import AttachmentFactory, BidFactory, MessageFactory, RoomFactory, UserFactory, VendorFactory
from tests.graphql import access_token, gql

pytestmark = pytest.mark.django_db

PAGE = """query($r: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  messages(roomId: $r, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id text senderUsername sender { username } room { id }
                          attachments { id file originalName size contentType }
                          bidDetails { id amount currency status createdBy { username } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
ROOMS = """query($first: Int, $after: String) {
  rooms(first: $first, after: $after) {
    edges { cursor node { id organizer { username } vendor { username } unreadCount blocked blockedByMe
                          lastMessage { id text sender { username } attachments { id file size }
                                        bidDetails { id amount status createdBy { username } } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def room_with_messages(n: int, *, extras: bool = False):
    """A room of n messages; with extras, every third carries an attachment and every
    fifth is a bid, so that the payload's every part is exercised."""
    room = RoomFactory()
    start = timezone.now() - timedelta(hours=1)
    for i in range(n):
        at = start + timedelta(seconds=i)
        if extras and i % 5 == 4:
            BidFactory(message__room=room, message__text=f"m{i}", message__created_at=at)
            continue
        message = MessageFactory(room=room, text=f"m{i}", created_at=at)
        if extras and i % 3 == 0:
            AttachmentFactory(room=room, message=message, uploaded_by=room.organizer)
    return room


def texts(result) -> list[str]:
    return [edge["node"]["text"] for edge in result.data["messages"]["edges"]]


def test_me_is_the_caller(client):
    user = UserFactory(username="ada")
    assert gql(client, "{ me { username role } }", user=user).data == {"me": {"username": "ada", "role": "ORGANIZER"}}


def test_no_arguments_gives_the_newest_fifty_oldest_first(client):
    room = room_with_messages(60)
    result = gql(client, PAGE, {"r": room.pk}, user=room.vendor)
    assert texts(result) == [f"m{i}" for i in range(10, 60)]
    assert result.data["messages"]["pageInfo"]["hasPreviousPage"] is True


def test_paging_backwards_with_last_and_before_walks_the_whole_history_once(client):
    room = room_with_messages(25)
    seen, before = [], None
    while True:
        result = gql(client, PAGE, {"r": room.pk, "last": 10, "before": before}, user=room.vendor)
        seen = texts(result) + seen
        info = result.data["messages"]["pageInfo"]
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert seen == [f"m{i}" for i in range(25)]


def test_polling_with_first_and_after_returns_only_newer_messages(client):
    room = room_with_messages(5)
    newest = gql(client, PAGE, {"r": room.pk}, user=room.vendor).data["messages"]["pageInfo"]["endCursor"]
    assert texts(gql(client, PAGE, {"r": room.pk, "first": 10, "after": newest}, user=room.vendor)) == []
    MessageFactory(room=room, text="new one")
    assert texts(gql(client, PAGE, {"r": room.pk, "first": 10, "after": newest}, user=room.vendor)) == ["new one"]


def test_a_new_message_does_not_shift_an_older_page(client):
    room = room_with_messages(30)
    first_page = gql(client, PAGE, {"r": room.pk, "last": 10}, user=room.vendor)
    before = first_page.data["messages"]["pageInfo"]["startCursor"]
    older = texts(gql(client, PAGE, {"r": room.pk, "last": 10, "before": before}, user=room.vendor))
    MessageFactory(room=room, text="late")
    assert texts(gql(client, PAGE, {"r": room.pk, "last": 10, "before": before}, user=room.vendor)) == older


def test_messages_with_the_same_timestamp_are_ordered_by_id(client):
    room = RoomFactory()
    at = timezone.now()
    made = [MessageFactory(room=room, text=f"t{i}", created_at=at) for i in range(4)]
    result = gql(client, PAGE, {"r": room.pk, "first": 2}, user=room.vendor)
    after = result.data["messages"]["pageInfo"]["endCursor"]
    rest = gql(client, PAGE, {"r": room.pk, "first": 2, "after": after}, user=room.vendor)
    assert texts(result) + texts(rest) == [m.text for m in made]


@pytest.mark.parametrize("args", [{"first": 101}, {"last": 101}, {"first": 0}, {"last": -1}, {"first": 5, "last": 5}])
def test_bad_page_sizes_are_bad_input(client, args):
    room = room_with_messages(1)
    assert gql(client, PAGE, {"r": room.pk, **args}, user=room.vendor).code == "BAD_USER_INPUT"


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "MjAyNnwx", ""])
def test_a_garbage_cursor_is_bad_input(client, cursor):
    room = room_with_messages(1)
    result = gql(client, PAGE, {"r": room.pk, "first": 5, "after": cursor or "="}, user=room.vendor)
    assert result.code == "BAD_USER_INPUT"


def test_a_non_participant_reading_gets_not_found(client):
    room = room_with_messages(3)
    result = gql(client, PAGE, {"r": room.pk}, user=UserFactory())
    assert result.code == "NOT_FOUND"
    assert result.data is None


@pytest.mark.parametrize("room_id, code", [("abc", "BAD_USER_INPUT"), ("99999", "NOT_FOUND")])
def test_room_by_malformed_or_unknown_id(client, room_id, code):
    assert gql(client, "query($id: ID!) { room(id: $id) { id } }", {"id": room_id}, user=UserFactory()).code == code


def test_room_of_someone_else_is_not_found_not_null(client):
    room = RoomFactory()
    result = gql(client, "query($id: ID!) { room(id: $id) { id } }", {"id": room.pk}, user=UserFactory())
    assert result.code == "NOT_FOUND"


def test_rooms_are_ordered_by_newest_activity_with_last_message_and_unread_count(client):
    me = UserFactory()
    quiet, busy = RoomFactory(organizer=me), RoomFactory(organizer=me)
    message_send(room=quiet, sender=quiet.vendor, text="old news")
    message_send(room=busy, sender=busy.vendor, text="one")
    message_send(room=busy, sender=busy.vendor, text="two")
    message_send(room=busy, sender=me, text="mine does not count")
    RoomFactory()  # someone else's
    edges = gql(client, ROOMS, user=me).data["rooms"]["edges"]
    assert [e["node"]["id"] for e in edges] == [str(busy.pk), str(quiet.pk)]
    assert edges[0]["node"]["lastMessage"]["text"] == "mine does not count"
    assert [e["node"]["unreadCount"] for e in edges] == [2, 1]


def test_rooms_page_with_after(client):
    me = VendorFactory()
    rooms = [RoomFactory(vendor=me) for _ in range(3)]
    for room in rooms:
        message_send(room=room, sender=room.organizer, text="hi")
    first = gql(client, ROOMS, {"first": 2}, user=me).data["rooms"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = gql(client, ROOMS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, user=me).data["rooms"]
    ids = [e["node"]["id"] for e in first["edges"] + rest["edges"]]
    assert ids == [str(r.pk) for r in reversed(rooms)]


@pytest.mark.parametrize("size", [1, 100])
def test_messages_page_costs_the_same_number_of_queries_at_any_size(client, django_assert_num_queries, size):
    room = room_with_messages(size, extras=True)
    # One token for both reads: a token minted in another second is another token, which this
    # process has not verified yet.
    token = access_token(room.vendor)
    # user, room, page, attachments, and one UPDATE stamping deliveredAt on the whole page
    with django_assert_num_queries(5):
        result = gql(client, PAGE, {"r": room.pk, "last": size}, token=token)
    assert len(result.data["messages"]["edges"]) == size
    # Read again: everything is delivered already, nothing to stamp, and the token's user is
    # known to this process (chat.services.auth.AccessTokens).
    with django_assert_num_queries(3):
        gql(client, PAGE, {"r": room.pk, "last": size}, token=token)


@pytest.mark.parametrize("count", [1, 30])
def test_rooms_costs_the_same_number_of_queries_at_any_size(client, django_assert_num_queries, count):
    me = UserFactory()
    for i in range(count):
        room = RoomFactory(organizer=me)
        message = message_send(room=room, sender=room.vendor, text="hello")
        AttachmentFactory(room=room, message=message)
        if i % 2:
            BidFactory(message__room=room)
            room.refresh_from_db()
            room.last_message = room.messages.order_by("-id").first()
            room.save()
        if i % 3 == 1:
            Block.objects.create(room=room, blocker=me)
        elif i % 3 == 2:
            Block.objects.create(room=room, blocker=room.vendor)
    # user, rooms (with last message, unread count and blocks), last messages' attachments
    with django_assert_num_queries(3):
        result = gql(client, ROOMS, user=me)
    nodes = [edge["node"] for edge in result.data["rooms"]["edges"]]
    assert len(nodes) == count
    mine = set(Block.objects.filter(blocker=me).values_list("room_id", flat=True))
    blocked = set(Block.objects.values_list("room_id", flat=True))
    assert [(n["blocked"], n["blockedByMe"]) for n in nodes] == [
        (int(n["id"]) in blocked, int(n["id"]) in mine) for n in nodes
    ]


def test_query_deeper_than_the_limit_is_a_validation_error(client):
    user = UserFactory()
    deep = (
        "{ rooms { edges { node { lastMessage { room { lastMessage { room {"
        + " lastMessage { room { lastMessage { room { id } } } } } } } } } } } }"
    )
    assert gql(client, deep, user=user).code == "GRAPHQL_VALIDATION_FAILED"


def test_syntax_error_is_parse_failed(client):
    assert gql(client, "{ rooms {", user=UserFactory()).code == "GRAPHQL_PARSE_FAILED"


def test_unknown_field_is_validation_failed(client):
    assert gql(client, "{ nope }", user=UserFactory()).code == "GRAPHQL_VALIDATION_FAILED"


ROOMS_WITH_PRESENCE = """{ rooms { edges { node {
  id organizer { online lastSeenAt } vendor { username online lastSeenAt }
  lastMessage { sender { online } }
} } } }"""


@pytest.mark.parametrize("count", [1, 30])
def test_the_presence_of_every_user_in_the_room_list_costs_one_query(client, django_assert_num_queries, count):
    me = UserFactory()
    for _ in range(count):
        room = RoomFactory(organizer=me)
        message_send(room=room, sender=room.vendor, text="hello")
    # user, rooms, last messages' attachments, and one read of who may be seen (lastSeenAt)
    with django_assert_num_queries(4):
        result = gql(client, ROOMS_WITH_PRESENCE, user=me)
    nodes = [edge["node"] for edge in result.data["rooms"]["edges"]]
    assert len(nodes) == count
    assert all(
        node["vendor"] == {"username": node["vendor"]["username"], "online": False, "lastSeenAt": None}
        for node in nodes
    )
