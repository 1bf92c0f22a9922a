"""Opaque keyset cursors: a (timestamp, id) pair, so a page costs the same at any depth and
new rows never shift it."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from chat.errors import InvalidInput


@dataclass(frozen=True, order=True)
class Cursor:
    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at, _, pk = raw.partition("|")
            cursor = cls(datetime.fromisoformat(at), int(pk))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidInput("Malformed cursor.") from None
        if cursor.at.tzinfo is None:
            raise InvalidInput("Malformed cursor.")
        return cursor

    def after_q(self, at_field: str) -> Q:
        # The redundant `>=` bound is what an index on (room, at, id) can seek on; the OR
        # alone is only a filter, and a deep page would scan every newer row first.
        return Q(**{f"{at_field}__gte": self.at}) & (
            Q(**{f"{at_field}__gt": self.at}) | Q(**{at_field: self.at, "id__gt": self.id})
        )

    def before_q(self, at_field: str) -> Q:
        return Q(**{f"{at_field}__lte": self.at}) & (
            Q(**{f"{at_field}__lt": self.at}) | Q(**{at_field: self.at, "id__lt": self.id})
        )


def message_cursor(message) -> Cursor:
    return Cursor(message.created_at, message.pk)


def room_cursor(room) -> Cursor:
    return Cursor(room.last_activity_at, room.pk)
