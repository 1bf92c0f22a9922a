"""Password hashing away from the ORM thread. A hash costs ~0.3 s of CPU by design; run where
the ORM work runs (one thread per process, for every request), each sign-in would stall every
other request of the process behind it. Here hashes run in a small pool of their own (hashlib
releases the GIL while it hashes), and when more are waiting than the pool can clear soon,
a new one is refused with RATE_LIMITED instead of queueing without end."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from chat.errors import RateLimited

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_waiting = 0


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            workers = settings.PARLEY["PASSWORD_HASH_WORKERS"]
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parley-password")
        return _pool


async def _in_pool(fn, *args):
    global _waiting
    limit = settings.PARLEY["PASSWORD_HASH_QUEUE"]
    if _waiting >= limit:
        raise RateLimited("Too many sign-ins at once; try again in a second.", retry_after=1.0)
    _waiting += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_executor(), fn, *args)
    finally:
        _waiting -= 1


def _verify(password: str, encoded: str | None) -> tuple[bool, str | None]:
    if encoded is None:
        # No such user: hash anyway, so that the answer takes as long as for a real one.
        make_password(password)
        return False, None
    if not check_password(password, encoded):
        return False, None
    try:
        outdated = identify_hasher(encoded).must_update(encoded)
    except ValueError:
        outdated = True
    return True, make_password(password) if outdated else None


async def password_verify(password: str, encoded: str | None) -> tuple[bool, str | None]:
    """Whether `password` matches the stored hash (None: no such user, still hashed), and a
    new hash to store when the stored one uses outdated parameters."""
    return await _in_pool(_verify, password, encoded)


async def password_hash(password: str) -> str:
    return await _in_pool(make_password, password)
