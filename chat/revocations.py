"""Revoked sessions, known to every server process without a query per request. A sign-out
revokes one refresh family, a replayed refresh token every family of the user; each is a row
(chat.models.TokenRevocation). Each process keeps the rows of the last access-token lifetime
in memory and reads them again at most every PARLEY_REVOCATION_CHECK_SECONDS: one small query
per interval per process, whatever the traffic. The process that revokes knows at once. Its
sockets are checked on the same beat and closed with 4403."""

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from graphql_jwt.settings import jwt_settings

from chat.models import TokenRevocation

logger = logging.getLogger(__name__)


def _lifetime() -> timedelta:
    # After this long every access token issued before a revocation has expired anyway.
    return jwt_settings.JWT_EXPIRATION_DELTA + timedelta(minutes=1)


class Revocations:
    """This process's copy of the recent revocations: family -> when, user -> when."""

    def __init__(self) -> None:
        self.families: dict[str, float] = {}
        self.users: dict[int, float] = {}
        self.checked_at: float | None = None
        self._lock = threading.Lock()

    def refused(self, *, user_id: int, claims: dict[str, Any]) -> bool:
        """Whether an access token with these claims was revoked; the recent rows are read
        first when they are due (so: not from the event loop)."""
        self.check_if_due()
        return self.revoked(user_id=user_id, claims=claims)

    def revoked(self, *, user_id: int, claims: dict[str, Any]) -> bool:
        """Whether an access token with these claims was revoked, by what this process knows."""
        family = claims.get("fam")
        if isinstance(family, str) and family in self.families:
            return True
        issued = claims.get("issuedAt", claims.get("origIat"))
        revoked_at = self.users.get(user_id)
        return revoked_at is not None and (not isinstance(issued, int | float) or issued <= revoked_at)

    def due(self) -> bool:
        """Whether the recent revocations are to be read again before the next answer."""
        interval = settings.PARLEY["REVOCATION_CHECK_SECONDS"]
        return self.checked_at is None or time.monotonic() - self.checked_at >= interval

    def check_if_due(self) -> bool:
        """Read the recent revocations when the last read is older than the interval; True
        when this call read them. Never blocks behind another thread's read."""
        if not self.due():
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._read()
        except DatabaseError as error:
            # Keep what we knew; the next request tries again.
            logger.warning("revocations could not be read", extra={"error": repr(error)})
            return False
        finally:
            self._lock.release()
        return True

    def _read(self) -> None:
        since = timezone.now() - _lifetime()
        rows = TokenRevocation.objects.filter(revoked_at__gte=since).values_list("user_id", "family", "revoked_at")
        families: dict[str, float] = {}
        users: dict[int, float] = {}
        for user_id, family, revoked_at in rows:
            at = revoked_at.timestamp()
            if family:
                families[family] = at
            else:
                users[user_id] = max(at, users.get(user_id, at))
        self.families, self.users = families, users
        self.checked_at = time.monotonic()

    def learn(self, *, user_id: int, family: str | None, at: float) -> None:
        """A revocation this process has just committed: known here at once."""
        if family:
            self.families[family] = at
        else:
            self.users[user_id] = max(at, self.users.get(user_id, at))


_revocations = Revocations()


def revocations() -> Revocations:
    return _revocations


def revocation_record(*, user_id: int, family: str | None) -> None:
    """Inside the revoking transaction: the row every process will read, and this process
    knows once it commits. Rows no token can be affected by any more are pruned."""
    now = timezone.now()
    TokenRevocation.objects.create(user_id=user_id, family=family, revoked_at=now)
    TokenRevocation.objects.filter(revoked_at__lt=now - _lifetime()).delete()
    transaction.on_commit(lambda: _revocations.learn(user_id=user_id, family=family, at=now.timestamp()))


class SocketWatch:
    """This process's authenticated sockets, checked against the revocations on every beat of
    the check interval; a revoked one is closed through its callback."""

    def __init__(self) -> None:
        self.sockets: dict[object, tuple[int, dict[str, Any], Callable[[], None]]] = {}
        self._task: asyncio.Task | None = None

    def watch(self, socket: object, *, user_id: int, claims: dict[str, Any], close: Callable[[], None]) -> None:
        self.sockets[socket] = (user_id, claims, close)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._beat(), name="parley-revocation-watch")

    def forget(self, socket: object) -> None:
        self.sockets.pop(socket, None)

    async def _beat(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.PARLEY["REVOCATION_CHECK_SECONDS"])
            await sync_to_async(_revocations.check_if_due)()
            self.close_revoked()

    def close_revoked(self) -> None:
        for socket, (user_id, claims, close) in list(self.sockets.items()):
            if _revocations.revoked(user_id=user_id, claims=claims):
                self.sockets.pop(socket, None)
                close()


_sockets = SocketWatch()


def socket_watch() -> SocketWatch:
    return _sockets
