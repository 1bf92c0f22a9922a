import pytest

from chat.models import ChatRoom, Message
from tests.factories import MessageFactory, RoomFactory, UserFactory, VendorFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

ENSURE = "mutation($u: String!) { ensureRoom(username: $u) { id organizer { username } vendor { username } } }"
CREATE = "mutation($o: ID!, $v: ID!) { createRoom(organizerId: $o, vendorId: $v) { id } }"
SEND = """mutation($r: ID!, $t: String, $c: String, $a: [ID!], $k: MessageType) {
  sendMessage(roomId: $r, text: $t, clientId: $c, attachmentIds: $a, messageType: $k) {
    id text senderUsername messageType clientId sender { username } room { id }
  }
}"""


def test_ensure_room_makes_the_organizer_organizer_whoever_asks(client):
    organizer, vendor = UserFactory(), VendorFactory()
    result = gql(client, ENSURE, {"u": organizer.username}, user=vendor)
    room = result.data["ensureRoom"]
    assert (room["organizer"]["username"], room["vendor"]["username"]) == (organizer.username, vendor.username)


def test_ensure_room_returns_the_same_room_from_both_sides(client):
    organizer, vendor = UserFactory(), VendorFactory()
    first = gql(client, ENSURE, {"u": vendor.username}, user=organizer).data["ensureRoom"]["id"]
    second = gql(client, ENSURE, {"u": organizer.username}, user=vendor).data["ensureRoom"]["id"]
    assert first == second
    assert ChatRoom.objects.count() == 1


def test_ensure_room_with_two_vendors_makes_the_caller_organizer(client):
    caller, other = VendorFactory(), VendorFactory()
    room = gql(client, ENSURE, {"u": other.username}, user=caller).data["ensureRoom"]
    assert room["organizer"]["username"] == caller.username


@pytest.mark.parametrize("target", ["nobody-by-this-name", "SELF"])
def test_ensure_room_with_unknown_user_or_oneself_is_bad_input_and_writes_nothing(client, target):
    caller = UserFactory()
    result = gql(client, ENSURE, {"u": caller.username if target == "SELF" else target}, user=caller)
    assert result.code == "BAD_USER_INPUT"
    assert ChatRoom.objects.count() == 0


def test_create_room_by_an_outsider_is_forbidden(client):
    organizer, vendor, outsider = UserFactory(), VendorFactory(), UserFactory()
    result = gql(client, CREATE, {"o": organizer.pk, "v": vendor.pk}, user=outsider)
    assert result.code == "FORBIDDEN"
    assert ChatRoom.objects.count() == 0


def test_create_room_for_an_existing_pair_returns_that_room(client):
    room = RoomFactory()
    result = gql(client, CREATE, {"o": room.vendor.pk, "v": room.organizer.pk}, user=room.vendor)
    assert result.data["createRoom"]["id"] == str(room.pk)
    assert ChatRoom.objects.count() == 1


@pytest.mark.parametrize("other", ["abc", "999999"])
def test_create_room_with_a_bad_or_unknown_id_writes_nothing(client, other):
    caller = UserFactory()
    result = gql(client, CREATE, {"o": caller.pk, "v": other}, user=caller)
    assert result.code == "BAD_USER_INPUT"
    assert ChatRoom.objects.count() == 0


def test_send_message_stores_trimmed_text_and_returns_the_payload(client, django_capture_on_commit_callbacks):
    room = RoomFactory()
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(client, SEND, {"r": room.pk, "t": "  hello there \n"}, user=room.vendor)
    message = result.data["sendMessage"]
    assert message["text"] == "hello there"
    assert message["senderUsername"] == room.vendor.username
    assert message["messageType"] == "TEXT"
    assert message["room"]["id"] == str(room.pk)
    room.refresh_from_db()
    assert room.last_message_id == int(message["id"])


def test_send_message_with_the_same_client_id_returns_the_first_message(client, django_capture_on_commit_callbacks):
    room = RoomFactory()
    with django_capture_on_commit_callbacks(execute=True) as sent:
        first = gql(client, SEND, {"r": room.pk, "t": "once", "c": "abc-1"}, user=room.vendor)
    with django_capture_on_commit_callbacks(execute=True) as repeated:
        retry = gql(client, SEND, {"r": room.pk, "t": "once", "c": "abc-1"}, user=room.vendor)
        reused = gql(client, SEND, {"r": room.pk, "t": "once again", "c": "abc-1"}, user=room.vendor)
    assert retry.data["sendMessage"] == first.data["sendMessage"]
    assert reused.code == "BAD_USER_INPUT"
    assert Message.objects.count() == 1
    assert sent and not repeated  # the broadcast (and what else follows a commit): the first send only


def test_the_same_client_id_from_the_other_participant_is_a_new_message(client):
    room = RoomFactory()
    gql(client, SEND, {"r": room.pk, "t": "mine", "c": "same"}, user=room.vendor)
    gql(client, SEND, {"r": room.pk, "t": "theirs", "c": "same"}, user=room.organizer)
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    "variables",
    [
        {"t": ""},
        {"t": "   \n\t "},
        {"t": "x" * 5001},
        {},
        {"t": "hi", "k": "BID"},
        {"t": "hi", "k": "SYSTEM"},
        {"t": "hi", "c": "x" * 65},
        {"t": "hi", "a": ["1"]},
    ],
    ids=["empty", "whitespace", "5001-chars", "no-text", "bid-type", "system-type", "long-client-id", "attachments"],
)
def test_send_message_bad_input_writes_nothing(client, variables):
    room = RoomFactory()
    result = gql(client, SEND, {"r": room.pk, **variables}, user=room.vendor)
    assert result.code == "BAD_USER_INPUT"
    assert Message.objects.count() == 0
    room.refresh_from_db()
    assert room.last_message_id is None


def test_send_message_of_exactly_5000_characters_is_accepted(client):
    room = RoomFactory()
    result = gql(client, SEND, {"r": room.pk, "t": "x" * 5000}, user=room.vendor)
    assert len(result.data["sendMessage"]["text"]) == 5000


def test_non_participant_sending_gets_not_found_and_writes_nothing(client):
    room = RoomFactory()
    result = gql(client, SEND, {"r": room.pk, "t": "hi"}, user=UserFactory())
    assert result.code == "NOT_FOUND"
    assert Message.objects.count() == 0


@pytest.mark.parametrize("room_id, code", [("abc", "BAD_USER_INPUT"), ("424242", "NOT_FOUND"), ("-1", "NOT_FOUND")])
def test_send_message_to_a_malformed_or_unknown_room_writes_nothing(client, room_id, code):
    result = gql(client, SEND, {"r": room_id, "t": "hi"}, user=UserFactory())
    assert result.code == code
    assert Message.objects.count() == 0


def test_send_message_without_a_token_is_unauthenticated_and_writes_nothing(client):
    room = RoomFactory()
    result = gql(client, SEND, {"r": room.pk, "t": "hi"})
    assert result.code == "UNAUTHENTICATED"
    assert Message.objects.count() == 0


def test_send_message_with_a_wrongly_typed_variable_is_bad_input(client):
    room = RoomFactory()
    result = gql(client, SEND, {"r": room.pk, "t": ["not", "a", "string"]}, user=room.vendor)
    assert result.code == "BAD_USER_INPUT"
    assert Message.objects.count() == 0


def test_malformed_json_is_a_json_bad_input_error_and_writes_nothing(client):
    MessageFactory()
    response = client.post("/graphql/", data=b'{"query": "mutation {', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert Message.objects.count() == 1
