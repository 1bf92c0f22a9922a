"""Blocking (chat.services.blocking): who may block whom, what one side's unblock lifts, and
every write refused in a blocked room with nothing written, including a write that races
the block for the room's lock."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Attachment, Bid, BidStatus, Block, ChatRoom, Message
from chat.services import messages
from chat.services.attachments import attachment_upload
from chat.services.bids import BidChange, bid_create, bid_update
from chat.services.blocking import BLOCKED, room_block, room_unblock
from chat.services.message_edits import message_delete, message_edit
from chat.services.messages import message_send
from chat.services.receipts import messages_mark_read
from chat.services.rooms import room_create, room_ensure
from chat.services.typing import typing_set
from tests.factories import BidFactory, MessageFactory, RoomFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIDES = ["organizer", "vendor"]


@pytest.fixture
def sent(monkeypatch):
    events = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: events.append((room_id, event)) or True)
    return events


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _other(room: ChatRoom, side: str):
    return room.vendor if side == "organizer" else room.organizer


def _blocked_by(side: str) -> ChatRoom:
    room = RoomFactory()
    room_block(caller=getattr(room, side), username=_other(room, side).username)
    return room


def _blockers(room: ChatRoom) -> set[int]:
    return set(Block.objects.filter(room=room).values_list("blocker_id", flat=True))


# --- blocking and unblocking ----------------------------------------------------------------


@pytest.mark.parametrize("side", SIDES)
def test_either_participant_may_block_the_other_and_the_room_hears_it_after_commit(side, sent):
    room = RoomFactory()
    caller = getattr(room, side)
    with transaction.atomic():
        answered = room_block(caller=caller, username=f" {_other(room, side).username.upper()} ")
        assert sent == []
    assert answered.pk == room.pk
    assert _blockers(room) == {caller.pk}
    assert sent == [(room.pk, realtime.block_event(room_id=room.pk))]


def test_blocking_again_returns_the_room_unchanged_and_tells_nobody(sent):
    room = _blocked_by("organizer")
    before = list(Block.objects.values_list("pk", "created_at"))
    sent.clear()
    assert room_block(caller=room.organizer, username=room.vendor.username).pk == room.pk
    assert list(Block.objects.values_list("pk", "created_at")) == before
    assert sent == []


def test_a_user_with_no_room_with_the_caller_and_an_unknown_user_are_one_not_found(sent):
    caller, stranger = UserFactory(), VendorFactory()
    errors = []
    for name in (stranger.username, "nobody-by-that-name"):
        with pytest.raises(NotFound) as refused:
            room_block(caller=caller, username=name)
        errors.append(str(refused.value))
    assert errors[0] == errors[1]
    assert not ChatRoom.objects.exists() and not Block.objects.exists() and sent == []


def test_blocking_yourself_is_bad_input():
    room = RoomFactory()
    for name in (room.organizer.username, room.organizer.username.upper()):
        with pytest.raises(InvalidInput):
            room_block(caller=room.organizer, username=name)
    assert not Block.objects.exists()


def test_unblocking_lifts_the_callers_block_and_tells_the_room(sent):
    room = _blocked_by("vendor")
    sent.clear()
    assert room_unblock(caller=room.vendor, username=room.organizer.username).pk == room.pk
    assert _blockers(room) == set()
    assert sent == [(room.pk, realtime.block_event(room_id=room.pk))]


def test_unblocking_without_a_block_of_ones_own_never_lifts_the_other_sides(sent):
    room = _blocked_by("vendor")
    sent.clear()
    assert room_unblock(caller=room.organizer, username=room.vendor.username).pk == room.pk
    assert _blockers(room) == {room.vendor.pk}
    assert sent == []


def test_a_room_both_sides_blocked_stays_blocked_until_both_unblock():
    room = _blocked_by("vendor")
    room_block(caller=room.organizer, username=room.vendor.username)
    room_unblock(caller=room.vendor, username=room.organizer.username)
    with pytest.raises(Forbidden):
        message_send(room=room, sender=room.vendor, text="still blocked")
    room_unblock(caller=room.organizer, username=room.vendor.username)
    assert message_send(room=room, sender=room.vendor, text="free again").text == "free again"


def test_unblock_answers_not_found_and_bad_input_as_block_does():
    caller = UserFactory()
    with pytest.raises(NotFound):
        room_unblock(caller=caller, username=VendorFactory().username)
    with pytest.raises(InvalidInput):
        room_unblock(caller=caller, username=caller.username)


def test_ensure_room_and_create_room_between_them_answer_the_same_room():
    room = _blocked_by("vendor")
    assert room_ensure(caller=room.organizer, username=room.vendor.username).pk == room.pk
    assert room_ensure(caller=room.vendor, username=room.organizer.username).pk == room.pk
    assert room_create(caller=room.vendor, organizer_id=str(room.organizer.pk), vendor_id=str(room.vendor.pk)).pk == (
        room.pk
    )
    assert ChatRoom.objects.count() == 1


# --- every write refused while blocked -----------------------------------------------------


def _refused(call) -> None:
    with pytest.raises(Forbidden) as refused:
        call()
    assert str(refused.value) == BLOCKED


@pytest.mark.parametrize("blocker", SIDES)
@pytest.mark.parametrize("sender", SIDES)
def test_neither_side_can_send_whoever_blocked(blocker, sender, sent):
    room = _blocked_by(blocker)
    sent.clear()
    _refused(lambda: message_send(room=room, sender=getattr(room, sender), text="let me in"))
    assert not Message.objects.exists() and sent == []
    assert ChatRoom.objects.get(pk=room.pk).last_message_id is None


def test_a_send_with_attachments_is_refused_and_leaves_them_unattached():
    room = RoomFactory()
    upload = attachment_upload(
        room=room, uploader=room.vendor, file=SimpleUploadedFile("a.txt", b"plain text\n", content_type="text/plain")
    )
    room_block(caller=room.organizer, username=room.vendor.username)
    _refused(lambda: message_send(room=room, sender=room.vendor, text=None, attachment_ids=[str(upload.pk)]))
    assert Attachment.objects.get(pk=upload.pk).message_id is None


@pytest.mark.parametrize("blocker", SIDES)
def test_no_bid_can_be_made_while_blocked(blocker):
    room = _blocked_by(blocker)
    _refused(lambda: bid_create(room=room, vendor=room.vendor, amount="500"))
    assert not Bid.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("blocker", SIDES)
@pytest.mark.parametrize(
    "side, change",
    [
        ("organizer", BidChange(status="ACCEPTED")),
        ("organizer", BidChange(status="DECLINED")),
        ("vendor", BidChange(status="WITHDRAWN")),
        ("vendor", BidChange(amount="99")),
    ],
    ids=["accept", "decline", "withdraw", "revise"],
)
def test_no_bid_can_be_changed_while_blocked(blocker, side, change, sent):
    bid = BidFactory()
    room = bid.message.room
    room_block(caller=getattr(room, blocker), username=_other(room, blocker).username)
    before = Bid.objects.filter(pk=bid.pk).values().get()
    sent.clear()
    _refused(lambda: bid_update(bid_id=str(bid.pk), user=getattr(room, side), change=change))
    assert Bid.objects.filter(pk=bid.pk).values().get() == before
    assert before["status"] == BidStatus.PENDING and sent == []


@pytest.mark.parametrize("blocker", SIDES)
def test_no_upload_while_blocked_and_no_file_left_behind(blocker, tmp_path):
    room = _blocked_by(blocker)
    file = SimpleUploadedFile("plan.txt", b"plain text\n", content_type="text/plain")
    _refused(lambda: attachment_upload(room=room, uploader=room.vendor, file=file))
    assert not Attachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_no_edit_while_blocked_but_the_sender_may_still_delete(sent):
    room = RoomFactory()
    message = message_send(room=room, sender=room.vendor, text="teh price")
    room_block(caller=room.organizer, username=room.vendor.username)
    sent.clear()
    _refused(lambda: message_edit(message_id=message.pk, editor=room.vendor, text="the price"))
    assert Message.objects.get(pk=message.pk).text == "teh price" and sent == []
    deleted = message_delete(message_id=message.pk, deleter=room.vendor)
    assert deleted.deleted_at is not None and deleted.text == ""


def test_reading_the_other_sides_messages_is_still_marked():
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.organizer)
    room_block(caller=room.vendor, username=room.organizer.username)
    assert messages_mark_read(room=room, reader=room.vendor).message_id == message.pk
    assert Message.objects.get(pk=message.pk).read_at is not None


@pytest.mark.parametrize("blocker", SIDES)
@pytest.mark.parametrize("typist", SIDES)
def test_nobody_can_type_while_blocked(blocker, typist, sent):
    room = _blocked_by(blocker)
    sent.clear()
    _refused(lambda: typing_set(room_id=room.pk, user=getattr(room, typist), typing=True))
    assert sent == []


def test_a_block_closes_the_typists_throttle_window_so_the_next_call_is_refused_at_once(sent):
    room = RoomFactory()
    assert typing_set(room_id=room.pk, user=room.vendor, typing=True) is True  # opens the window
    room_block(caller=room.organizer, username=room.vendor.username)
    _refused(lambda: typing_set(room_id=room.pk, user=room.vendor, typing=True))


def test_a_write_that_read_the_room_before_the_block_is_still_refused():
    room = RoomFactory()
    stale = ChatRoom.objects.get(pk=room.pk)  # read while the room was open
    room_block(caller=room.organizer, username=room.vendor.username)
    _refused(lambda: message_send(room=stale, sender=room.vendor, text="read before"))
    _refused(lambda: bid_create(room=stale, vendor=room.vendor, amount="10"))
    assert not Message.objects.exists()


# --- the race with a send ---------------------------------------------------------------------


def test_a_block_committed_after_a_send_started_but_before_it_locked_the_room_refuses_it(monkeypatch):
    """Forced with a fault point: the block commits, on its own connection, while the send is
    between its checks (its budget) and its lock. A check made before the lock would pass."""
    room = RoomFactory()
    take = messages.send_budget_take

    def block_meanwhile(**kwargs):
        take(**kwargs)
        thread = threading.Thread(target=_block_on_own_connection, args=(room,))
        thread.start()
        thread.join(30)

    monkeypatch.setattr(messages, "send_budget_take", block_meanwhile)
    _refused(lambda: message_send(room=room, sender=room.vendor, text="in the gap"))
    assert not Message.objects.exists()


def _block_on_own_connection(room: ChatRoom) -> None:
    try:
        room_block(caller=room.organizer, username=room.vendor.username)
    finally:
        connection.close()


def _waiting_for_me() -> int:
    """How many backends wait for a lock this connection holds (read afresh each time)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
        return cursor.fetchone()[0]


def test_a_send_waiting_for_the_room_lock_is_refused_once_the_block_commits():
    """The block holds the room's lock (its transaction has not committed) while a send waits
    for it; once the block commits, the send must see it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks one can watch a send wait for need PostgreSQL (the services run)")
    room = RoomFactory()
    outcome: list[object] = []

    def send():
        try:
            outcome.append(message_send(room=room, sender=room.vendor, text="racing the block"))
        except Forbidden as error:
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=send)
    with transaction.atomic():
        room_block(caller=room.organizer, username=room.vendor.username)
        thread.start()
        deadline = time.monotonic() + 10
        while _waiting_for_me() == 0:
            assert time.monotonic() < deadline, "the send never waited for the room's lock"
            time.sleep(0.01)
    thread.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], Forbidden), outcome
    assert not Message.objects.exists()
