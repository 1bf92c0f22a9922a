import asyncio
import logging

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

# Every request of the HTTP client would otherwise be logged into failure reports.
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Django documents MD5 for tests only: the real hasher costs ~0.3 s a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _full_budgets():
    from chat.ratelimit import budgets_clear

    budgets_clear()


@pytest.fixture(autouse=True)
def _fresh_typing_throttles():
    from chat.typing import typing_throttles_clear

    typing_throttles_clear()


def _after_a_revocation_read(count):
    """`count` (a query-count context manager), entered right after this process has read the
    recent revocations: that read happens once per interval in whichever request finds it due
    (chat.revocations), so a count taken 15 s after the last one would otherwise include it."""

    def counting(*args, **kwargs):
        from chat.revocations import revocations

        revocations()._read()
        return count(*args, **kwargs)

    return counting


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _after_a_revocation_read(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _after_a_revocation_read(django_assert_max_num_queries)


@pytest.fixture(scope="session", autouse=True)
def _flush_tried_again_after_a_deadlock():
    """A transactional test ends with a flush, one TRUNCATE of every table, while the session's
    server process may be running a statement over two of them (a presence change, 10 s after
    some socket closed, reads rooms without a block). Each then holds a lock the other waits
    for, and PostgreSQL aborts one: the server logs it and carries on; the flush goes again."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.db.utils import OperationalError

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        for attempt in range(1, 6):
            try:
                return flush(self, sql_list)
            except OperationalError as error:
                if getattr(error.__cause__, "sqlstate", None) != "40P01" or attempt == 5:
                    raise
                logging.getLogger(__name__).warning("test flush deadlocked; again", extra={"attempt": attempt})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(scope="session", autouse=True)
def _sends_on_the_database_thread():
    """In-process requests send on the database thread, which under a test is the test's own:
    a write thread's connection would not see the test's open transaction. The servers the
    end-to-end tests start send on their write threads, as served (schema.threads)."""
    from django.conf import settings

    settings.PARLEY["DB_WRITE_THREADS"] = 0


@pytest.fixture(scope="session", autouse=True)
def _no_presence_from_earlier_runs():
    # User ids start again in a new test database: what an earlier run's processes recorded
    # in the run's Redis would otherwise be reaped as these users' presence.
    from chat.presence import presence_clear

    asyncio.run(presence_clear())


@pytest.fixture(scope="session", autouse=True)
def _close_connections_of_async_tests(django_db_setup, django_db_blocker):
    yield
    # Async tests reach the ORM through asgiref's one sync thread; its connection outlives
    # them and would keep PostgreSQL from dropping the test database.
    with django_db_blocker.unblock():
        asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _no_remembered_tokens():
    # Each test starts as a fresh process would: no token verified, no user row kept.
    from chat.services.auth import access_tokens

    access_tokens().clear()
