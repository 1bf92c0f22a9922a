"""blockUser and unblockUser over HTTP: the contract's codes, ChatRoom.blocked and blockedByMe
as each side sees them, every write refused in a blocked room with nothing written, and what
stays allowed (reading, deleting one's own message, marking read, ensureRoom)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Attachment, Bid, Block, ChatRoom, Message, User
from tests.factories import BidFactory, MessageFactory, RoomFactory, UserFactory, VendorFactory
from tests.files import multipart_fields
from tests.graphql import Result, access_token, gql

pytestmark = pytest.mark.django_db

ROOM_FIELDS = "id blocked blockedByMe organizer { username } vendor { username }"
BLOCK = f"mutation($u: String!) {{ blockUser(username: $u) {{ {ROOM_FIELDS} }} }}"
UNBLOCK = f"mutation($u: String!) {{ unblockUser(username: $u) {{ {ROOM_FIELDS} }} }}"
ROOM = "query($id: ID!) { room(id: $id) { id blocked blockedByMe } }"
ROOMS = "{ rooms { edges { node { id blocked blockedByMe } } } }"
SEND = 'mutation($r: ID!) { sendMessage(roomId: $r, text: "hello?") { id room { id blocked } } }'
HISTORY = "query($r: ID!) { messages(roomId: $r) { edges { node { id text } } } }"
BLOCKED_MESSAGE = "This conversation is blocked: nothing can be sent in it."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _state(client, user, room) -> tuple[bool, bool]:
    node = gql(client, ROOM, {"id": room.pk}, user=user).data["room"]
    return node["blocked"], node["blockedByMe"]


def _refused_as_blocked(result: Result, op: str) -> None:
    assert result.code == "FORBIDDEN", result.body
    assert result.body["errors"][0]["message"] == BLOCKED_MESSAGE
    assert not (result.data or {}).get(op)


def test_the_blocker_sees_blocked_by_me_and_the_other_side_sees_only_blocked(client):
    room = RoomFactory()
    answered = gql(client, BLOCK, {"u": room.organizer.username}, user=room.vendor).data["blockUser"]
    assert (answered["id"], answered["blocked"], answered["blockedByMe"]) == (str(room.pk), True, True)
    assert _state(client, room.vendor, room) == (True, True)
    assert _state(client, room.organizer, room) == (True, False)
    listed = gql(client, ROOMS, user=room.organizer).data["rooms"]["edges"][0]["node"]
    assert listed == {"id": str(room.pk), "blocked": True, "blockedByMe": False}


def test_an_open_room_is_neither(client):
    room = RoomFactory()
    assert _state(client, room.organizer, room) == (False, False)


def test_blocking_again_answers_the_room_unchanged(client):
    room = RoomFactory()
    first = gql(client, BLOCK, {"u": room.vendor.username}, user=room.organizer).data["blockUser"]
    again = gql(client, BLOCK, {"u": room.vendor.username}, user=room.organizer).data["blockUser"]
    assert first == again and Block.objects.count() == 1


def test_no_room_with_the_user_and_no_such_user_are_one_not_found_and_no_room_is_made(client):
    caller, stranger = UserFactory(), VendorFactory()
    for mutation in (BLOCK, UNBLOCK):
        answers = [gql(client, mutation, {"u": name}, user=caller) for name in (stranger.username, "no-such-user")]
        assert [a.code for a in answers] == ["NOT_FOUND", "NOT_FOUND"]
        assert answers[0].body["errors"][0]["message"] == answers[1].body["errors"][0]["message"]
    assert not ChatRoom.objects.exists() and not Block.objects.exists()


def test_blocking_or_unblocking_yourself_is_bad_input(client):
    room = RoomFactory()
    for mutation in (BLOCK, UNBLOCK):
        assert gql(client, mutation, {"u": room.vendor.username}, user=room.vendor).code == "BAD_USER_INPUT"
    assert not Block.objects.exists()


def test_blocking_signed_out_is_unauthenticated(client):
    room = RoomFactory()
    assert gql(client, BLOCK, {"u": room.vendor.username}).code == "UNAUTHENTICATED"
    assert not Block.objects.exists()


def test_only_the_blocker_can_unblock(client):
    room = RoomFactory()
    gql(client, BLOCK, {"u": room.organizer.username}, user=room.vendor)
    answered = gql(client, UNBLOCK, {"u": room.vendor.username}, user=room.organizer).data["unblockUser"]
    assert (answered["blocked"], answered["blockedByMe"]) == (True, False)  # the vendor's block stays
    answered = gql(client, UNBLOCK, {"u": room.organizer.username}, user=room.vendor).data["unblockUser"]
    assert (answered["blocked"], answered["blockedByMe"]) == (False, False)


def test_a_room_both_sides_blocked_stays_blocked_until_both_unblock(client):
    room = RoomFactory()
    gql(client, BLOCK, {"u": room.organizer.username}, user=room.vendor)
    gql(client, BLOCK, {"u": room.vendor.username}, user=room.organizer)
    gql(client, UNBLOCK, {"u": room.organizer.username}, user=room.vendor)
    assert _state(client, room.vendor, room) == (True, False)
    _refused_as_blocked(gql(client, SEND, {"r": room.pk}, user=room.vendor), "sendMessage")
    gql(client, UNBLOCK, {"u": room.vendor.username}, user=room.organizer)
    assert gql(client, SEND, {"r": room.pk}, user=room.vendor).data["sendMessage"]["room"]["blocked"] is False


# --- while blocked ----------------------------------------------------------------------------


def _blocked_room(*, by: str = "vendor") -> ChatRoom:
    room = RoomFactory()
    blocker = room.vendor if by == "vendor" else room.organizer
    Block.objects.create(room=room, blocker=blocker)
    return room


def _snapshot() -> tuple:
    return (
        list(Message.objects.order_by("pk").values_list("pk", "text", "edited_at", "deleted_at")),
        list(Bid.objects.order_by("pk").values_list("pk", "status", "amount", "note")),
        list(Attachment.objects.order_by("pk").values_list("pk", "message_id")),
    )


@pytest.mark.parametrize("by", ["organizer", "vendor"])
@pytest.mark.parametrize("side", ["organizer", "vendor"])
def test_neither_side_can_send_or_type(client, by, side):
    room = _blocked_room(by=by)
    user = getattr(room, side)
    before = _snapshot()
    _refused_as_blocked(gql(client, SEND, {"r": room.pk}, user=user), "sendMessage")
    typing = gql(client, "mutation($r: ID!) { setTyping(roomId: $r) }", {"r": room.pk}, user=user)
    _refused_as_blocked(typing, "setTyping")
    assert _snapshot() == before


@pytest.mark.parametrize("by", ["organizer", "vendor"])
def test_no_bid_is_made_accepted_or_withdrawn(client, by):
    bid = BidFactory()
    room = bid.message.room
    Block.objects.create(room=room, blocker=getattr(room, by))
    before = _snapshot()
    create = 'mutation($r: ID!) { createBid(roomId: $r, amount: "900.00") { id } }'
    _refused_as_blocked(gql(client, create, {"r": room.pk}, user=room.vendor), "createBid")
    update = "mutation($b: ID!, $s: BidStatus!) { updateBid(bidId: $b, status: $s) { id status } }"
    _refused_as_blocked(gql(client, update, {"b": bid.pk, "s": "ACCEPTED"}, user=room.organizer), "updateBid")
    _refused_as_blocked(gql(client, update, {"b": bid.pk, "s": "WITHDRAWN"}, user=room.vendor), "updateBid")
    assert _snapshot() == before


def test_no_upload(client):
    room = _blocked_room()
    data = {**multipart_fields(room.pk), "0": SimpleUploadedFile("plan.txt", b"plain\n", content_type="text/plain")}
    response = client.post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {access_token(room.organizer)}")
    _refused_as_blocked(Result(response.status_code, response.json()), "uploadAttachment")
    assert not Attachment.objects.exists()


def test_no_edit_but_deleting_ones_own_message_and_marking_read_stay_allowed(client):
    room = RoomFactory()
    mine = MessageFactory(room=room, sender=room.vendor, text="teh price")
    MessageFactory(room=room, sender=room.organizer, text="what price?")
    Block.objects.create(room=room, blocker=room.organizer)
    edit = 'mutation($m: ID!) { editMessage(messageId: $m, text: "the price") { id } }'
    _refused_as_blocked(gql(client, edit, {"m": mine.pk}, user=room.vendor), "editMessage")
    delete = "mutation($m: ID!) { deleteMessage(messageId: $m) { id deletedAt } }"
    assert gql(client, delete, {"m": mine.pk}, user=room.vendor).data["deleteMessage"]["deletedAt"]
    mark = "mutation($r: ID!) { markRead(roomId: $r) { messageId } }"
    assert gql(client, mark, {"r": room.pk}, user=room.vendor).data["markRead"]["messageId"]


def test_the_room_and_its_history_stay_readable_and_ensure_room_answers_it(client):
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.organizer, text="before the block")
    Block.objects.create(room=room, blocker=room.vendor)
    for user in (room.organizer, room.vendor):
        edges = gql(client, HISTORY, {"r": room.pk}, user=user).data["messages"]["edges"]
        assert [e["node"]["text"] for e in edges] == [message.text]
    ensure = "mutation($u: String!) { ensureRoom(username: $u) { id blocked } }"
    assert gql(client, ensure, {"u": room.vendor.username}, user=room.organizer).data["ensureRoom"] == {
        "id": str(room.pk),
        "blocked": True,
    }
    create = "mutation($o: ID!, $v: ID!) { createRoom(organizerId: $o, vendorId: $v) { id } }"
    answer = gql(client, create, {"o": room.organizer.pk, "v": room.vendor.pk}, user=room.vendor)
    assert answer.data["createRoom"]["id"] == str(room.pk) and ChatRoom.objects.count() == 1


def test_the_other_side_shows_offline_and_never_seen_while_blocked(client):
    room = RoomFactory()
    User.objects.filter(pk=room.vendor.pk).update(last_seen_at="2026-01-01T00:00:00Z")
    query = "query($id: ID!) { room(id: $id) { vendor { online lastSeenAt } } }"
    assert gql(client, query, {"id": room.pk}, user=room.organizer).data["room"]["vendor"]["lastSeenAt"]
    Block.objects.create(room=room, blocker=room.organizer)
    seen = gql(client, query, {"id": room.pk}, user=room.organizer).data["room"]["vendor"]
    assert seen == {"online": False, "lastSeenAt": None}
    Block.objects.all().delete()
    assert gql(client, query, {"id": room.pk}, user=room.organizer).data["room"]["vendor"]["lastSeenAt"]


def test_blocks_and_unblocks_are_throttled_together(client, settings):
    settings.PARLEY = {**settings.PARLEY, "BLOCK_BURST": 3, "BLOCK_RATE_PER_SECOND": 0.1}
    room = RoomFactory()
    for mutation in (BLOCK, UNBLOCK, BLOCK):
        assert gql(client, mutation, {"u": room.vendor.username}, user=room.organizer).data
    refused = gql(client, UNBLOCK, {"u": room.vendor.username}, user=room.organizer)
    assert refused.code == "RATE_LIMITED" and refused.body["errors"][0]["extensions"]["retryAfter"] > 0
    assert Block.objects.filter(room=room, blocker=room.organizer).exists()
