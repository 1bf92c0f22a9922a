"""A user's whole inbox as one live feed: each of their rooms, as the room list shows it,
whenever that changes (a message, a read, an edit or delete of the last message, a bid, a
block or unblock, the other participant's presence) and each room someone starts with them.

One subscription follows every room of the user's through the process's RoomHub with a small
listener per room that only marks the room changed (no feed, no backlog per room), plus the
user's own inbox channel, where new rooms are announced. Changes are coalesced: whatever
rooms changed while the subscriber was busy are read together, in two queries. Each room's
listener records the head it last showed, so the hub's reconciliation catches the inbox up
on a message event the layer lost, as it does a room's feed, even while Redis is down.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from chat import selectors
from chat.cursors import Cursor
from chat.feed import _database
from chat.models import ChatRoom, User
from chat.realtime import LayerState, RoomHub, RoomListener, Signal, inbox_channel_id, room_hub

# A room without messages: any first message is past it, so reconciliation notices it.
EMPTY = Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0)
# Events that change nothing the room list shows.
IGNORED_KINDS = {"typing"}


class InboxListener(RoomListener):
    """One room's membership for an inbox: it marks the room changed instead of queueing."""

    __slots__ = ("inbox",)

    def __init__(self, room_id: int, inbox: "Inbox", *, hub: RoomHub) -> None:
        super().__init__(room_id, hub=hub)
        self.inbox = inbox  # offer() hands every signal to it: the backlog stays empty

    def offer(self, signal: Signal) -> None:
        self.inbox.offer(self, signal)


@_database
def _heads(*, user: User) -> dict[int, Cursor | None]:
    return selectors.room_heads_of_user(user=user)


@_database
def _rooms(*, user: User, room_ids: list[int]) -> list[ChatRoom]:
    return selectors.rooms_as_listed(user=user, room_ids=room_ids)


class Inbox:
    def __init__(self, *, user: User) -> None:
        self.user = user
        self.own_channel = inbox_channel_id(user.pk)
        self.listeners: dict[int, InboxListener] = {}
        self.changed: set[int] = set()
        # Rooms announced on the user's channel, and whether it may have missed some.
        self.started: set[int] = set()
        self.relist = False
        self._waiter: asyncio.Future | None = None
        self._hub: RoomHub | None = None

    def offer(self, listener: InboxListener, signal: Signal) -> None:
        if signal is LayerState.UNAVAILABLE:
            return  # nothing to show yet; reconciliation and the recovery catch the rooms up
        if listener.room_id == self.own_channel:
            if isinstance(signal, LayerState):
                self.relist = True
            elif signal.get("kind") == "room":
                self.started.add(signal["room_id"])
        elif isinstance(signal, LayerState) or self._shows(signal):
            self.changed.add(listener.room_id)
        else:
            return
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _shows(self, event: dict) -> bool:
        """Whether the room list shows what the event changed."""
        kind = event.get("kind")
        if kind in IGNORED_KINDS:
            return False
        if kind == "updated":
            return bool(event.get("last"))
        if kind == "presence":
            return event.get("user_id") != self.user.pk
        return True

    async def items(self) -> AsyncIterator[ChatRoom]:
        hub = self._hub = room_hub()
        own = InboxListener(self.own_channel, self, hub=hub)
        await hub.subscribe(own)
        try:
            # The user's channel first: a room started from now on is announced, and it
            # cannot be missing from the rooms read next.
            await self._follow(await _heads(user=self.user))
            while True:
                await self._pending()
                if self.relist or self.started:
                    await self._follow_new()
                batch, self.changed = self.changed, set()
                for room in await _rooms(user=self.user, room_ids=sorted(batch)):
                    if (listener := self.listeners.get(room.pk)) is not None:
                        listener.seen = _head(room)
                    yield room
        finally:
            for listener in [own, *self.listeners.values()]:
                await hub.unsubscribe(listener)

    async def _pending(self) -> None:
        while not (self.changed or self.started or self.relist):
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def _follow(self, heads: dict[int, Cursor | None]) -> None:
        """Join the rooms not followed yet; each starts from the head it has now."""
        hub, joining = self._hub, []
        assert hub is not None, "follows rooms only while items() runs"
        for room_id, head in heads.items():
            if room_id in self.listeners:
                continue
            listener = self.listeners[room_id] = InboxListener(room_id, self, hub=hub)
            listener.seen = head or EMPTY
            joining.append(hub.subscribe(listener))
        await asyncio.gather(*joining)

    async def _follow_new(self) -> None:
        """Rooms announced, or (after the user's channel may have lost some) every room of the
        user's: the new ones are followed and shown."""
        heads = await _heads(user=self.user)
        wanted = heads.keys() if self.relist else self.started & heads.keys()
        self.relist, self.started = False, set()
        new = {room_id: heads[room_id] for room_id in wanted if room_id not in self.listeners}
        await self._follow(new)
        self.changed |= set(new)


def _head(room: ChatRoom) -> Cursor:
    return EMPTY if room.last_message_id is None else Cursor(room.last_activity_at, room.last_message_id)
