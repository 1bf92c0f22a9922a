"""Rooms that createRoom made with the roles inverted (an organizer as `vendor` and a vendor as
`organizer`) before it applied ensureRoom's role rule: the real vendor could never bid there.
Each is turned the right way round; a bid still pending in one was made by the organizer (the
only one allowed to bid there) and is withdrawn. Settled bids stay as history."""

import logging

from django.db import migrations
from django.utils import timezone

logger = logging.getLogger("parley.migrations")


def repair_inverted_rooms(apps, schema_editor) -> int:
    ChatRoom = apps.get_model("chat", "ChatRoom")
    Bid = apps.get_model("chat", "Bid")
    inverted = ChatRoom.objects.filter(organizer__role="VENDOR", vendor__role="ORGANIZER")
    repaired = 0
    for room in inverted.only("pk", "organizer_id", "vendor_id"):
        ChatRoom.objects.filter(pk=room.pk).update(organizer_id=room.vendor_id, vendor_id=room.organizer_id)
        withdrawn = Bid.objects.filter(message__room_id=room.pk, status="PENDING").update(
            status="WITHDRAWN", updated_at=timezone.now()
        )
        logger.warning(
            "room repaired: its roles were inverted",
            extra={"room_id": room.pk, "pending_bids_withdrawn": withdrawn},
        )
        repaired += 1
    logger.info("rooms with inverted roles repaired", extra={"count": repaired})
    return repaired


class Migration(migrations.Migration):
    dependencies = [("chat", "0003_user_last_seen_at")]

    operations = [migrations.RunPython(repair_inverted_rooms, migrations.RunPython.noop)]
