"""The chat domain's tables: users with a marketplace role, one room per pair of users,
messages, their attachments and the bids negotiated in them."""

import re

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils import timezone


class Role(models.TextChoices):
    ORGANIZER = "ORGANIZER"
    VENDOR = "VENDOR"


# What a username may be: nothing that can pass for another name on screen (no look-alike
# letters, invisible or direction-changing characters, spaces or markup).
USERNAME_RULE = re.compile(r"[A-Za-z0-9_.-]{3,30}")
USERNAME_RULE_TEXT = "3 to 30 characters: ASCII letters, digits, _ . and -"


def username_follows_rule(username: str) -> bool:
    return USERNAME_RULE.fullmatch(username) is not None


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, null=True, blank=True)
    # The username as it is compared (lower case), unique: no two accounts differ only by case,
    # even when two registrations race. Null for a name from before the rule, which keeps
    # working until it is renamed (migration 0005 counted them).
    username_key = models.CharField(max_length=30, unique=True, null=True, blank=True, editable=False)
    # When the user's last socket closed (chat.presence); whether they are online now is not
    # stored: it lives with the sockets.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # `email` is AbstractUser's (blank: none given). Email when away (chat.notify) goes to a
    # user with an email and this on; giving an email is the opt-in, so it defaults to on.
    email_notifications = models.BooleanField(default=True)
    # Not a column: on the copy of a user that a presence event carries, the presence it
    # announced (chat.presence.presence_user), which the schema shows instead of a lookup.
    presence_now: object | None = None

    def save(self, *args, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        if (self._state.adding or (fields is not None and "username" in fields)) and self.username_key is None:
            self.username_key = self.username.lower() if username_follows_rule(self.username) else None
            if fields is not None:
                kwargs["update_fields"] = {*fields, "username_key"}
        super().save(*args, **kwargs)


class ChatRoom(models.Model):
    organizer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    vendor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised so that the room list is one indexed, ordered read.
    last_message = models.ForeignKey("Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Not columns: whether the room holds a block (either side's, the reader's own), present
    # when a selector read them with the room (chat.selectors); a write reads them again.
    block_any: bool
    block_mine: bool

    class Meta:
        constraints = [
            # One room per unordered pair: (a, b) and (b, a) collide on this index, so two
            # simultaneous ensureRoom calls from both sides cannot both insert.
            models.UniqueConstraint(
                Least("organizer", "vendor"), Greatest("organizer", "vendor"), name="one_room_per_pair"
            ),
            models.CheckConstraint(condition=~models.Q(organizer=models.F("vendor")), name="two_distinct_participants"),
        ]
        indexes = [models.Index(fields=["-last_activity_at", "-id"], name="room_activity")]

    def __str__(self) -> str:
        return f"room {self.pk}"

    def has_participant(self, user: User) -> bool:
        return user.pk in (self.organizer_id, self.vendor_id)


class MessageType(models.TextChoices):
    TEXT = "TEXT"
    BID = "BID"
    SYSTEM = "SYSTEM"


class Message(models.Model):
    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    message_type = models.CharField(max_length=8, choices=MessageType.choices, default=MessageType.TEXT)
    client_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by chat.services.message_edits, the one writer of a sent message's text.
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Beside the fields, not one of them: the search index of the text (a tsvector column on
    # PostgreSQL, an FTS5 table on SQLite), made by migration 0008 and kept by chat.search.

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "sender", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="one_message_per_client_id",
            )
        ]
        # The keyset of every history page: (room, created_at, id).
        indexes = [
            models.Index(fields=["room", "created_at", "id"], name="message_keyset"),
            # The email worker's scan (chat.notify): unread messages only, by age.
            models.Index(fields=["created_at"], condition=models.Q(read_at__isnull=True), name="message_unread"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in room {self.room_id}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # The client's file name is kept in original_name only; the stored path is ours.
    return f"attachments/{attachment.room_id}/{attachment.storage_key}"


class Attachment(models.Model):
    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=64)
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=127)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"attachment {self.pk} ({self.original_name})"


class BidStatus(models.TextChoices):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


class Bid(models.Model):
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="bid")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    note = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.PENDING)
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"bid {self.pk} {self.amount} {self.currency} {self.status}"


class TokenFamily(models.Model):
    """The family a refresh token belongs to: every token rotated from one sign-in shares it,
    and so do the access tokens issued with them (their `fam` claim)."""

    refresh_token = models.OneToOneField(
        "refresh_token.RefreshToken", on_delete=models.CASCADE, primary_key=True, related_name="parley_family"
    )
    family = models.CharField(max_length=32, db_index=True)

    def __str__(self) -> str:
        return f"refresh token {self.pk} of family {self.family}"


class TokenRevocation(models.Model):
    """A sign-out (one family) or a replayed refresh token (every family of the user, `family`
    null): access tokens issued before `revoked_at` stop working. Rows older than an access
    token's lifetime can no longer matter and are pruned."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=32, null=True, blank=True)
    revoked_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"revocation of {self.family or 'every family'} of user {self.user_id} at {self.revoked_at}"


class UnreadNotice(models.Model):
    """Email when away (chat.notify), for one recipient in one room: every message of the other
    participant up to `notified_through` (a message id) has been dealt with (emailed, or seen
    online when it fell due). A worker holds the row while `lease_until` is in the future;
    a lease that expires (its worker died) is taken over by another."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    notified_through = models.BigIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    emails_sent = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "recipient"], name="one_notice_per_recipient")]

    def __str__(self) -> str:
        return f"notice of user {self.recipient_id} in room {self.room_id} through {self.notified_through}"


class Block(models.Model):
    """One participant's block of the other in their room (chat.services.blocking): while a
    room has any, neither participant may write to it. Each side's block is its own row, so
    one side unblocking never lifts the other's."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="blocks")
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Its index, led by the room, also serves "is this room blocked?".
        constraints = [models.UniqueConstraint(fields=["room", "blocker"], name="one_block_per_blocker")]

    def __str__(self) -> str:
        return f"block by user {self.blocker_id} in room {self.room_id}"
