"""A presence change's writes: lastSeenAt when a user went offline, and the rooms to tell."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from chat.models import Block, ChatRoom, User


def user_presence_record(*, user_id: int, online: bool, at: datetime | None) -> list[int]:
    """Stamp lastSeenAt when the user went offline; the ids of the rooms to tell: theirs, but
    a blocked one (neither side learns the other's presence there)."""
    if not online:
        User.objects.filter(pk=user_id).update(last_seen_at=at)
    rooms = ChatRoom.objects.filter(Q(organizer_id=user_id) | Q(vendor_id=user_id))
    rooms = rooms.exclude(Exists(Block.objects.filter(room=OuterRef("pk"))))
    return list(rooms.values_list("pk", flat=True))
