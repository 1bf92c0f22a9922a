"""A presence change's writes: lastSeenAt when a user went offline, and the rooms to tell."""

from datetime import datetime

from django.db.models import Q

from chat.models import ChatRoom, User


def user_presence_record(*, user_id: int, online: bool, at: datetime | None) -> list[int]:
    """Stamp lastSeenAt when the user went offline; the ids of the rooms they take part in."""
    if not online:
        User.objects.filter(pk=user_id).update(last_seen_at=at)
    return list(ChatRoom.objects.filter(Q(organizer_id=user_id) | Q(vendor_id=user_id)).values_list("pk", flat=True))
