"""Blocking: either participant of a room may block the other. While a room holds a block,
neither participant may write to it (send, bid, upload, edit, type); both still read it, and
ensureRoom/createRoom between them still answer it.

The design, and the reasons for it:
- A block is one row per (room, blocker). Each side's block is its own: unblocking lifts only
  the caller's, so a room both sides blocked stays blocked until both unblock. `blocked` is
  "the room has a row", `blockedByMe` "it has the caller's".
- A block is found by the other user's name and only in a room the two already share: no such
  user and no room with them are one NOT_FOUND, so blocking tells nothing about who exists,
  and it never creates a room.
- The race with a write. Every write to a room (chat.services.messages.message_append, behind
  sendMessage and createBid; bid_update; message_edit; attachment_upload) locks the room's row,
  then checks for a block in a statement of its own (`room_lock_unblocked`); blocking and
  unblocking take the same lock before they change a row. A write and a block thus serialize
  on the room: the write commits before the block (and is history the blocker sees), or runs
  after the block committed and is refused. The check cannot be a subquery of the locking
  SELECT: PostgreSQL re-reads the row a SELECT ... FOR UPDATE waited for, not what the rest of
  that statement read under its older snapshot. (SQLite has no row locks; every transaction
  there takes the database's write lock as it begins, IMMEDIATE, which serializes the same way.)
- Typing and presence are never stored, so there is no row to lock. setTyping reads the block
  with the room (one query, chat.selectors.room_for_participant), and a block closes both
  users' throttle windows for the room so that no repeat is answered from the window. Presence
  is not published into a blocked room (chat.services.presence), nobody sees the presence of a
  user whose room with them is blocked (chat.selectors.users_seen_by), and a room's feed stops
  passing typing and presence while the room is blocked and ends the other side's typing
  (chat.feed), which also covers an event that was in flight when the block committed.
- A change is published after commit as one `block` event to the room's group: both inboxes
  (roomActivity) show the room anew, and each room feed re-reads the state. Blocking again, or
  unblocking without a block of one's own, changes nothing and publishes nothing.
"""

import logging

from django.db import transaction

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Block, ChatRoom, User
from chat.ratelimit import block_budget_take
from chat.selectors import room_for_pair, room_is_blocked, user_by_username
from chat.typing import typing_throttles_forget

logger = logging.getLogger(__name__)

BLOCKED = "This conversation is blocked: nothing can be sent in it."


def room_lock_unblocked(*, room_id: int) -> None:
    """Lock the room's row until the caller's transaction ends, then refuse if it is blocked."""
    _room_lock(room_id)
    room_unblocked_check(room_id=room_id)


def room_unblocked_check(*, room_id: int) -> None:
    """Raise Forbidden when the room holds a block. Only meaningful with the room's row locked
    by the caller's transaction (see the module's docstring)."""
    if room_is_blocked(room_id=room_id):
        raise Forbidden(BLOCKED)


def room_block(*, caller: User, username: str) -> ChatRoom:
    """Block the other participant of the caller's room with `username`; idempotent."""
    room = _shared_room(caller=caller, username=username, what="block")
    with transaction.atomic():
        _room_lock(room.pk)
        _, created = Block.objects.get_or_create(room=room, blocker=caller)
        if created:
            # The typists' windows: their next setTyping must read the block, not the window.
            participants = [room.organizer_id, room.vendor_id]
            transaction.on_commit(lambda: typing_throttles_forget(room_id=room.pk, user_ids=participants))
            _changed(room, caller=caller, blocked=True)
    return room


def room_unblock(*, caller: User, username: str) -> ChatRoom:
    """Lift the caller's own block in their room with `username` (never the other side's);
    idempotent."""
    room = _shared_room(caller=caller, username=username, what="unblock")
    with transaction.atomic():
        _room_lock(room.pk)
        removed, _ = Block.objects.filter(room=room, blocker=caller).delete()
        if removed:
            _changed(room, caller=caller, blocked=False)
    return room


def _shared_room(*, caller: User, username: str, what: str) -> ChatRoom:
    block_budget_take(user_id=caller.pk)
    name = username.strip()
    other = user_by_username(name)
    if name.lower() == caller.username.lower() or (other is not None and other.pk == caller.pk):
        raise InvalidInput(f"You cannot {what} yourself.")
    room = None if other is None else room_for_pair(caller, other)
    if room is None:
        # The same answer whether the user does not exist or shares no room with the caller.
        raise NotFound("You have no conversation with that user.")
    return room


def _room_lock(room_id: int) -> None:
    ChatRoom.objects.select_for_update().filter(pk=room_id).values_list("pk").get()


def _changed(room: ChatRoom, *, caller: User, blocked: bool) -> None:
    realtime.publish_after_commit(room.pk, realtime.block_event(room_id=room.pk))
    transaction.on_commit(
        lambda: logger.info(
            "room blocked" if blocked else "room unblocked", extra={"room_id": room.pk, "user_id": caller.pk}
        )
    )
