"""Opaque keyset cursors: a (timestamp, id) pair, so a page costs the same at any depth and
new rows never shift it."""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

from chat.errors import InvalidInput

# A cursor of ours is at most ~60 characters; an id is a positive 64-bit integer.
MAX_LENGTH = 200
ID_MAX = 2**63 - 1


@dataclass(frozen=True, order=True)
class Cursor:
    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        """The cursor `value` encodes; InvalidInput for anything that is not one a page could
        have given: malformed, too long, a time without a zone or one that leaves the years a
        timestamp can hold once in UTC (9999-12-31T23:59:59-23:59 is year 10000 there), an id
        no row can have."""
        if len(value) > MAX_LENGTH:
            raise InvalidInput("Malformed cursor.")
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at, _, pk = raw.partition("|")
            when, key = datetime.fromisoformat(at), int(pk)
            if when.tzinfo is None or not 0 <= key <= ID_MAX:
                raise ValueError(raw)
            # The database compares in UTC: a time that cannot be written in UTC is no cursor.
            return cls(when.astimezone(UTC), key)
        except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
            raise InvalidInput("Malformed cursor.") from None

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


@dataclass(frozen=True, order=True)
class MessageIdCursor:
    """A position in a list ordered by message id alone: search results (chat.search), which
    both search indexes can hand over in id order. Opaque like Cursor, and never mistaken for
    one: each refuses the other's encoding."""

    id: int

    PREFIX = "m"

    def encode(self) -> str:
        raw = f"{self.PREFIX}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "MessageIdCursor":
        if len(value) > MAX_LENGTH:
            raise InvalidInput("Malformed cursor.")
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            prefix, _, pk = raw.partition("|")
            key = int(pk)
            if prefix != cls.PREFIX or not 0 <= key <= ID_MAX or not pk.isdigit():
                raise ValueError(raw)
            return cls(key)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidInput("Malformed cursor.") from None


def message_cursor(message) -> Cursor:
    return Cursor(message.created_at, message.pk)


def room_cursor(room) -> Cursor:
    return Cursor(room.last_activity_at, room.pk)
