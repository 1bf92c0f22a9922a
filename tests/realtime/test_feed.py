"""RoomFeed against the real channel layer and database: a live event that follows the newest
message yielded is used as it came; one that shows a gap makes the feed read what is missing."""

import asyncio
import contextlib

import pytest
from asgiref.sync import sync_to_async
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext

from chat import feed, realtime, selectors
from chat.services.messages import message_send
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def _subscribed(room, user):
    """A feed that has joined the room's group: it replayed the room's first message."""
    first = await sync_to_async(message_send)(room=room, sender=room.vendor, text="before")
    items = feed.RoomFeed(room=room, user=user).items(after=feed.NOTHING_YET)
    replayed = await asyncio.wait_for(anext(items), 5)
    assert replayed.message.pk == first.pk
    return items


async def _texts(items, n: int) -> list[str]:
    return [(await asyncio.wait_for(anext(items), 5)).message.text for _ in range(n)]


@pytest.fixture
def reads(monkeypatch):
    """Counts the feed's reads of history (the real selector runs)."""
    calls = []
    real = selectors.messages_after

    def counted(**kwargs):
        calls.append(kwargs["cursor"])
        return real(**kwargs)

    monkeypatch.setattr(selectors, "messages_after", counted)
    return calls


@contextlib.asynccontextmanager
async def _statements():
    """The SQL run meanwhile on Django's database thread, where every read of the feed runs."""
    database = await sync_to_async(lambda: connections["default"])()
    captured = CaptureQueriesContext(database)
    await sync_to_async(captured.__enter__)()
    try:
        yield captured
    finally:
        await sync_to_async(captured.__exit__)(None, None, None)


async def test_live_messages_in_line_are_yielded_without_reading_the_database(settings):
    # Reconciliation's periodic read of room heads would fall in the window by chance only.
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_SECONDS": 3600.0}
    room = await sync_to_async(RoomFactory)()
    items = await _subscribed(room, room.organizer)
    for text in ("one", "two", "three"):
        await sync_to_async(message_send)(room=room, sender=room.vendor, text=text)
    async with _statements() as statements:
        assert await _texts(items, 3) == ["one", "two", "three"]
    written = [q["sql"] for q in statements.captured_queries]
    # The feed's own statements are seen (its deliveredAt stamps), and they are all there is.
    assert written
    assert [sql for sql in written if not sql.startswith('UPDATE "chat_message" SET "delivered_at"')] == []
    await items.aclose()


async def test_a_lost_event_is_noticed_at_the_next_one_and_read_from_history(reads, monkeypatch):
    room = await sync_to_async(RoomFactory)()
    items = await _subscribed(room, room.organizer)
    reads_after_replay = len(reads)
    broadcast = realtime.broadcast
    # Fault injection: the layer drops the first event, as an overloaded one may.
    dropped = []
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: dropped.append(event) or True)
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="lost event")
    monkeypatch.setattr(realtime, "broadcast", broadcast)
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="next")
    assert await _texts(items, 2) == ["lost event", "next"]
    assert len(dropped) == 1
    assert len(reads) == reads_after_replay + 1  # one read, from the newest message yielded
    await items.aclose()


async def test_an_event_repeated_or_overtaken_yields_each_message_once_in_order(monkeypatch):
    room = await sync_to_async(RoomFactory)()
    items = await _subscribed(room, room.organizer)
    held = []
    broadcast = realtime.broadcast
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: held.append((room_id, event)) or True)
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="a")
    await sync_to_async(message_send)(room=room, sender=room.organizer, text="b")
    # The second commit's event overtakes the first, then the first arrives twice.
    for room_id, event in (held[1], held[0], held[0]):
        await sync_to_async(broadcast)(room_id, event)
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="c")
    assert await _texts(items, 3) == ["a", "b", "c"]
    await items.aclose()


async def test_a_read_during_a_database_outage_waits_for_the_database_and_goes_on(monkeypatch, caplog):
    room = await sync_to_async(RoomFactory)()
    items = await _subscribed(room, room.organizer)
    monkeypatch.setattr(feed, "DATABASE_RETRY_SECONDS", (0.01,))
    real = selectors.messages_after
    failures = []

    def down_for_a_while(**kwargs):
        # Fault injection: four failed reads. The first is retried at once on a new connection
        # (a restart leaves the old one dead) and not logged; the other three back off, logged.
        if len(failures) < 4:
            failures.append(kwargs["cursor"])
            raise OperationalError("injected: the database is restarting")
        return real(**kwargs)

    monkeypatch.setattr(selectors, "messages_after", down_for_a_while)
    broadcast = realtime.broadcast
    monkeypatch.setattr(realtime, "broadcast", lambda room_id, event, **_: True)  # lost: the feed must read
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="missed")
    monkeypatch.setattr(realtime, "broadcast", broadcast)
    await sync_to_async(message_send)(room=room, sender=room.vendor, text="next")
    assert await _texts(items, 2) == ["missed", "next"]
    assert len(failures) == 4
    logged = [r.attempt for r in caplog.records if r.getMessage() == "database unavailable to a subscription"]
    assert logged == [1, 2, 3]
    await items.aclose()
