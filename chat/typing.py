"""Typing indicators: never stored, never replayed. The typist's calls are throttled per user
and room (in Redis when configured, so every process shares the budget), and each subscriber's
process turns a typist's silence into `typing: false` itself: after the lapse, or at once when
a message from the typist arrives. No timer runs anywhere unless someone is typing."""

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator

import redis
from django.conf import settings
from redis.commands.core import Script

from chat.cancellation import cancel_and_wait
from chat.feed import FeedItem, MessageItem, TypingItem
from chat.models import User

logger = logging.getLogger(__name__)

KEY_PREFIX = "parley:typing:"
# A window admits at most this many broadcasts per user and room (true, false, true), and never
# the same value twice: a loop of setTyping calls costs one broadcast per window.
CHANGES_PER_WINDOW = 3

# KEYS[1]: the user's key for the room. ARGV: value ("1"/"0"), window (ms), changes per window.
# Returns 1 when the call is to be broadcast.
THROTTLE = """
local v = redis.call('HGET', KEYS[1], 'v')
if v == ARGV[1] then return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1])
return 1
"""


class _LocalThrottle:
    """The throttle in this process: the embedded default, and whenever Redis fails."""

    def __init__(self) -> None:
        self._windows: dict[tuple[int, int], tuple[float, str, int]] = {}
        self._lock = threading.Lock()

    def admitted(self, key: tuple[int, int], value: str, window: float) -> bool | None:
        """None: nothing known (no window open); else whether the call would be throttled."""
        with self._lock:
            entry = self._windows.get(key)
            if entry is None or entry[0] <= time.monotonic():
                return None
            return entry[1] == value

    def take(self, key: tuple[int, int], value: str, window: float) -> bool:
        with self._lock:
            now = time.monotonic()
            ends, last, changes = self._windows.get(key, (0.0, "", 0))
            if ends <= now:
                ends, last, changes = now + window, "", 0
            if last == value or changes >= CHANGES_PER_WINDOW:
                self._windows[key] = (ends, last, changes)
                return False
            self._windows[key] = (ends, value, changes + 1)
            if len(self._windows) > 100_000:
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            return True

    def forget(self, key: tuple[int, int]) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


_local = _LocalThrottle()
_redis_client: redis.Redis | None = None
_throttle: Script | None = None


def _redis() -> redis.Redis | None:
    global _redis_client, _throttle
    if settings.REDIS_URL is None:
        return None
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.25, socket_connect_timeout=0.25)
        _throttle = _redis_client.register_script(THROTTLE)
    return _redis_client


def _key(user_id: int, room_id: int) -> str:
    return f"{KEY_PREFIX}{user_id}:{room_id}"


def typing_throttled(*, user_id: int, room_id: int, typing: bool) -> bool:
    """True when this call repeats the value already broadcast in the current window. Such a
    window is only ever opened after the caller was checked as a participant of the room, so
    a repeat needs no database read at all."""
    value, window = "1" if typing else "0", settings.PARLEY["TYPING_THROTTLE_SECONDS"]
    client = _redis()
    if client is not None:
        try:
            return client.hget(_key(user_id, room_id), "v") == value.encode()
        except redis.RedisError as error:
            logger.warning("typing throttle falls back to this process", extra={"error": repr(error)})
    return bool(_local.admitted((user_id, room_id), value, window))


def typing_throttle_take(*, user_id: int, room_id: int, typing: bool) -> bool:
    """Whether this call is to be broadcast, counted against the user's window for the room."""
    value, window = "1" if typing else "0", settings.PARLEY["TYPING_THROTTLE_SECONDS"]
    client = _redis()
    if client is not None:
        try:
            assert _throttle is not None  # registered with the client
            args: list[str | int] = [value, int(window * 1000), CHANGES_PER_WINDOW]
            return bool(_throttle(keys=[_key(user_id, room_id)], args=args, client=client))
        except redis.RedisError as error:
            logger.warning("typing throttle falls back to this process", extra={"error": repr(error)})
    return _local.take((user_id, room_id), value, window)


def typing_throttles_forget(*, room_id: int, user_ids: list[int]) -> None:
    """Close these users' windows for the room: their next setTyping is checked against the
    database again (a block must refuse it at once, not after the window)."""
    for user_id in user_ids:
        _local.forget((user_id, room_id))
    if (client := _redis()) is not None:
        try:
            client.delete(*[_key(user_id, room_id) for user_id in user_ids])
        except redis.RedisError as error:
            logger.warning("typing throttle not forgotten", extra={"room_id": room_id, "error": repr(error)})


def typing_throttles_clear() -> None:
    """Forget every window (tests start afresh)."""
    _local.clear()
    if (client := _redis()) is not None:
        try:
            for key in client.scan_iter(f"{KEY_PREFIX}*"):
                client.delete(key)
        except redis.RedisError:
            pass


async def typing_lapses(
    items: AsyncGenerator[FeedItem, None], *, lapse: float | None = None
) -> AsyncIterator[FeedItem]:
    """A subscription's feed items, with `typing: false` added for a typist who renewed nothing
    for `lapse` seconds or whose message arrived, and a `typing: false` dropped when the typist
    was not shown typing. While nobody types, items pass straight through: no timer, no task."""
    lapse = settings.PARLEY["TYPING_LAPSE_SECONDS"] if lapse is None else lapse
    loop = asyncio.get_running_loop()
    typists: dict[int, tuple[float, User]] = {}
    pending: asyncio.Future | None = None
    try:
        while True:
            try:
                if not typists:
                    item = await pending if pending is not None else await anext(items)
                    pending = None
                else:
                    if pending is None:
                        pending = asyncio.ensure_future(anext(items))
                    soonest = min(deadline for deadline, _ in typists.values())
                    done, _ = await asyncio.wait({pending}, timeout=max(0.0, soonest - loop.time()))
                    if not done:
                        for user_id, (deadline, user) in list(typists.items()):
                            if deadline <= loop.time():
                                del typists[user_id]
                                yield TypingItem(user, False)
                        continue
                    item, pending = pending.result(), None
            except StopAsyncIteration:
                return
            if isinstance(item, TypingItem):
                if item.typing:
                    typists[item.user.pk] = (loop.time() + lapse, item.user)
                elif typists.pop(item.user.pk, None) is None:
                    continue
                yield item
                continue
            yield item
            if isinstance(item, MessageItem) and item.message.sender_id in typists:
                # Sending a message ends typing: no broadcast needed, the message itself says it.
                _, user = typists.pop(item.message.sender_id)
                yield TypingItem(user, False)
    finally:
        if pending is not None:
            await cancel_and_wait(pending)
        with contextlib.suppress(RuntimeError):
            await items.aclose()
