"""Cancellation that is not lost.

On Python 3.11, `asyncio.wait_for` loses a cancellation that arrives in the same turn of the
loop as the operation it waits for completes: it returns the result and the task carries on
as if never cancelled (CPython gh-86296; 3.12 rebuilt wait_for on `asyncio.timeout`, which
does not). redis-py wraps the write of every command in `wait_for` whenever a socket timeout
is set, and Parley sets one on every Redis connection, so a task cancelled just as it sends
a command to Redis goes on running. Seen here: the room hub's reader, cancelled while it
sent BZPOPMIN, kept receiving, and the subscription that was closing it waited on it forever
(10 of 1,500 hub stops against a real Redis; a CI run failed on it).

Parley's own code therefore never uses `wait_for` (`asyncio.timeout` instead), and:
- `cancel_and_wait` repeats the request until the task has finished, for a task we own;
- `raise_if_cancel_lost` lets a long wait refuse to start in a task whose cancellation was
  lost, so a subscription closed by the transport ends at its next wait.
"""

import asyncio

# How long a cancelled task may take to finish before it is asked again. Only a lost
# cancellation waits this long; any other ends on the first request.
ASK_AGAIN_SECONDS = 0.1


async def cancel_and_wait(task: asyncio.Future) -> None:
    """Cancel `task` and return once it has finished, however it finishes. A cancellation of
    the caller itself still propagates."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=ASK_AGAIN_SECONDS)
    if not task.cancelled():
        task.exception()  # retrieved: a task that failed as it was cancelled is not reported twice


def raise_if_cancel_lost() -> None:
    """Raise CancelledError in a task that was asked to cancel and carried on: a cancellation
    that was handled (a timeout's, say) has been withdrawn with `uncancel()`, and one that is
    being delivered would have been raised at the await that got it."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError("a cancellation lost by asyncio.wait_for (CPython gh-86296)")
