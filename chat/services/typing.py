"""setTyping: tell the other participant's subscriptions that the caller is typing or stopped.
Nothing is stored; repeats within the throttle window are answered without a broadcast and,
once the caller was checked for the room in that window, without a database read."""

from chat import realtime
from chat.models import User
from chat.selectors import parse_id, room_for_participant
from chat.typing import typing_throttle_take, typing_throttled


def typing_set(*, room_id: str | int, user: User, typing: bool) -> bool:
    pk = parse_id(room_id, what="Room")
    if typing_throttled(user_id=user.pk, room_id=pk, typing=typing):
        return True
    room = room_for_participant(room_id=pk, user=user)
    if typing_throttle_take(user_id=user.pk, room_id=room.pk, typing=typing):
        # Not held for later: a typing event is only worth anything now.
        realtime.broadcast(room.pk, realtime.typing_event(user_id=user.pk, typing=typing), hold=False)
    return True
