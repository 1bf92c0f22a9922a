"""DeliveryStamps against the real database: stamps asked for while an UPDATE runs are
written together by the next one, and each has committed before its stamp() returns."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async

from chat import feed
from chat.models import Message
from tests.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def updates(monkeypatch):
    """The real UPDATE, recorded, with the first one held until `release` is set."""
    calls: list[list[int]] = []
    release = threading.Event()
    real = feed.messages_stamp_delivered

    def recorded(*, messages):
        calls.append(sorted(m.pk for m in messages))
        if len(calls) == 1:
            release.wait(5)
        return real(messages=messages)

    monkeypatch.setattr(feed, "messages_stamp_delivered", recorded)
    return calls, release


def _messages(n: int) -> list[Message]:
    room = RoomFactory()
    return [MessageFactory(room=room, sender=room.vendor) for _ in range(n)]


async def _stamped(pks) -> int:
    return await sync_to_async(Message.objects.filter(pk__in=pks, delivered_at__isnull=False).count)()


async def test_stamps_waiting_behind_a_running_update_share_the_next_one(updates):
    calls, release = updates
    first, *others = await sync_to_async(_messages)(4)
    stamps = feed.DeliveryStamps()
    running = asyncio.create_task(stamps.stamp([first]))
    while not calls:  # the first UPDATE is under way, and held
        await asyncio.sleep(0.01)
    waiting = [asyncio.create_task(stamps.stamp([m])) for m in others]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in waiting)
    release.set()
    await asyncio.wait_for(asyncio.gather(running, *waiting), 5)
    assert calls == [[first.pk], sorted(m.pk for m in others)]
    assert await _stamped([m.pk for m in (first, *others)]) == 4
    assert all(m.delivered_at is not None for m in (first, *others))


async def test_a_failed_update_fails_every_stamp_that_waited_for_it(monkeypatch):
    messages = await sync_to_async(_messages)(2)

    def down(*, messages):
        raise RuntimeError("injected: database down")

    monkeypatch.setattr(feed, "messages_stamp_delivered", down)
    stamps = feed.DeliveryStamps()
    results = await asyncio.gather(*(stamps.stamp([m]) for m in messages), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
    assert await _stamped([m.pk for m in messages]) == 0
