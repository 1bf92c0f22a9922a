"""Email when away (chat.notify) against a real SMTP server the test starts: one email per
room per unread batch, none while the recipient is online, has read, has no email or has
unsubscribed, nor about a blocked room; the unsubscribe link; two workers racing; a lease a
dead worker left behind; the file backend of the embedded default."""

import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connection
from django.test import Client
from django.utils import timezone

from chat import notify, presence, selectors
from chat.models import Message, UnreadNotice, User
from chat.services.blocking import room_block, room_unblock
from tests.factories import MessageFactory, RoomFactory
from tests.mail import SmtpServer, html_of, text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.PUBLIC_URL = "https://chat.example.test"
        yield server


@pytest.fixture(autouse=True)
async def _nobody_online():
    await presence.presence_clear()


def _room_with_emails(**recipient):
    room = RoomFactory()
    User.objects.filter(pk=room.vendor.pk).update(email=f"{room.vendor.username}@example.com", **recipient)
    return room


def _sent_ago(room, minutes: float, count: int = 1, sender=None) -> list[Message]:
    at = timezone.now() - timedelta(minutes=minutes)
    return [
        MessageFactory(
            room=room, sender=sender or room.organizer, text=f"offer {i}", created_at=at + timedelta(seconds=i)
        )
        for i in range(count)
    ]


def _round(now=None) -> int:
    return async_to_sync(notify.notify_round)(now=now)


def test_a_batch_of_unread_messages_is_one_email_with_the_newest_five_and_a_link(smtp):
    room = _room_with_emails()
    _sent_ago(room, 11, count=7)
    assert _round() == 1
    [email] = smtp.inbox.wait_for(1)
    assert email["To"] == f"{room.vendor.username}@example.com"
    assert "7 unread messages" in email["Subject"]
    text, html = text_of(email), html_of(email)
    assert [f"offer {i}" in text for i in range(7)] == [False, False, True, True, True, True, True]
    assert "2 earlier messages" in text
    assert f"https://chat.example.test/dm/{room.pk}" in text
    assert f'href="https://chat.example.test/dm/{room.pk}"' in html
    assert "offer 6" in html
    assert email["List-Unsubscribe"].strip().startswith("<https://chat.example.test/email/unsubscribe/")
    # The same messages are never emailed again.
    assert _round() == 0
    assert _round(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(smtp.inbox.messages) == 1


def test_messages_after_an_email_are_the_next_batch(smtp):
    room = _room_with_emails()
    _sent_ago(room, 30)
    assert _round() == 1
    _sent_ago(room, 12, count=2)
    assert _round() == 1
    second = smtp.inbox.wait_for(2)[1]
    assert "2 unread messages" in second["Subject"]  # the new batch only


def test_nothing_before_the_delay_has_passed(smtp, settings):
    room = _room_with_emails()
    _sent_ago(room, 9)
    assert _round() == 0
    settings.PARLEY = {**settings.PARLEY, "NOTIFY_AFTER_MINUTES": 0.1}
    assert _round() == 1


def test_no_email_for_read_messages_or_the_recipients_own(smtp):
    room = _room_with_emails()
    [read] = _sent_ago(room, 20)
    Message.objects.filter(pk=read.pk).update(read_at=timezone.now())
    _sent_ago(room, 20, sender=room.vendor)
    assert _round() == 0
    assert smtp.inbox.messages == []


def test_no_email_without_an_address_or_with_notifications_off(smtp):
    quiet = _room_with_emails(email_notifications=False)
    _sent_ago(quiet, 20)
    no_address = RoomFactory()
    _sent_ago(no_address, 20)
    assert _round() == 0
    assert not UnreadNotice.objects.exists()


@pytest.mark.parametrize("blocker", ["organizer", "vendor"])
def test_no_email_about_a_blocked_room_whoever_blocked(smtp, blocker):
    room = _room_with_emails()
    _sent_ago(room, 20, count=2)
    other = room.vendor if blocker == "organizer" else room.organizer
    room_block(caller=getattr(room, blocker), username=other.username)
    assert selectors.rooms_due_for_unread_email(now=timezone.now(), limit=20) == []
    assert _round() == 0
    assert smtp.inbox.messages == [] and not UnreadNotice.objects.exists()
    # Unblocked, the messages still unread are owed their email like any others.
    room_unblock(caller=getattr(room, blocker), username=other.username)
    assert _round() == 1
    assert "2 unread messages" in smtp.inbox.wait_for(1)[0]["Subject"]


async def test_no_email_while_the_recipient_is_online_when_the_messages_fall_due(smtp):
    room = await sync_to_async(_room_with_emails)()
    await sync_to_async(_sent_ago)(room, 11)
    store = presence.presence_tracker().store
    await store.join(room.vendor.pk)
    try:
        assert await notify.notify_round() == 0
    finally:
        await store.leave(room.vendor.pk)
    # They were there when it fell due: going away later does not email those messages.
    assert await notify.notify_round() == 0
    assert smtp.inbox.messages == []
    await sync_to_async(_sent_ago)(room, 11)
    assert await notify.notify_round() == 1


def test_after_unsubscribing_by_the_link_signed_out_nothing_more_is_sent(smtp):
    room = _room_with_emails()
    _sent_ago(room, 15)
    assert _round() == 1
    [email] = smtp.inbox.wait_for(1)
    link = email["List-Unsubscribe"].strip().strip("<>").removeprefix("https://chat.example.test")
    assert link in text_of(email)
    page = Client().get(link)
    assert page.status_code == 200
    assert b"Email notifications are off" in page.content
    assert User.objects.get(pk=room.vendor.pk).email_notifications is False
    _sent_ago(room, 12)
    assert _round() == 0
    assert len(smtp.inbox.messages) == 1


def test_a_forged_unsubscribe_link_changes_nothing():
    room = _room_with_emails()
    genuine = notify.unsubscribe_token(room.vendor)
    other = notify.unsubscribe_token(room.organizer)
    forged = other.split(":")[0] + ":" + genuine.split(":", 1)[1]
    for token in (forged, genuine[:-2] + "xx", "nonsense"):
        page = Client().get(f"/email/unsubscribe/{token}")
        assert page.status_code == 400
        assert b"not valid" in page.content
    assert User.objects.get(pk=room.vendor.pk).email_notifications is True


def test_two_workers_racing_send_one_email(smtp):
    room = _room_with_emails()
    _sent_ago(room, 11, count=3)
    # Both workers have found the room due before either claims: the claim alone decides.
    both_found = threading.Barrier(2, timeout=20)
    original = notify._claim

    def claim_together(due, *, now):
        both_found.wait()
        return original(due, now=now)

    results: list[int] = []

    def worker() -> None:
        # As in a process of its own: the round's ORM work runs in this thread (async_to_sync
        # hands thread-sensitive work back to its caller), on a connection of its own.
        try:
            results.append(async_to_sync(notify.notify_round)())
        finally:
            connection.close()

    notify._claim = claim_together
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        notify._claim = original
    assert sorted(results) == [0, 1]
    assert len(smtp.inbox.wait_for(1)) == 1
    assert UnreadNotice.objects.get().emails_sent == 1


def test_a_lease_left_by_a_dead_worker_is_taken_over_once_it_expires(smtp, settings):
    room = _room_with_emails()
    _sent_ago(room, 11, count=2)
    now = timezone.now()
    # A worker claims, then dies before sending: its lease stays behind.
    [claim] = notify._claims_due(now)
    assert _round(now=now) == 0
    lease = settings.PARLEY["NOTIFY_LEASE_SECONDS"]
    assert _round(now=now + timedelta(seconds=lease + 1)) == 1
    assert len(smtp.inbox.wait_for(1)) == 1
    # The dead worker's token no longer records anything.
    assert notify._release(claim, notified_through=0) is False
    assert UnreadNotice.objects.get().notified_through == max(Message.objects.values_list("pk", flat=True))


def test_a_failed_send_is_retried_on_the_next_round(smtp, settings):
    room = _room_with_emails()
    _sent_ago(room, 11)
    settings.EMAIL_PORT = smtp.port + 1 if smtp.port < 65535 else smtp.port - 1  # nobody listens there
    assert _round() == 0
    settings.EMAIL_PORT = smtp.port
    assert _round() == 1
    assert len(smtp.inbox.wait_for(1)) == 1


def test_the_embedded_default_writes_the_email_to_a_file(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    room = _room_with_emails()
    _sent_ago(room, 11)
    assert _round() == 1
    [file] = list((tmp_path / "mail").iterdir())
    content = file.read_text()
    assert f"To: {room.vendor.username}@example.com" in content
    assert f"/dm/{room.pk}" in content


def test_a_round_with_nothing_due_costs_one_query_however_many_messages_wait(django_assert_num_queries):
    for minutes in (1, 3, 9):  # not due yet
        _sent_ago(_room_with_emails(), minutes, count=3)
    read = _room_with_emails()
    Message.objects.filter(pk__in=[m.pk for m in _sent_ago(read, 20, count=3)]).update(read_at=timezone.now())
    with django_assert_num_queries(1):
        assert _round() == 0


def test_finding_due_rooms_is_one_query_for_any_number_of_rooms(django_assert_num_queries):
    rooms = [_room_with_emails() for _ in range(5)]
    for room in rooms:
        _sent_ago(room, 20, count=2)
    with django_assert_num_queries(1):
        due = selectors.rooms_due_for_unread_email(now=timezone.now(), limit=20)
    assert {d.room_id for d in due} == {room.pk for room in rooms}
    assert {d.recipient_id for d in due} == {room.vendor.pk for room in rooms}
