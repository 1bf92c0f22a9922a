"""Every write has a budget: createBid spends the send budget; uploads have their own, plus a
quota of unused bytes; ensureRoom/createRoom, updateBid, markRead and blockUser/unblockUser
are throttled; a user's sockets are capped. Each refusal writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Attachment, Bid, ChatRoom, Message
from tests.factories import BidFactory, MessageFactory, RoomFactory, UserFactory, VendorFactory
from tests.files import multipart_fields
from tests.graphql import Result, access_token, gql

pytestmark = pytest.mark.django_db

SEND = "mutation($r: ID!, $t: String, $a: [ID!]) { sendMessage(roomId: $r, text: $t, attachmentIds: $a) { id } }"
BID = 'mutation($r: ID!) { createBid(roomId: $r, amount: "100.00") { id } }'
UPDATE_BID = "mutation($b: ID!, $n: String) { updateBid(bidId: $b, note: $n) { id note } }"
ENSURE = "mutation($u: String!) { ensureRoom(username: $u) { id } }"
CREATE = "mutation($o: ID!, $v: ID!) { createRoom(organizerId: $o, vendorId: $v) { id } }"
MARK_READ = "mutation($r: ID!) { markRead(roomId: $r) { messageId } }"


@pytest.fixture(autouse=True)
def _media_and_slow_refill(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # Refills of one every 10 s: a slow machine cannot earn a use back before a test expects a refusal.
    settings.PARLEY = {
        **settings.PARLEY,
        "SEND_RATE_PER_SECOND": 0.1,
        "UPLOAD_RATE_PER_SECOND": 0.1,
        "ROOM_RATE_PER_SECOND": 0.1,
        "BID_UPDATE_RATE_PER_SECOND": 0.1,
        "MARK_READ_RATE_PER_SECOND": 0.1,
    }


def _upload(client, user, room, content: bytes = b"plain text\n") -> Result:
    data = {**multipart_fields(room.pk), "0": SimpleUploadedFile("notes.txt", content, content_type="text/plain")}
    response = client.post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {access_token(user)}")
    return Result(response.status_code, response.json())


def _refused(result: Result) -> None:
    assert result.code == "RATE_LIMITED", result.body
    assert result.body["errors"][0]["extensions"]["retryAfter"] > 0


def test_the_defaults(settings):
    from project.settings import PARLEY

    assert (PARLEY["UPLOAD_BURST"], PARLEY["UPLOAD_RATE_PER_SECOND"]) == (20, 0.5)
    assert (PARLEY["ROOM_BURST"], PARLEY["ROOM_RATE_PER_SECOND"]) == (20, 0.2)
    assert (PARLEY["BID_UPDATE_BURST"], PARLEY["BID_UPDATE_RATE_PER_SECOND"]) == (20, 1)
    assert (PARLEY["MARK_READ_BURST"], PARLEY["MARK_READ_RATE_PER_SECOND"]) == (60, 10)
    assert (PARLEY["BLOCK_BURST"], PARLEY["BLOCK_RATE_PER_SECOND"]) == (20, 0.5)
    # One message's worth of the largest attachments may wait to be sent.
    assert PARLEY["UNUSED_ATTACHMENT_BYTES"] == PARLEY["ATTACHMENT_MAX_BYTES"] * PARLEY["ATTACHMENTS_PER_MESSAGE"]
    assert PARLEY["SOCKETS_PER_USER"] == 20


def test_create_bid_spends_the_send_budget(client):
    room = RoomFactory()
    for i in range(20):
        assert gql(client, SEND, {"r": room.pk, "t": f"m{i}"}, user=room.vendor).data
    _refused(gql(client, BID, {"r": room.pk}, user=room.vendor))
    assert not Bid.objects.exists() and Message.objects.count() == 20


def test_bids_alone_spend_the_budget_too(client):
    room = RoomFactory()
    for _ in range(20):
        assert gql(client, BID, {"r": room.pk}, user=room.vendor).data
    _refused(gql(client, BID, {"r": room.pk}, user=room.vendor))
    _refused(gql(client, SEND, {"r": room.pk, "t": "and a message"}, user=room.vendor))
    assert Bid.objects.count() == 20


def test_uploads_have_a_budget_of_their_own(client):
    room = RoomFactory()
    for _ in range(20):
        assert _upload(client, room.vendor, room).data
    _refused(_upload(client, room.vendor, room))
    assert Attachment.objects.count() == 20
    assert gql(client, SEND, {"r": room.pk, "t": "sending is not uploading"}, user=room.vendor).data


def test_unused_uploads_have_a_quota_of_bytes_per_user(client, settings):
    settings.PARLEY = {**settings.PARLEY, "UNUSED_ATTACHMENT_BYTES": 1000}
    room = RoomFactory()
    first = _upload(client, room.vendor, room, b"a" * 600).data["uploadAttachment"]
    over = _upload(client, room.vendor, room, b"b" * 600)
    assert over.code == "BAD_USER_INPUT" and "unsent" in over.body["errors"][0]["message"]
    assert Attachment.objects.count() == 1
    # Someone else's uploads do not count against this user.
    assert _upload(client, room.organizer, room, b"c" * 600).data
    # Once sent, an upload no longer counts.
    assert gql(client, SEND, {"r": room.pk, "a": [first["id"]]}, user=room.vendor).data
    assert _upload(client, room.vendor, room, b"d" * 600).data


def test_uploads_older_than_the_unused_lifetime_do_not_count(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PARLEY = {**settings.PARLEY, "UNUSED_ATTACHMENT_BYTES": 1000}
    room = RoomFactory()
    assert _upload(client, room.vendor, room, b"a" * 600).data
    Attachment.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert _upload(client, room.vendor, room, b"b" * 600).data


def test_ensure_room_and_create_room_share_a_budget(client, settings):
    settings.PARLEY = {**settings.PARLEY, "ROOM_BURST": 3}
    caller = UserFactory()
    others = [VendorFactory() for _ in range(4)]
    assert gql(client, ENSURE, {"u": others[0].username}, user=caller).data
    assert gql(client, ENSURE, {"u": others[0].username}, user=caller).data  # an existing room counts too
    assert gql(client, CREATE, {"o": caller.pk, "v": others[1].pk}, user=caller).data
    _refused(gql(client, ENSURE, {"u": others[2].username}, user=caller))
    _refused(gql(client, CREATE, {"o": caller.pk, "v": others[3].pk}, user=caller))
    assert ChatRoom.objects.count() == 2


def test_update_bid_is_throttled(client, settings):
    settings.PARLEY = {**settings.PARLEY, "BID_UPDATE_BURST": 3}
    bid = BidFactory()
    vendor = bid.message.room.vendor
    for i in range(3):
        assert gql(client, UPDATE_BID, {"b": bid.pk, "n": f"note {i}"}, user=vendor).data
    _refused(gql(client, UPDATE_BID, {"b": bid.pk, "n": "one too many"}, user=vendor))
    bid.refresh_from_db()
    assert bid.note == "note 2"


def test_mark_read_is_throttled(client, settings):
    settings.PARLEY = {**settings.PARLEY, "MARK_READ_BURST": 3}
    room = RoomFactory()
    for _ in range(4):
        MessageFactory(room=room, sender=room.organizer)
    for _ in range(3):
        assert gql(client, MARK_READ, {"r": room.pk}, user=room.vendor).data
    _refused(gql(client, MARK_READ, {"r": room.pk}, user=room.vendor))


def test_a_budget_is_per_user(client, settings):
    settings.PARLEY = {**settings.PARLEY, "MARK_READ_BURST": 1}
    room = RoomFactory()
    MessageFactory(room=room, sender=room.organizer)
    MessageFactory(room=room, sender=room.vendor)
    assert gql(client, MARK_READ, {"r": room.pk}, user=room.vendor).data
    assert gql(client, MARK_READ, {"r": room.pk}, user=room.organizer).data
