"""Which thread a send's database work runs on.

Every other resolver's ORM work goes to asgiref's one thread-sensitive thread (strawberry-django
runs a sync resolver there, and so does `sync_to_async` by default). On SQLite that is the right
shape: it has one writer. On PostgreSQL the thread waits out every statement's round trip, so
one thread caps a process at one message per "round trips of a send" however idle the CPU is
(docs/benchmarks.md: at 100 msg/s the server used 70 % of a core when its p99 broke).

So `sendMessage` runs on a pool of PARLEY_DB_WRITE_THREADS threads (4 on PostgreSQL, none on
SQLite), each with its own connection, kept open as the database thread's is, and closed after
a database error so that the next send on that thread opens a new one; the error also tells the
other write threads (and the database thread's, schema.http) that their connections are likely
dead too. A send whose kept connection turns out dead before its first statement (a restart
while the thread was idle) runs once more on a new connection: nothing was written. What makes concurrent
sends in one process safe is what already makes several worker processes safe: a send locks
its room (one order within a room), a clientId is unique by constraint (a raced retry finds the
first), and a subscriber reads from its cursor when two broadcasts overtake each other.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from chat.realtime import DATABASE_ERRORS

T = TypeVar("T")

_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(size: int) -> ThreadPoolExecutor:
    if (pool := _pools.get(size)) is None:
        pool = _pools[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="parley-db-write")
    return pool


class _Generations:
    """How many database failures this process has seen, and on each write thread how many had
    been seen when its connection opened: a restart kills every connection, so once any thread
    meets its broken one, the others open new ones before their next send instead of each
    failing one send to find out."""

    def __init__(self) -> None:
        self.seen = 0
        self.local = threading.local()

    def failed(self) -> None:
        self.seen += 1  # under the GIL; a lost increment only costs one more failed send

    def refresh(self) -> None:
        if getattr(self.local, "opened_at", 0) != self.seen:
            if connection.connection is not None:
                connection.close()
            self.local.opened_at = self.seen


generations = _Generations()


def _closing_a_broken_connection(fn: Callable[..., T]) -> Callable[..., T]:
    def run(**kwargs: Any) -> T:
        generations.refresh()
        reused = connection.connection is not None
        completed = 0

        def counted(execute, sql, params, many, context):
            nonlocal completed
            result = execute(sql, params, many, context)
            completed += 1
            return result

        try:
            with connection.execute_wrapper(counted):
                return fn(**kwargs)
        except DATABASE_ERRORS:
            connection.close()  # this thread's: a database restart killed it
            generations.failed()
            if not (reused and completed == 0):
                raise
        # The connection kept from an earlier send was dead before this one ran a statement
        # (a restart while the thread was idle): nothing was written, so once more on a new one.
        return fn(**kwargs)

    return run


async def write(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """`fn(**kwargs)` on a write thread, or on the database thread when there are none."""
    size = settings.PARLEY["DB_WRITE_THREADS"]
    if not size:
        return await sync_to_async(fn)(**kwargs)
    return await sync_to_async(_closing_a_broken_connection(fn), thread_sensitive=False, executor=_pool(size))(**kwargs)
