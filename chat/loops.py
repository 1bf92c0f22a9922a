"""One object per running event loop: what a process keeps for all of its subscriptions (the
room hub, the delivery stamps, the announcer) belongs to the loop that serves them, and a test
that runs each case on a loop of its own gets fresh ones."""

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    """`get()` gives the running loop's object, made by `make` on first use, and made again
    when `current` says the one held no longer fits (for example, the channel layer changed)."""

    def __init__(self, make: Callable[[], T], *, current: Callable[[T], bool] = lambda _: True) -> None:
        self._make = make
        self._current = current
        self._objects: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        held = self._objects.get(loop)
        if held is None or not self._current(held):
            held = self._objects[loop] = self._make()
        return held

    def peek(self) -> T | None:
        """The running loop's object if it has one, without making it."""
        try:
            return self._objects.get(asyncio.get_running_loop())
        except RuntimeError:
            return None
