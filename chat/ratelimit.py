"""Budgets: how often one user (or one client address) may do one thing. A budget is a burst,
then a steady rate (GCRA, the token bucket's exact twin); a failure window counts failures
for a while (sign-in attempts). Kept in Redis when configured, so every server process draws
on one budget; kept in this process otherwise, and whenever Redis fails: a broken Redis
never blocks anyone."""

import contextlib
import hashlib
import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from redis.commands.core import Script

from chat.errors import RateLimited

logger = logging.getLogger(__name__)

KEY_PREFIX = "parley:budget:"
WINDOW_PREFIX = "parley:window:"

# KEYS[1]: the budget's key. ARGV: interval between uses (s), burst tolerance (s).
# Returns 0 when allowed, else the seconds to wait. Redis's own clock, so that processes on
# machines with skewed clocks share one budget fairly.
GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = tat - tolerance - now
if wait > 0 then return tostring(wait) end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil((tolerance + interval) * 1000))
return '0'
"""

# KEYS[1]: the window's key. ARGV[1]: the window (ms). Counts one more; the window starts
# with the first. Returns {count, ms left}.
WINDOW_ADD = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {n, left}
"""


@dataclass(frozen=True)
class Budget:
    """`burst` uses at once, then one every 1/`per_second` seconds; `per_second` 0: no limit."""

    name: str
    burst: int
    per_second: float


class _Local:
    def __init__(self) -> None:
        self._tat: dict[str, float] = {}
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, interval: float, tolerance: float) -> float:
        with self._lock:
            now = time.monotonic()
            tat = max(self._tat.get(key, now), now)
            wait = tat - tolerance - now
            if wait <= 0:
                self._tat[key] = tat + interval
            if len(self._tat) > 100_000:
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            return max(wait, 0.0)

    def window(self, key: str, *, add: bool, seconds: float) -> tuple[int, float]:
        with self._lock:
            now = time.monotonic()
            count, ends = self._windows.get(key, (0, now + seconds))
            if ends <= now:
                count, ends = 0, now + seconds
            if add:
                count += 1
                self._windows[key] = (count, ends)
                if len(self._windows) > 100_000:
                    self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
            return count, max(ends - now, 0.0)

    def forget(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)
            self._tat.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._tat.clear()
            self._windows.clear()


_local = _Local()
_redis_client: redis.Redis | None = None
_scripts: dict[str, Script] = {}


def _redis() -> redis.Redis | None:
    global _redis_client
    if settings.REDIS_URL is None:
        return None
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.25, socket_connect_timeout=0.25)
        # EVALSHA: the script's digest travels with each call, not its text (a restarted
        # Redis that forgot the script is sent the text once more).
        _scripts["gcra"] = _redis_client.register_script(GCRA)
        _scripts["window_add"] = _redis_client.register_script(WINDOW_ADD)
    return _redis_client


def _key(key: str | int) -> str:
    # A client-supplied key (a username) is hashed: fixed length, no odd bytes in Redis.
    if isinstance(key, int) or (len(key) <= 64 and key.isalnum()):
        return str(key)
    return hashlib.sha256(key.encode()).hexdigest()


def budget_wait(budget: Budget, key: str | int) -> float:
    """Take one use of `key`'s budget; the seconds to wait instead (nothing taken) when spent."""
    if budget.per_second <= 0:
        return 0.0
    interval = 1.0 / budget.per_second
    tolerance = interval * (budget.burst - 1)
    name = f"{budget.name}:{_key(key)}"
    if (client := _redis()) is not None:
        try:
            return float(_scripts["gcra"](keys=[KEY_PREFIX + name], args=[interval, tolerance], client=client))
        except redis.RedisError as error:
            logger.warning("budget falls back to this process", extra={"budget": budget.name, "error": repr(error)})
    return _local.wait(name, interval, tolerance)


def budget_take(budget: Budget, key: str | int, *, what: str) -> None:
    """Take one use, or raise RateLimited saying `what` was done too often, with the wait."""
    wait = budget_wait(budget, key)
    if wait > 0:
        raise RateLimited(f"Too many {what}; try again in {max(wait, 0.1):.1f} s.", retry_after=wait)


def window_count(name: str, key: str, *, seconds: float, add: bool = False) -> tuple[int, float]:
    """How many times `key` was counted in its current window (one more when `add`), and the
    seconds until that window ends."""
    full = f"{name}:{_key(key)}"
    if (client := _redis()) is not None:
        try:
            if add:
                count, left = _scripts["window_add"](
                    keys=[WINDOW_PREFIX + full], args=[int(seconds * 1000)], client=client
                )
                return int(count), int(left) / 1000
            pipeline = client.pipeline()
            pipeline.get(WINDOW_PREFIX + full)
            pipeline.pttl(WINDOW_PREFIX + full)
            count, left = pipeline.execute()
            return int(count or 0), max(int(left), 0) / 1000
        except redis.RedisError as error:
            logger.warning("window falls back to this process", extra={"window": name, "error": repr(error)})
    return _local.window(full, add=add, seconds=seconds)


def window_forget(name: str, key: str) -> None:
    full = f"{name}:{_key(key)}"
    _local.forget(full)
    if (client := _redis()) is not None:
        with contextlib.suppress(redis.RedisError):
            client.delete(WINDOW_PREFIX + full)


def send_budget() -> Budget:
    return Budget("send", settings.PARLEY["SEND_BURST"], settings.PARLEY["SEND_RATE_PER_SECOND"])


def send_budget_take(*, user_id: int) -> None:
    """Take one send (a message or a bid) from the user's budget, or raise RateLimited with the wait."""
    budget_take(send_budget(), user_id, what="messages")


def upload_budget_take(*, user_id: int) -> None:
    limits = settings.PARLEY
    budget_take(Budget("upload", limits["UPLOAD_BURST"], limits["UPLOAD_RATE_PER_SECOND"]), user_id, what="uploads")


def room_budget_take(*, user_id: int) -> None:
    """ensureRoom and createRoom together (each also tells whether a user exists)."""
    limits = settings.PARLEY
    budget = Budget("room", limits["ROOM_BURST"], limits["ROOM_RATE_PER_SECOND"])
    budget_take(budget, user_id, what="rooms opened")


def bid_update_budget_take(*, user_id: int) -> None:
    limits = settings.PARLEY
    budget = Budget("bid-update", limits["BID_UPDATE_BURST"], limits["BID_UPDATE_RATE_PER_SECOND"])
    budget_take(budget, user_id, what="bid changes")


def mark_read_budget_take(*, user_id: int) -> None:
    limits = settings.PARLEY
    budget = Budget("mark-read", limits["MARK_READ_BURST"], limits["MARK_READ_RATE_PER_SECOND"])
    budget_take(budget, user_id, what="read receipts")


def block_budget_take(*, user_id: int) -> None:
    """blockUser and unblockUser together."""
    limits = settings.PARLEY
    budget = Budget("block", limits["BLOCK_BURST"], limits["BLOCK_RATE_PER_SECOND"])
    budget_take(budget, user_id, what="blocks and unblocks")


def budgets_clear() -> None:
    """Forget every budget and window (tests start from full budgets)."""
    _local.clear()
    if (client := _redis()) is not None:
        try:
            for prefix in (KEY_PREFIX, WINDOW_PREFIX):
                for key in client.scan_iter(f"{prefix}*"):
                    client.delete(key)
        except redis.RedisError:
            pass
