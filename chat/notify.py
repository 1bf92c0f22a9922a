"""Email when away: a recipient with an email and notifications on gets one email per room when
messages of the other participant are still unread PARLEY_NOTIFY_AFTER_MINUTES after they
were sent and the recipient was not online when the worker found them due.

Design. An `UnreadNotice` row per (room, recipient) remembers the newest message id already
dealt with (`notified_through`): one email covers every unread message up to the newest at
sending time (listing the newest five), so a batch is one email, and messages arriving later
start the next batch. A recipient found online when messages fell due has them marked dealt
with, unsent: they were there to see them.

Which rooms are due is one selector (chat.selectors.rooms_due_for_unread_email). A worker
claims due notices in a transaction: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so two
workers racing never hold the same row; SQLite has one writer at a time (IMMEDIATE
transactions), which serialises the claim. A claim is a lease (`lease_until`,
PARLEY_NOTIFY_LEASE_SECONDS) with a token: the batch is re-read after the claim, mailed, then
recorded only by the lease's holder. A worker that dies between the claim and the send loses
nothing: its lease expires and the next worker to look takes the notice over.

The chosen side: at least once. A worker that dies after SMTP accepted the message but before
recording it leaves the lease to expire, and the batch is mailed again. The other side (record
first, send after) loses the email for good on the same crash, and a missed message is worse
than a repeated one. A send is bounded by EMAIL_TIMEOUT, at most a third of the lease, and a
worker stops sending from a claim with less than two timeouts of lease left, so a live
worker's lease does not run out under it.

Presence is the tracker's store (chat.presence): shared through Redis across processes; on
the embedded default only the server process knows who is online, so there the worker runs
inside the server (project.lifespan). When presence cannot be read, the round sends nothing.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from redis.exceptions import RedisError

from chat import presence, selectors
from chat.models import Message, UnreadNotice, User

logger = logging.getLogger(__name__)

CLAIM_BATCH = 20
MESSAGES_LISTED = 5
UNSUBSCRIBE_SALT = "parley.notify.unsubscribe"


@dataclass(frozen=True)
class Claim:
    notice_id: int
    room_id: int
    recipient_id: int
    notified_through: int
    token: str
    lease_until: datetime


def unsubscribe_token(user: User) -> str:
    """A token that turns `user`'s email notifications off, without signing in; it names the
    user and is signed with SECRET_KEY, so it cannot be made for anyone else."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_unsubscribe(*, token: str) -> User | None:
    """Turn notifications off for the user a token names; None for a forged or broken token."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user_id = payload.get("user") if isinstance(payload, dict) else None
    user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    if user is None:
        return None
    User.objects.filter(pk=user.pk).update(email_notifications=False)
    user.email_notifications = False
    logger.info("email notifications turned off by link", extra={"user_id": user.pk})
    return user


def _claim(due: list[selectors.DueRoom], *, now: datetime) -> list[Claim]:
    """Lease the due notices no live worker holds (rows made first for rooms never mailed)."""
    UnreadNotice.objects.bulk_create(
        [UnreadNotice(room_id=d.room_id, recipient_id=d.recipient_id) for d in due], ignore_conflicts=True
    )
    wanted = Q()
    for d in due:
        wanted |= Q(room_id=d.room_id, recipient_id=d.recipient_id)
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = list(
            UnreadNotice.objects.select_for_update(skip_locked=True)
            .filter(wanted)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by("pk")
        )
        # The lease runs from the claim, not from the round's start: a slow selector must not
        # eat into the time the sends have.
        lease_until = timezone.now() + timedelta(seconds=settings.PARLEY["NOTIFY_LEASE_SECONDS"])
        UnreadNotice.objects.filter(pk__in=[row.pk for row in rows]).update(lease_until=lease_until, lease_token=token)
    claims = [Claim(row.pk, row.room_id, row.recipient_id, row.notified_through, token, lease_until) for row in rows]
    if claims:
        logger.info("unread email batches claimed", extra={"notices": [c.notice_id for c in claims]})
    return claims


def _release(claim: Claim, *, notified_through: int | None = None, sent: bool = False) -> bool:
    """End the lease, recording what was dealt with; False when the lease was no longer ours."""
    changes: dict = {"lease_until": None, "lease_token": ""}
    if notified_through is not None:
        changes["notified_through"] = notified_through
    if sent:
        changes["emails_sent"] = F("emails_sent") + 1
        changes["last_sent_at"] = timezone.now()
    return bool(UnreadNotice.objects.filter(pk=claim.notice_id, lease_token=claim.token).update(**changes))


@dataclass
class Batch:
    """What a claim turned out to hold: an email to send, covering messages up to `through`."""

    email: EmailMultiAlternatives
    through: int
    messages: int


def _prepare(claim: Claim, *, online: bool, now: datetime) -> Batch | None:
    """The claimed batch as an email, or None when there is nothing to send (read meanwhile,
    or the recipient online: then its due messages are recorded as dealt with)."""
    recipient = User.objects.filter(pk=claim.recipient_id).first()
    if recipient is None or not recipient.email or not recipient.email_notifications:
        _release(claim)
        return None
    unread = list(
        Message.objects.filter(
            room_id=claim.room_id, read_at__isnull=True, deleted_at__isnull=True, pk__gt=claim.notified_through
        )
        .exclude(sender_id=recipient.pk)
        .select_related("sender")
        .order_by("-created_at", "-pk")
    )
    due_before = now - timedelta(minutes=settings.PARLEY["NOTIFY_AFTER_MINUTES"])
    due = [message for message in unread if message.created_at <= due_before]
    if not due:  # read (or deleted) since the selector saw it
        _release(claim)
        return None
    if online:
        _release(claim, notified_through=max(message.pk for message in due))
        logger.info("unread messages not emailed: recipient online", extra={"notice": claim.notice_id})
        return None
    email = _email(recipient=recipient, room_id=claim.room_id, unread=unread)
    return Batch(email, max(message.pk for message in unread), len(unread))


def _record(claim: Claim, batch: Batch) -> None:
    if not _release(claim, notified_through=batch.through, sent=True):
        logger.warning("unread email sent after its lease ran out", extra={"notice": claim.notice_id})
    logger.info(
        "unread email sent",
        extra={
            "notice": claim.notice_id,
            "room_id": claim.room_id,
            "user_id": claim.recipient_id,
            "messages": batch.messages,
        },
    )


def _email(*, recipient: User, room_id: int, unread: list[Message]) -> EmailMultiAlternatives:
    listed = list(reversed(unread[:MESSAGES_LISTED]))  # the newest five, oldest first
    senders = sorted({message.sender.username for message in unread})
    unsubscribe_url = f"{settings.PUBLIC_URL}/email/unsubscribe/{unsubscribe_token(recipient)}"
    context = {
        "recipient": recipient,
        "sender": ", ".join(senders),
        "messages": listed,
        "unread": len(unread),
        "more": len(unread) - len(listed),
        "room_url": f"{settings.PUBLIC_URL}/dm/{room_id}",
        "unsubscribe_url": unsubscribe_url,
    }
    subject = f"{len(unread)} unread message{'s' if len(unread) != 1 else ''} from {context['sender']} on Parley"
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("chat/email/unread_messages.txt", context),
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
    email.attach_alternative(render_to_string("chat/email/unread_messages.html", context), "text/html")
    return email


def _claims_due(now: datetime) -> list[Claim]:
    due = selectors.rooms_due_for_unread_email(now=now, limit=CLAIM_BATCH)
    return _claim(due, now=now) if due else []


async def notify_round(*, now: datetime | None = None) -> int:
    """One look for due batches: claim, check presence, mail. The number of emails sent."""
    now = now or timezone.now()
    claims = await sync_to_async(_claims_due)(now)
    if not claims:
        return 0
    try:
        online = await presence.presence_tracker().store.online_of(sorted({c.recipient_id for c in claims}))
    except (RedisError, OSError) as error:
        logger.warning("presence unavailable: no unread email this round", extra={"error": repr(error)})
        for claim in claims:
            await sync_to_async(_release)(claim)
        return 0
    sent = 0
    timeout = float(settings.EMAIL_TIMEOUT or 10)
    for claim in claims:
        left = (claim.lease_until - timezone.now()).total_seconds()
        if left < 2 * timeout:
            # Too close to the lease's end to send safely: the next round claims it again.
            logger.info("unread email batch put back: lease too short", extra={"notice": claim.notice_id, "left": left})
            await sync_to_async(_release)(claim)
            continue
        batch = await sync_to_async(_prepare)(claim, online=claim.recipient_id in online, now=now)
        if batch is None:
            continue
        try:
            # SMTP in a thread of its own, touching no database: a slow mail server must not
            # hold the thread every request's ORM work runs in.
            await sync_to_async(batch.email.send, thread_sensitive=False)()
        except Exception as error:  # noqa: BLE001 - one failed send must not stop the others
            logger.warning("unread email not sent", extra={"notice": claim.notice_id, "error": repr(error)})
            await sync_to_async(_release)(claim)
            continue
        await sync_to_async(_record)(claim, batch)
        sent += 1
    return sent


async def notify_forever(*, stop: asyncio.Event | None = None) -> None:
    """Rounds every PARLEY_NOTIFY_POLL_SECONDS until `stop` is set; a failed round is logged
    and the next one tries again (the database may be restarting)."""
    stop = stop or asyncio.Event()
    logger.info("unread email worker started", extra={"after_minutes": settings.PARLEY["NOTIFY_AFTER_MINUTES"]})
    while not stop.is_set():
        started = time.monotonic()
        try:
            await notify_round()
        except Exception as error:  # noqa: BLE001 - the worker outlives a database outage
            logger.warning("unread email round failed", extra={"error": repr(error)})
        wait = max(0.0, settings.PARLEY["NOTIFY_POLL_SECONDS"] - (time.monotonic() - started))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):  # never wait_for: see chat.cancellation
                await stop.wait()
