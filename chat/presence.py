"""Who is online: a user holding at least one authenticated socket on any server process.

Each process counts its own sockets per user (PresenceTracker). With Redis, a process records
the users it holds under its own id and beats every few seconds; a user is online while some
process whose beat is fresh holds them. A process that dies without a word (SIGKILL) stops
beating: at once its records stop counting for every reader, and the next beat of any other
process reaps them, stamps lastSeenAt with the dead process's last beat and tells the rooms.
Embedded (no Redis) the process is the only one and its counts are the truth.

A user's last socket closing starts a grace period; a reconnect within it, to any process,
changes nothing anyone sees (no flap). Only a change from offline to online or back is
published: one PresenceEvent to each of the user's rooms.
"""

import asyncio
import contextlib
import logging
import uuid
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from chat import realtime
from chat.models import User

logger = logging.getLogger(__name__)

KEY_PREFIX = "parley:presence:"
PROCESSES = f"{KEY_PREFIX}processes"  # sorted set: process id -> its last beat (Redis clock)
REAP_BATCH = 20

# Whether a user (KEYS[1]: the set of processes holding them) is held by a live process other
# than ARGV[1]; ARGV[2]: the beat expiry in seconds. Shared by the scripts below.
_LIVE = """
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function held_elsewhere(user_key, me, oldest)
  for _, process in ipairs(redis.call('SMEMBERS', user_key)) do
    if process ~= me then
      local beat = redis.call('ZSCORE', KEYS[1], process)
      if beat and tonumber(beat) >= oldest then return true end
    end
  end
  return false
end
"""
# KEYS: processes, the user's set, this process's set. ARGV: process id, user id, expiry.
# Returns 1 when the user was offline for everyone until now.
JOIN = (
    _LIVE
    + """
local t = now()
local elsewhere = held_elsewhere(KEYS[2], ARGV[1], t - tonumber(ARGV[3]))
local already = redis.call('SADD', KEYS[2], ARGV[1]) == 0
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[1], t, ARGV[1])
if elsewhere or already then return 0 end
return 1
"""
)
# Same KEYS and ARGV. Returns 1 when the user is now offline for everyone.
LEAVE = (
    _LIVE
    + """
local t = now()
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
if held_elsewhere(KEYS[2], ARGV[1], t - tonumber(ARGV[3])) then return 0 end
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[2]) end
return 1
"""
)
# KEYS[1]: processes. ARGV: process id, expiry, key prefix, reap batch.
# Returns {1 if this process was known, {user, last beat, user, last beat, ...}}: the users
# that processes which stopped beating held, now offline for everyone.
BEAT = (
    _LIVE
    + """
local t = now()
local known = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], t, ARGV[1])
local oldest = t - tonumber(ARGV[2])
local reaped = {}
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. oldest, 'LIMIT', 0, tonumber(ARGV[4]))) do
  local beat = redis.call('ZSCORE', KEYS[1], dead)
  redis.call('ZREM', KEYS[1], dead)
  local held = ARGV[3] .. 'process:' .. dead
  for _, user in ipairs(redis.call('SMEMBERS', held)) do
    local user_key = ARGV[3] .. 'user:' .. user
    redis.call('SREM', user_key, dead)
    if not held_elsewhere(user_key, '', oldest) then
      table.insert(reaped, user)
      table.insert(reaped, beat)
    end
  end
  redis.call('DEL', held)
end
return {known and 1 or 0, reaped}
"""
)
# KEYS[1]: processes. ARGV: expiry, key prefix, user ids... Returns 1 or 0 per user.
STATUS = (
    _LIVE
    + """
local oldest = now() - tonumber(ARGV[1])
local online = {}
for i = 3, #ARGV do
  online[#online + 1] = held_elsewhere(ARGV[2] .. 'user:' .. ARGV[i], '', oldest) and 1 or 0
end
return online
"""
)


@dataclass(frozen=True)
class Presence:
    online: bool
    last_seen_at: datetime | None


HIDDEN = Presence(False, None)


def presence_user(user: User, event: dict) -> User:
    """A copy of `user` carrying the presence a presence event announced (`presence_now`)."""
    last_seen_at = None if event["last_seen_at"] is None else datetime.fromisoformat(event["last_seen_at"])
    copy = User(pk=user.pk, username=user.username, role=user.role, last_seen_at=last_seen_at)
    copy.presence_now = Presence(event["online"], None if event["online"] else last_seen_at)
    return copy


class LocalStore:
    """The embedded default: this process is the only one, so its own counts decide."""

    heartbeat = False
    _held: dict[int, int] = {}  # user id -> trackers holding them (one per event loop)

    async def join(self, user_id: int) -> bool:
        self._held[user_id] = self._held.get(user_id, 0) + 1
        return self._held[user_id] == 1

    async def leave(self, user_id: int) -> bool:
        held = self._held.get(user_id, 0)
        if held <= 1:
            self._held.pop(user_id, None)
            return held == 1
        self._held[user_id] = held - 1
        return False

    async def online_of(self, user_ids: list[int]) -> set[int]:
        return {pk for pk in user_ids if self._held.get(pk)}

    async def beat(self) -> tuple[bool, list[tuple[int, datetime]]]:
        return True, []


class RedisStore:
    """Presence shared by every process through Redis (see the module docstring)."""

    heartbeat = True

    def __init__(self, url: str) -> None:
        self.process = uuid.uuid4().hex
        self.client = aioredis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._join, self._leave = self.client.register_script(JOIN), self.client.register_script(LEAVE)
        self._beat, self._status = self.client.register_script(BEAT), self.client.register_script(STATUS)

    def _keys(self, user_id: int) -> list[str]:
        return [PROCESSES, f"{KEY_PREFIX}user:{user_id}", f"{KEY_PREFIX}process:{self.process}"]

    @staticmethod
    def _expiry() -> float:
        return settings.PARLEY["PRESENCE_EXPIRY_SECONDS"]

    async def join(self, user_id: int) -> bool:
        return bool(await self._join(keys=self._keys(user_id), args=[self.process, user_id, self._expiry()]))

    async def leave(self, user_id: int) -> bool:
        return bool(await self._leave(keys=self._keys(user_id), args=[self.process, user_id, self._expiry()]))

    async def online_of(self, user_ids: list[int]) -> set[int]:
        if not user_ids:
            return set()
        flags = await self._status(keys=[PROCESSES], args=[self._expiry(), KEY_PREFIX, *user_ids])
        return {pk for pk, flag in zip(user_ids, flags, strict=True) if flag}

    async def beat(self) -> tuple[bool, list[tuple[int, datetime]]]:
        known, reaped = await self._beat(keys=[PROCESSES], args=[self.process, self._expiry(), KEY_PREFIX, REAP_BATCH])
        pairs = zip(reaped[::2], reaped[1::2], strict=True)
        return bool(known), [(int(user), datetime.fromtimestamp(float(beat), tz=UTC)) for user, beat in pairs]


class PresenceTracker:
    """One event loop's sockets per user (a server process has one loop), and what follows
    from them: registrations in the store, the heartbeat, the grace period, the events."""

    def __init__(self, store: LocalStore | RedisStore) -> None:
        self.store = store
        self.sockets: dict[int, int] = {}
        self.leaving: dict[int, asyncio.TimerHandle] = {}
        # Store operations run one at a time, in the order the sockets changed: a leave sent
        # before a join must not land after it.
        self._order = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._heartbeat: asyncio.Task | None = None
        # A join the store refused: the next beat records every user held here again.
        self._record_again = False

    def opened(self, user_id: int) -> None:
        count = self.sockets.get(user_id, 0)
        self.sockets[user_id] = count + 1
        if count:
            return
        if (pending := self.leaving.pop(user_id, None)) is not None:
            pending.cancel()  # back within the grace period: nothing changed for anyone
            return
        self._spawn(self._join(user_id))
        if self.store.heartbeat and (self._heartbeat is None or self._heartbeat.done()):
            self._heartbeat = asyncio.get_running_loop().create_task(self._beat(), name="parley-presence-heartbeat")

    def closed(self, user_id: int) -> None:
        count = self.sockets.get(user_id, 0)
        if count > 1:
            self.sockets[user_id] = count - 1
            return
        if not count:
            return
        del self.sockets[user_id]
        closed_at = timezone.now()
        grace = settings.PARLEY["PRESENCE_GRACE_SECONDS"]
        self.leaving[user_id] = asyncio.get_running_loop().call_later(grace, self._grace_over, user_id, closed_at)

    async def online_of(self, user_ids: list[int]) -> set[int]:
        try:
            return await self.store.online_of(user_ids)
        except (RedisError, OSError) as error:
            logger.warning("presence unavailable: everyone shows offline", extra={"error": repr(error)})
            return set()

    def _grace_over(self, user_id: int, closed_at: datetime) -> None:
        self.leaving.pop(user_id, None)
        self._spawn(self._leave(user_id, closed_at))

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _join(self, user_id: int) -> None:
        joined = await self._in_order(self.store.join, user_id)
        if joined is None:
            self._record_again = True
        elif joined:
            await _publish(user_id, online=True, at=None)

    async def _leave(self, user_id: int, closed_at: datetime) -> None:
        if await self._in_order(self.store.leave, user_id):
            await _publish(user_id, online=False, at=closed_at)

    async def _in_order(self, operation, *args) -> bool | None:
        """The store's answer, or None when it failed."""
        async with self._order:
            try:
                return await operation(*args)
            except (RedisError, OSError) as error:
                logger.warning("presence not recorded", extra={"error": repr(error)})
                return None

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(settings.PARLEY["PRESENCE_HEARTBEAT_SECONDS"])
            try:
                async with self._order:
                    known, reaped = await self.store.beat()
            except (RedisError, OSError) as error:
                logger.warning("presence heartbeat failed", extra={"error": repr(error)})
                continue
            if not known or self._record_again:
                # Redis forgot this process (restarted, or it stalled past the expiry and was
                # reaped), or refused a join: record every user it holds again (a user it
                # already holds is left as is).
                self._record_again = False
                logger.info("presence recorded again", extra={"users": len(self.sockets) + len(self.leaving)})
                for user_id in [*self.sockets, *self.leaving]:
                    self._spawn(self._join(user_id))
            for user_id, last_beat in reaped:
                await _publish(user_id, online=False, at=last_beat)
            if reaped:
                logger.info("presence of a silent process expired", extra={"users": len(reaped)})


async def _publish(user_id: int, *, online: bool, at: datetime | None) -> None:
    from chat.services.presence import user_presence_record

    try:
        room_ids = await sync_to_async(user_presence_record)(user_id=user_id, online=online, at=at)
    except Exception as error:  # noqa: BLE001 - a presence change must never take the socket down
        logger.warning("presence change not recorded", extra={"user_id": user_id, "error": repr(error)})
        return
    event = realtime.presence_event(user_id=user_id, online=online, last_seen_at=at)
    for room_id in room_ids:
        await realtime.broadcast_async(room_id, event)


_trackers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, PresenceTracker]" = weakref.WeakKeyDictionary()


def presence_tracker() -> PresenceTracker:
    """The running event loop's tracker."""
    loop = asyncio.get_running_loop()
    if (tracker := _trackers.get(loop)) is None:
        store = RedisStore(settings.REDIS_URL) if settings.REDIS_URL else LocalStore()
        tracker = _trackers[loop] = PresenceTracker(store)
    return tracker


async def presence_of(user_ids: list[int], *, last_seen: dict[int, datetime | None]) -> dict[int, Presence]:
    """The presence of users the caller may see (`last_seen`: their stored lastSeenAt)."""
    online = await presence_tracker().online_of(user_ids)
    return {pk: Presence(True, None) if pk in online else Presence(False, last_seen.get(pk)) for pk in user_ids}


async def presence_clear() -> None:
    """Forget every record (tests start afresh)."""
    LocalStore._held.clear()
    if settings.REDIS_URL:
        client = aioredis.Redis.from_url(settings.REDIS_URL)
        with contextlib.suppress(RedisError, OSError):
            async for key in client.scan_iter(f"{KEY_PREFIX}*"):
                await client.delete(key)
        await client.aclose()
