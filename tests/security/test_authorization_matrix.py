"""Who may do what: every operation of the API, as every kind of caller, over HTTP and over
WebSocket, in an open room and again in a blocked one. One test per cell, with the id
`<operation>-<caller>`:

- HTTP (Django's in-process test client): 20 operations x 4 callers = 80 cells, twice;
- WebSocket (the real `server`, graphql-transport-ws; queries and mutations are sent as
  `subscribe` messages too): 19 operations x 4 callers = 76 cells, twice
  (no uploadAttachment, which needs a multipart body, and no file link, which is a plain GET).

Callers: `anonymous` (no token), `outsider` (signed in, not in the room), `organizer` and
`vendor` (the room's two participants). The expectation of every cell is in EXPECTED below,
and in BLOCKED_ROOM for the room the vendor has blocked the organizer in (the organizer is
the blocked side, the vendor the blocker: every write is refused to both). A refused cell
also proves that nothing was written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from chat.cursors import Cursor
from chat.links import attachment_url
from chat.models import Attachment, Bid, BidStatus, Block, ChatRoom, Message, MessageType, User
from chat.services.blocking import BLOCKED
from chat.services.messages import message_append
from tests.factories import AttachmentFactory, BidFactory, MessageFactory, RoomFactory, UserFactory
from tests.files import multipart_fields, png_bytes
from tests.graphql import Result, access_token, gql
from tests.wsclient import GraphQLSocket

CALLERS = ("anonymous", "outsider", "organizer", "vendor")
OK = "ok"
SOCKET_FORBIDDEN = 4403

# What each caller gets. A code is the error's extensions.code; a number is an HTTP status.
# Over WebSocket every anonymous cell is the socket closed with 4403 at connection_init.
EXPECTED: dict[str, tuple[str | int, str | int, str | int, str | int]] = {
    #                   anonymous          outsider      organizer     vendor
    "me": ("UNAUTHENTICATED", OK, OK, OK),
    "rooms": ("UNAUTHENTICATED", OK, OK, OK),  # the outsider's list lacks the room
    "room": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "messages": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "searchMessages": ("UNAUTHENTICATED", OK, OK, OK),  # the outsider finds none of the room's
    "searchMessagesInRoom": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),  # with the room's id
    "ensureRoom": ("UNAUTHENTICATED", OK, OK, OK),  # the outsider gets a room of its own
    "createRoom": ("UNAUTHENTICATED", "FORBIDDEN", OK, OK),
    "sendMessage": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "uploadAttachment": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "createBid": ("UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN", OK),
    "updateBid": ("UNAUTHENTICATED", "NOT_FOUND", OK, "BAD_USER_INPUT"),  # status ACCEPTED
    "markRead": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "editMessage": ("UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN", OK),  # the vendor's message
    "deleteMessage": ("UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN", OK),  # the vendor's message
    "setTyping": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "updateProfile": ("UNAUTHENTICATED", OK, OK, OK),  # the caller's own row, nobody else's
    # The outsider names the vendor, with whom it has no room.
    "blockUser": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    "unblockUser": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),  # both had blocked: only the caller's goes
    "messageAdded": ("UNAUTHENTICATED", "NOT_FOUND", OK, OK),
    # The link is the credential (an <img src> sends no header): participants get it from the
    # API and it works; an unsigned or re-pointed link opens nothing.
    "fileLink": (404, 404, 200, 200),
}
# FORBIDDEN with the blocked room's own message (chat.services.blocking.BLOCKED).
REFUSED_AS_BLOCKED = "BLOCKED"
# In the room the vendor blocked: every write refused to both, reads, markRead, deleteMessage,
# ensureRoom/createRoom (the same room), blocking and unblocking as before.
BLOCKED_ROOM = {
    **EXPECTED,
    "sendMessage": ("UNAUTHENTICATED", "NOT_FOUND", REFUSED_AS_BLOCKED, REFUSED_AS_BLOCKED),
    "uploadAttachment": ("UNAUTHENTICATED", "NOT_FOUND", REFUSED_AS_BLOCKED, REFUSED_AS_BLOCKED),
    "createBid": ("UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN", REFUSED_AS_BLOCKED),  # never the organizer's
    "updateBid": ("UNAUTHENTICATED", "NOT_FOUND", REFUSED_AS_BLOCKED, REFUSED_AS_BLOCKED),
    "editMessage": ("UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN", REFUSED_AS_BLOCKED),
    "setTyping": ("UNAUTHENTICATED", "NOT_FOUND", REFUSED_AS_BLOCKED, REFUSED_AS_BLOCKED),
}
HTTP_OPS = [op for op in EXPECTED if op != "messageAdded"]
WS_OPS = [op for op in EXPECTED if op not in ("uploadAttachment", "fileLink")]


@dataclass
class World:
    room: ChatRoom
    organizer: User
    vendor: User
    outsider: User
    vendor_message: Message
    organizer_message: Message
    bid: Bid
    attachment: Attachment
    searchable: Message
    blocked: bool = False

    def user(self, caller: str) -> User | None:
        return None if caller == "anonymous" else getattr(self, caller)

    def token(self, caller: str) -> str | None:
        user = self.user(caller)
        return access_token(user) if user else None


def build_world(*, blocked: bool = False) -> World:
    room = RoomFactory()
    vendor_message = MessageFactory(room=room, sender=room.vendor, text="from the vendor")
    organizer_message = MessageFactory(room=room, sender=room.organizer, text="from the organizer")
    bid = BidFactory(message__room=room)
    attachment = AttachmentFactory(room=room, message=vendor_message)
    # Through the write path, which indexes it for search (a factory's row is not, on PostgreSQL).
    searchable = message_append(room=room, sender=room.vendor, message_type=MessageType.TEXT, text="the venue quote")
    world = World(
        room=room,
        organizer=room.organizer,
        vendor=room.vendor,
        outsider=UserFactory(),
        vendor_message=vendor_message,
        organizer_message=organizer_message,
        bid=bid,
        attachment=attachment,
        searchable=searchable,
        blocked=blocked,
    )
    if blocked:
        Block.objects.create(room=room, blocker=room.vendor)
    return world


def snapshot() -> tuple:
    """Everything a refused operation must leave as it was."""
    return (
        ChatRoom.objects.count(),
        Message.objects.count(),
        Attachment.objects.count(),
        sorted(Bid.objects.values_list("pk", "status", "amount", "note")),
        sorted(Message.objects.values_list("pk", "read_at", "text", "edited_at", "deleted_at")),
        sorted(User.objects.values_list("pk", "email", "email_notifications")),
        sorted(Block.objects.values_list("room_id", "blocker_id")),
    )


# --- the operations -----------------------------------------------------------------------


@dataclass
class Op:
    document: str
    variables: Callable[[World, str], dict]
    check: Callable[[dict, World, str], None]
    # What the world needs besides, for this operation.
    setup: Callable[[World], None] | None = None


def _other(world: World, caller: str) -> User:
    return world.organizer if caller == "vendor" else world.vendor


def _check_me(data, world, caller):
    assert data["me"]["id"] == str(world.user(caller).pk)


def _check_rooms(data, world, caller):
    ids = [edge["node"]["id"] for edge in data["rooms"]["edges"]]
    assert (str(world.room.pk) in ids) == (caller != "outsider"), ids


def _check_room(data, world, caller):
    assert data["room"]["id"] == str(world.room.pk)


def _check_messages(data, world, caller):
    ids = [edge["node"]["id"] for edge in data["messages"]["edges"]]
    assert str(world.vendor_message.pk) in ids and str(world.organizer_message.pk) in ids


def _check_search(data, world, caller):
    op = "searchMessages" if "searchMessages" in data else "searchMessagesInRoom"
    ids = [edge["node"]["id"] for edge in data[op]["edges"]]
    assert ids == ([] if caller == "outsider" else [str(world.searchable.pk)]), ids


def _check_ensure_room(data, world, caller):
    assert (data["ensureRoom"]["id"] == str(world.room.pk)) == (caller != "outsider")


def _check_create_room(data, world, caller):
    assert data["createRoom"]["id"] == str(world.room.pk)


def _check_send(data, world, caller):
    message = Message.objects.get(pk=data["sendMessage"]["id"])
    assert (message.room_id, message.sender_id, message.text) == (world.room.pk, world.user(caller).pk, "cell")


def _check_upload(data, world, caller):
    attachment = Attachment.objects.get(pk=data["uploadAttachment"]["id"])
    assert (attachment.room_id, attachment.uploaded_by_id) == (world.room.pk, world.user(caller).pk)


def _check_create_bid(data, world, caller):
    assert data["createBid"]["bidDetails"]["status"] == "PENDING"
    assert Bid.objects.filter(message__room=world.room).count() == 2


def _check_update_bid(data, world, caller):
    assert data["updateBid"]["status"] == "ACCEPTED"
    assert Bid.objects.get(pk=world.bid.pk).status == BidStatus.ACCEPTED


def _check_mark_read(data, world, caller):
    theirs = Message.objects.filter(room=world.room).exclude(sender=world.user(caller))
    newest = theirs.order_by("-created_at", "-id").first()
    assert data["markRead"]["messageId"] == str(newest.pk)
    assert not theirs.filter(read_at__isnull=True).exists()


def _check_edit(data, world, caller):
    message = Message.objects.get(pk=world.vendor_message.pk)
    assert (data["editMessage"]["text"], message.text) == ("edited cell", "edited cell")


def _check_delete(data, world, caller):
    message = Message.objects.get(pk=world.vendor_message.pk)
    assert data["deleteMessage"]["deletedAt"] is not None and message.deleted_at is not None
    assert not Attachment.objects.filter(message=message).exists()


def _check_typing(data, world, caller):
    assert data["setTyping"] is True


def _check_profile(data, world, caller):
    caller_pk = world.user(caller).pk
    assert data["updateProfile"] == {"id": str(caller_pk), "email": "cell@example.com", "emailNotifications": False}
    changed = User.objects.exclude(email="").values_list("pk", "email_notifications")
    assert list(changed) == [(caller_pk, False)]


def _blockers(world: World) -> set[int]:
    return set(Block.objects.filter(room=world.room).values_list("blocker_id", flat=True))


def _check_block(data, world, caller):
    assert data["blockUser"] == {"id": str(world.room.pk), "blocked": True, "blockedByMe": True}
    assert world.user(caller).pk in _blockers(world)


def _block_both_ways(world: World) -> None:
    for user in (world.organizer, world.vendor):
        Block.objects.get_or_create(room=world.room, blocker=user)


def _check_unblock(data, world, caller):
    # Only the caller's own block goes: the other side's stays, so the room stays blocked.
    assert data["unblockUser"] == {"id": str(world.room.pk), "blocked": True, "blockedByMe": False}
    assert _blockers(world) == {_other(world, caller).pk}


def _check_event(data, world, caller):
    event = data["messageAdded"]
    assert event["__typename"] == "MessageEvent" and event["message"]["id"] == str(world.vendor_message.pk)


FLOOR = Cursor(datetime(2000, 1, 1, tzinfo=UTC), 0).encode()

OPS: dict[str, Op] = {
    "me": Op("{ me { id } }", lambda w, c: {}, _check_me),
    "rooms": Op("{ rooms { edges { node { id } } } }", lambda w, c: {}, _check_rooms),
    "room": Op("query($id: ID!) { room(id: $id) { id } }", lambda w, c: {"id": w.room.pk}, _check_room),
    "messages": Op(
        "query($r: ID!) { messages(roomId: $r) { edges { node { id attachments { file } } } } }",
        lambda w, c: {"r": w.room.pk},
        _check_messages,
    ),
    "searchMessages": Op(
        'query { searchMessages(query: "quotes") { edges { node { id room { id } } snippet } } }',
        lambda w, c: {},
        _check_search,
    ),
    "searchMessagesInRoom": Op(
        'query($r: ID!) { searchMessagesInRoom: searchMessages(query: "quotes", roomId: $r)'
        " { edges { node { id } } } }",
        lambda w, c: {"r": w.room.pk},
        _check_search,
    ),
    "ensureRoom": Op(
        "mutation($u: String!) { ensureRoom(username: $u) { id } }",
        lambda w, c: {"u": _other(w, c).username},
        _check_ensure_room,
    ),
    "createRoom": Op(
        "mutation($o: ID!, $v: ID!) { createRoom(organizerId: $o, vendorId: $v) { id } }",
        lambda w, c: {"o": w.organizer.pk, "v": w.vendor.pk},
        _check_create_room,
    ),
    "sendMessage": Op(
        'mutation($r: ID!) { sendMessage(roomId: $r, text: "cell") { id } }',
        lambda w, c: {"r": w.room.pk},
        _check_send,
    ),
    "uploadAttachment": Op(
        "mutation($r: ID!, $f: Upload!) { uploadAttachment(roomId: $r, file: $f) { id } }",
        lambda w, c: {"r": w.room.pk},
        _check_upload,
    ),
    "createBid": Op(
        'mutation($r: ID!) { createBid(roomId: $r, amount: "900.00") { id bidDetails { status } } }',
        lambda w, c: {"r": w.room.pk},
        _check_create_bid,
    ),
    "updateBid": Op(
        "mutation($b: ID!) { updateBid(bidId: $b, status: ACCEPTED) { id status } }",
        lambda w, c: {"b": w.bid.pk},
        _check_update_bid,
    ),
    "markRead": Op(
        "mutation($r: ID!) { markRead(roomId: $r) { messageId } }", lambda w, c: {"r": w.room.pk}, _check_mark_read
    ),
    "editMessage": Op(
        'mutation($m: ID!) { editMessage(messageId: $m, text: "edited cell") { id text } }',
        lambda w, c: {"m": w.vendor_message.pk},
        _check_edit,
    ),
    "deleteMessage": Op(
        "mutation($m: ID!) { deleteMessage(messageId: $m) { id deletedAt } }",
        lambda w, c: {"m": w.vendor_message.pk},
        _check_delete,
    ),
    "setTyping": Op(
        "mutation($r: ID!) { setTyping(roomId: $r) }",
        lambda w, c: {"r": w.room.pk},
        _check_typing,
    ),
    "updateProfile": Op(
        'mutation { updateProfile(email: "cell@example.com", emailNotifications: false)'
        " { id email emailNotifications } }",
        lambda w, c: {},
        _check_profile,
    ),
    "blockUser": Op(
        "mutation($u: String!) { blockUser(username: $u) { id blocked blockedByMe } }",
        lambda w, c: {"u": _other(w, c).username},
        _check_block,
    ),
    "unblockUser": Op(
        "mutation($u: String!) { unblockUser(username: $u) { id blocked blockedByMe } }",
        lambda w, c: {"u": _other(w, c).username},
        _check_unblock,
        setup=_block_both_ways,
    ),
    "messageAdded": Op(
        "subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) {"
        " __typename ... on MessageEvent { message { id } } } }",
        lambda w, c: {"r": w.room.pk, "a": FLOOR},
        _check_event,
    ),
}


def expected(op: str, caller: str, *, blocked: bool = False):
    return (BLOCKED_ROOM if blocked else EXPECTED)[op][CALLERS.index(caller)]


def cells(ops: list[str]) -> list:
    return [pytest.param(op, caller, id=f"{op}-{caller}") for op in ops for caller in CALLERS]


def world_for(op: str, *, blocked: bool) -> World:
    world = build_world(blocked=blocked)
    if op in OPS and (setup := OPS[op].setup) is not None:
        setup(world)
    return world


def assert_refused(body: dict, op: str, code: str) -> None:
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
    if code == REFUSED_AS_BLOCKED:
        assert codes == ["FORBIDDEN"], body
        assert body["errors"][0]["message"] == BLOCKED, body
    else:
        assert codes == [code], body
    assert not (body.get("data") or {}).get(op), body


# --- HTTP -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _http_upload(client, world: World, caller: str) -> Result:
    fields = multipart_fields(world.room.pk, query=OPS["uploadAttachment"].document)
    data = {**fields, "0": SimpleUploadedFile("plan.png", png_bytes(), content_type="image/png")}
    token = world.token(caller)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = client.post("/graphql/", data, **headers)
    return Result(response.status_code, response.json())


def _http_file_link(client, world: World, caller: str) -> int:
    if caller in ("organizer", "vendor"):
        # The link as the API gives it to this participant.
        result = gql(client, OPS["messages"].document, {"r": world.room.pk}, token=world.token(caller))
        nodes = {edge["node"]["id"]: edge["node"] for edge in result.data["messages"]["edges"]}
        link = nodes[str(world.vendor_message.pk)]["attachments"][0]["file"]
        response = client.get(link)
        assert b"".join(response.streaming_content) == world.attachment.file.open("rb").read()
        return response.status_code
    if caller == "outsider":
        # The outsider's own valid link, re-pointed at the room's attachment.
        own = AttachmentFactory(room=RoomFactory(organizer=world.outsider))
        own_link = attachment_url(own)
        assert client.get(own_link).status_code == 200
        prefix, token = own_link.rsplit("/", 1)
        forged = f"{prefix}/{world.attachment.pk}:{token.split(':', 1)[1]}"
        return client.get(forged).status_code
    # Anonymous: no link at all, only the attachment's id.
    statuses = {client.get(f"/attachments/{world.attachment.pk}").status_code}
    statuses.add(client.get(f"/attachments/{world.attachment.pk}:garbage:garbage").status_code)
    assert len(statuses) == 1, statuses
    return statuses.pop()


@pytest.mark.django_db
@pytest.mark.parametrize("op, caller", cells(HTTP_OPS))
def test_http_cell(client, op, caller):
    _http_cell(client, op, caller, blocked=False)


@pytest.mark.django_db
@pytest.mark.parametrize("op, caller", cells(HTTP_OPS))
def test_http_cell_in_a_blocked_room(client, op, caller):
    _http_cell(client, op, caller, blocked=True)


def _http_cell(client, op: str, caller: str, *, blocked: bool) -> None:
    world = world_for(op, blocked=blocked)
    want = expected(op, caller, blocked=blocked)
    if op == "fileLink":
        assert _http_file_link(client, world, caller) == want
        return
    before = snapshot()
    if op == "uploadAttachment":
        result = _http_upload(client, world, caller)
    else:
        spec = OPS[op]
        result = gql(client, spec.document, spec.variables(world, caller), token=world.token(caller))
    assert result.status == 200, result.body
    if want == OK:
        assert "errors" not in result.body, result.body
        OPS[op].check(result.data, world, caller)
    else:
        assert_refused(result.body, op, want)
        assert snapshot() == before


# --- WebSocket ------------------------------------------------------------------------------


async def _ws_execute(server, token: str, document: str, variables: dict) -> dict:
    """One operation over graphql-transport-ws: its first `next` payload, or its `error`."""
    async with GraphQLSocket.connect(server.ws) as socket:
        ack = await socket.init({"authorization": f"Bearer {token}"})
        assert ack["type"] == "connection_ack", ack
        op_id = await socket.subscribe(document, variables)
        message = await socket.receive()
    assert message.get("id") == op_id, message
    if message["type"] == "error":
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    return message["payload"]


async def _ws_anonymous(server, document: str, variables: dict) -> tuple[int | None, list[dict]]:
    """connection_init without a token, the operation pipelined right behind it: the close
    code, and whatever the server sent before closing (it must send nothing)."""
    received = []
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": document, "variables": variables}})
        try:
            while True:
                received.append(await socket.receive())
        except websockets.ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), received


@pytest.fixture
async def _closes_thread_connections():
    # The ORM work of these async tests runs in asgiref's worker thread; its connection must
    # not outlive the test, or the test database cannot be dropped at the end.
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.e2e
@pytest.mark.parametrize("op, caller", cells(WS_OPS))
async def test_ws_cell(server, transactional_db, _closes_thread_connections, op, caller):
    await _ws_cell(server, op, caller, blocked=False)


@pytest.mark.e2e
@pytest.mark.parametrize("op, caller", cells(WS_OPS))
async def test_ws_cell_in_a_blocked_room(server, transactional_db, _closes_thread_connections, op, caller):
    await _ws_cell(server, op, caller, blocked=True)


async def _ws_cell(server, op: str, caller: str, *, blocked: bool) -> None:
    world = await sync_to_async(world_for)(op, blocked=blocked)
    spec = OPS[op]
    variables = {k: str(v) if isinstance(v, int) else v for k, v in spec.variables(world, caller).items()}
    before = await sync_to_async(snapshot)()
    if caller == "anonymous":
        code, received = await _ws_anonymous(server, spec.document, variables)
        assert code == SOCKET_FORBIDDEN and received == [], (code, received)
        assert await sync_to_async(snapshot)() == before
        return
    body = await _ws_execute(server, await sync_to_async(world.token)(caller), spec.document, variables)
    want = expected(op, caller, blocked=blocked)
    if want == OK:
        assert "errors" not in body, body
        await sync_to_async(spec.check)(body["data"], world, caller)
    else:
        assert_refused(body, op, want)
        assert await sync_to_async(snapshot)() == before
