"""Creating rooms: at most one per unordered pair of users, even under a race."""

from django.db import IntegrityError, transaction

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import ChatRoom, Role, User
from chat.ratelimit import room_budget_take
from chat.selectors import parse_id, room_for_pair, user_by_username


def room_get_or_create(*, organizer: User, vendor: User) -> ChatRoom:
    if organizer.pk == vendor.pk:
        raise InvalidInput("A room needs two different people.")
    if room := room_for_pair(organizer, vendor):
        return room
    try:
        with transaction.atomic():
            room = ChatRoom.objects.create(organizer=organizer, vendor=vendor)
            # Both inboxes hear of it: the other side's room list shows it at once.
            for participant in (organizer, vendor):
                realtime.publish_after_commit(
                    realtime.inbox_channel_id(participant.pk), realtime.room_started_event(room)
                )
    except IntegrityError:
        # The other side created it between our read and our insert; the unique index on
        # the unordered pair turned our insert away, so theirs is the room.
        room = room_for_pair(organizer, vendor)
        if room is None:
            raise
    return room


def _organizer_first(caller: User, other: User) -> tuple[User, User]:
    if other.role == Role.ORGANIZER and caller.role != Role.ORGANIZER:
        return other, caller
    if caller.role == Role.VENDOR and other.role != Role.VENDOR:
        return other, caller
    return caller, other


def room_ensure(*, caller: User, username: str) -> ChatRoom:
    room_budget_take(user_id=caller.pk)
    other = user_by_username(username.strip(), active=True)
    if other is None:
        raise InvalidInput(f"No user named {username!r}.")
    if other.pk == caller.pk:
        raise InvalidInput("You cannot start a chat with yourself.")
    organizer, vendor = _organizer_first(caller, other)
    return room_get_or_create(organizer=organizer, vendor=vendor)


def _user_pk(value: str) -> int | None:
    """A user id as given, or None for one that names nobody; how it fails is nobody's business."""
    try:
        return parse_id(value, what="User")
    except (InvalidInput, NotFound):
        return None


def room_create(*, caller: User, organizer_id: str, vendor_id: str) -> ChatRoom:
    """The room with the other user named by id: the same room ensureRoom makes, roles deciding
    who is organizer whatever order the ids come in (a room made the other way round left its
    vendor unable to bid, for good). An id that names no active user is one answer, whatever
    the reason, so that ids tell no more than usernames do."""
    room_budget_take(user_id=caller.pk)
    named = [_user_pk(organizer_id), _user_pk(vendor_id)]
    if caller.pk not in named:
        raise Forbidden("You can only create rooms you take part in.")
    named.remove(caller.pk)
    other_pk = named[0]
    if other_pk == caller.pk:
        raise InvalidInput("You cannot start a chat with yourself.")
    other = User.objects.filter(pk=other_pk, is_active=True).first() if other_pk is not None else None
    if other is None:
        raise InvalidInput("No such user.")
    organizer, vendor = _organizer_first(caller, other)
    return room_get_or_create(organizer=organizer, vendor=vendor)
