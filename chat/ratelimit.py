"""The send budget of each user: a burst, then a steady rate (GCRA, the token bucket's exact
twin). Kept in Redis when configured, so every server process draws on one budget; kept in
this process otherwise, and whenever Redis fails: a broken Redis never blocks sending."""

import logging
import threading
import time

import redis
from django.conf import settings
from redis.commands.core import Script

from chat.errors import RateLimited

logger = logging.getLogger(__name__)

KEY_PREFIX = "parley:send-budget:"

# KEYS[1]: the user's key. ARGV: interval between sends (s), burst tolerance (s).
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


def _limits() -> tuple[float, float] | None:
    rate, burst = settings.PARLEY["SEND_RATE_PER_SECOND"], settings.PARLEY["SEND_BURST"]
    if rate <= 0:
        return None
    interval = 1.0 / rate
    return interval, interval * (burst - 1)


class _LocalBudgets:
    def __init__(self) -> None:
        self._tat: dict[int, float] = {}
        self._lock = threading.Lock()

    def wait(self, user_id: int, interval: float, tolerance: float) -> float:
        with self._lock:
            now = time.monotonic()
            tat = max(self._tat.get(user_id, now), now)
            wait = tat - tolerance - now
            if wait <= 0:
                self._tat[user_id] = tat + interval
            if len(self._tat) > 100_000:
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            return max(wait, 0.0)

    def clear(self) -> None:
        with self._lock:
            self._tat.clear()


_local = _LocalBudgets()
_redis_client: redis.Redis | None = None
_gcra: Script | None = None


def _redis() -> redis.Redis | None:
    global _redis_client, _gcra
    if settings.REDIS_URL is None:
        return None
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.25, socket_connect_timeout=0.25)
        # EVALSHA: the script's digest travels with each call, not its text (a restarted
        # Redis that forgot the script is sent the text once more).
        _gcra = _redis_client.register_script(GCRA)
    return _redis_client


def send_budget_take(*, user_id: int) -> None:
    """Take one send from the user's budget, or raise RateLimited with the wait."""
    limits = _limits()
    if limits is None:
        return
    interval, tolerance = limits
    client = _redis()
    wait = None
    if client is not None and _gcra is not None:
        try:
            wait = float(_gcra(keys=[f"{KEY_PREFIX}{user_id}"], args=[interval, tolerance], client=client))
        except redis.RedisError as error:
            logger.warning("send budget falls back to this process", extra={"error": repr(error)})
    if wait is None:
        wait = _local.wait(user_id, interval, tolerance)
    if wait > 0:
        raise RateLimited(f"Too many messages; try again in {wait:.1f} s.", retry_after=wait)


def send_budgets_clear() -> None:
    """Forget every budget (tests start from a full budget)."""
    _local.clear()
    if (client := _redis()) is not None:
        try:
            for key in client.scan_iter(f"{KEY_PREFIX}*"):
                client.delete(key)
        except redis.RedisError:
            pass
