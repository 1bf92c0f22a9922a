"""The unread-email worker as it runs for real: inside the server that project.serve starts
(make run's embedded default, mail as files under var/mail/), and as `manage.py notify_unread`
processes against a real SMTP server, one of them SIGKILLed after it claimed a batch and
before the message was handed over."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils import timezone

from chat import notify
from chat.models import UnreadNotice, User
from tests import processes
from tests.e2e.conftest import SEND, api
from tests.factories import MessageFactory, RoomFactory
from tests.graphql import access_token
from tests.mail import SmtpServer
from tests.processes import BASE_DIR, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _wait(condition, *, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise TimeoutError(f"{what} not reached within {timeout}s")


def _worker(smtp: SmtpServer, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": processes.test_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_URL": smtp.url,
        "PARLEY_NOTIFY_POLL_SECONDS": "0.2",
        "PARLEY_NOTIFY_LEASE_SECONDS": "5",
    }
    with log.open("ab") as handle:
        return subprocess.Popen(
            [sys.executable, "manage.py", "notify_unread"], cwd=BASE_DIR, env=env, stdout=handle, stderr=handle
        )


def test_a_worker_killed_after_its_claim_leaves_the_batch_to_the_next_which_sends_it_once():
    room = RoomFactory(vendor__email="away@example.com")
    at = timezone.now() - timedelta(minutes=11)
    for i in range(3):
        MessageFactory(room=room, text=f"offer {i}", created_at=at + timedelta(seconds=i))
    log = Path(tempfile.mkstemp(prefix="parley-notify-", suffix=".log")[1])
    with SmtpServer() as smtp:
        smtp.inbox.hold()
        first = _worker(smtp, log)
        try:
            # It has claimed the batch and is talking to SMTP: the message is not handed over yet.
            assert smtp.inbox.recipient_seen.wait(30), log.read_text()
            assert UnreadNotice.objects.get().lease_until is not None
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        smtp.inbox.release.set()
        assert smtp.inbox.messages == []
        second = _worker(smtp, log)
        try:
            [email] = smtp.inbox.wait_for(1, timeout=60)
            assert "3 unread messages" in email["Subject"]
            notice = _wait(lambda: UnreadNotice.objects.filter(lease_until__isnull=True, emails_sent=1).first())
            assert notice.notified_through == room.messages.order_by("-pk").first().pk
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(15) == 0, log.read_text()
        # Nothing is left for anyone: another round, with all the time in the world, sends nothing.
        assert async_to_sync(notify.notify_round)(now=timezone.now() + timedelta(hours=1)) == 0
        assert len(smtp.inbox.messages) == 1


def test_the_server_sends_unread_email_as_files_under_var_mail_with_no_extra_step(tmp_path):
    room = RoomFactory()
    User.objects.filter(pk=room.vendor.pk).update(email="bk@example.com")
    server = start_server(
        PARLEY_VAR_DIR=str(tmp_path),
        PARLEY_NOTIFY_AFTER_MINUTES="0.02",
        PARLEY_NOTIFY_POLL_SECONDS="0.2",
        PARLEY_NOTIFY_IN_PROCESS="true",
        EMAIL_URL="",
    )
    try:
        sent = async_to_sync(api)(
            server, SEND, {"r": str(room.pk), "t": "are you free on the 12th?"}, token=access_token(room.organizer)
        )
        assert sent["data"]["sendMessage"]["id"], sent
        mail = tmp_path / "mail"
        [file] = _wait(lambda: list(mail.glob("*.log")) if mail.exists() else [], what="an email file")
        content = _wait(lambda: (text := file.read_text()) and "are you free" in text and text)
        assert "To: bk@example.com" in content
        assert f"/dm/{room.pk}" in content
        assert "unread email worker started" in server.log()
    finally:
        server.stop()
