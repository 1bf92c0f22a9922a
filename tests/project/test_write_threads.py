"""schema.threads: a send's database work on a write thread of its own when the process has
them (PostgreSQL), on the database thread when not, and a connection that a database error
broke is closed on its own thread."""

import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connection

from schema import threads

pytestmark = pytest.mark.django_db(transaction=True)


def _where() -> str:
    return threading.current_thread().name


async def test_a_send_runs_on_a_write_thread_when_the_process_has_them(settings):
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 2}
    assert (await threads.write(_where)).startswith("parley-db-write")


async def test_without_write_threads_a_send_runs_on_the_database_thread(settings):
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 0}
    assert not (await threads.write(_where)).startswith("parley-db-write")


def _connect_then_fail() -> None:
    connection.ensure_connection()
    # What a database restart makes of the next statement; PostgreSQL cannot be asked to
    # break one connection of a pool thread, so the error is raised here.
    raise OperationalError("server closed the connection unexpectedly")


def _open() -> bool:
    return connection.connection is not None


def _connect() -> None:
    connection.ensure_connection()  # looked up on the thread: that thread's connection


async def test_a_database_error_closes_that_threads_connection(settings):
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 1}  # one thread: the next call is on it
    with pytest.raises(OperationalError):
        await threads.write(_connect_then_fail)
    assert await threads.write(_open) is False
    await threads.write(_connect)
    assert await threads.write(_open) is True


async def test_a_failure_seen_elsewhere_renews_a_write_threads_connection_before_its_next_send(settings):
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 1}
    await threads.write(_connect)
    assert await threads.write(_open) is True
    threads.generations.failed()  # as when another thread met its broken connection
    assert await threads.write(_open) is False
    await threads.write(_connect)
    assert await threads.write(_open) is True  # once renewed, kept


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


async def test_a_send_whose_kept_connection_died_while_idle_runs_again_on_a_new_one(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a backend to terminate needs PostgreSQL (the services run)")
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 1}
    before = await threads.write(_backend)
    await sync_to_async(_terminate)(before)  # what a restart does to every kept connection
    after = await threads.write(_backend)
    assert after != before


async def test_a_send_that_failed_after_a_statement_is_not_run_again(settings):
    settings.PARLEY = {**settings.PARLEY, "DB_WRITE_THREADS": 1}
    await threads.write(_connect)
    runs = []

    def read_then_fail() -> None:
        runs.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        raise OperationalError("the connection was lost after the first statement")

    with pytest.raises(OperationalError):
        await threads.write(read_then_fail)
    assert runs == [1]
