"""setTyping: tell the other participant's subscriptions that the caller is typing or stopped.
Nothing is stored; repeats within the throttle window are answered without a broadcast and,
once the caller was checked for the room in that window, without a database read (a block
closes the window: chat.services.blocking)."""

from chat import realtime
from chat.errors import Forbidden
from chat.models import User
from chat.selectors import parse_id, room_for_participant
from chat.services.blocking import BLOCKED
from chat.typing import typing_throttle_take, typing_throttled


def typing_set(*, room_id: str | int, user: User, typing: bool) -> bool:
    pk = parse_id(room_id, what="Room")
    if typing_throttled(user_id=user.pk, room_id=pk, typing=typing):
        return True
    room = room_for_participant(room_id=pk, user=user)
    if room.block_any:
        # Read with the room; a block that commits just after is caught by the feeds (chat.feed).
        raise Forbidden(BLOCKED)
    if typing_throttle_take(user_id=user.pk, room_id=room.pk, typing=typing):
        # Not held for later: a typing event is only worth anything now.
        realtime.broadcast(room.pk, realtime.typing_event(user_id=user.pk, typing=typing), hold=False)
    return True
