"""A cancellation lost on Python 3.11 (CPython gh-86296: asyncio.wait_for returns the result
of an operation that completes in the same turn as the cancel) does not leave a task running
forever. redis-py puts every command's write in wait_for; here the loss is produced on
purpose, with wait_for itself or with a layer that carries on after a cancel, instead of
waiting for the one cancel in a hundred that meets a Redis write."""

import asyncio
import contextlib

import pytest

from chat.cancellation import cancel_and_wait
from chat.realtime import InProcessChannelLayer, RoomHub, RoomListener

# Only a lost cancellation can make a test wait this long; it fails instead of hanging.
BOUND_SECONDS = 5


async def _ended(task: asyncio.Task) -> None:
    """Waits for `task` without ever cancelling it (a timeout around `await task` would cancel
    it once more, and so end it however it was written)."""
    await asyncio.wait({task}, timeout=BOUND_SECONDS)
    assert task.done(), "still running: its cancellation was lost"


async def _cancel_lost_by_wait_for(then):
    """A task that is cancelled the moment its wait_for's operation completes, as a task sending
    a command to Redis can be, and then does `then()`."""
    written = asyncio.get_running_loop().create_future()

    async def sending():
        await asyncio.wait_for(written, 5)
        return await then()

    task = asyncio.create_task(sending())
    await asyncio.sleep(0)  # the task waits in wait_for
    written.set_result(None)
    task.cancel()  # the same turn: wait_for returns instead of raising
    return task


async def test_a_task_that_carries_on_after_a_lost_cancellation_is_asked_again_until_it_ends():
    carried_on = asyncio.Event()

    async def then():
        carried_on.set()
        await asyncio.Event().wait()  # would wait forever

    task = await _cancel_lost_by_wait_for(then)
    await asyncio.wait_for(carried_on.wait(), BOUND_SECONDS)  # the loss happened: `await task` would hang
    await _ended(asyncio.create_task(cancel_and_wait(task)))
    assert task.cancelled()


async def test_cancel_and_wait_takes_a_task_that_fails_as_it_ends_and_still_lets_its_caller_be_cancelled():
    async def failing():
        try:
            await asyncio.Event().wait()
        finally:
            raise ValueError("cleanup failed")

    task = asyncio.create_task(failing())
    await asyncio.sleep(0)
    await cancel_and_wait(task)
    assert isinstance(task.exception(), ValueError)

    released = asyncio.Event()

    async def stubborn():
        while not released.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await released.wait()

    refusing = asyncio.create_task(stubborn())
    waiting = asyncio.create_task(cancel_and_wait(refusing))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    released.set()
    await refusing


async def test_a_subscription_whose_cancellation_was_lost_ends_at_its_next_wait():
    hub = RoomHub(InProcessChannelLayer(capacity=10))
    listener = RoomListener(7, hub=hub)
    await hub.subscribe(listener)
    task = await _cancel_lost_by_wait_for(listener.next)
    await _ended(task)
    assert task.cancelled()
    await hub.unsubscribe(listener)


class CarryingOnLayer(InProcessChannelLayer):
    """The embedded layer, whose receive carries on once after a cancel: what the Redis layer
    does when the cancel meets the write of its BZPOPMIN."""

    def __init__(self) -> None:
        super().__init__(capacity=10)
        self.carried_on = 0

    async def receive(self, channel):
        try:
            return await super().receive(channel)
        except asyncio.CancelledError:
            if self.carried_on:
                raise
            self.carried_on += 1
            return await super().receive(channel)


async def test_the_last_subscription_leaving_stops_a_reader_whose_cancellation_was_lost():
    layer = CarryingOnLayer()
    hub = RoomHub(layer)
    listener = RoomListener(7, hub=hub)
    await hub.subscribe(listener)
    reader = hub._reader
    await asyncio.sleep(0)  # the reader waits in receive
    await _ended(asyncio.create_task(hub.unsubscribe(listener)))
    assert layer.carried_on == 1 and reader.done()
