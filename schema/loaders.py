"""Batching, per request, of what a field would otherwise read once per node: a related row
that no selector joined (a message's sender, a room's last message...), a message's
attachments, a bid, a room's unread count or blocks. Every node of one level asks in the same tick;
each loader answers them all with one query. The loaders keep no cache (a socket's context
lives for hours and rows change), so a level costs one query whatever its size."""

from collections import defaultdict
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import Count, Model
from strawberry.dataloader import DataLoader

from chat.models import Attachment, Bid, Block, Message, User


def _aligned(keys: list, found: dict) -> list:
    return [found.get(key) for key in keys]


class Loaders:
    def __init__(self, user: User | None) -> None:
        self.user = user
        self._rows: dict[type[Model], DataLoader] = {}
        self.attachments: DataLoader[int, list[Attachment]] = DataLoader(load_fn=self._attachments, cache=False)
        self.bids: DataLoader[int, Bid | None] = DataLoader(load_fn=self._bids, cache=False)
        self.unread: DataLoader[int, int] = DataLoader(load_fn=self._unread, cache=False)
        self.blockers: DataLoader[int, set[int]] = DataLoader(load_fn=self._blockers, cache=False)

    def row(self, model: type[Model]) -> DataLoader:
        """Rows of `model` by primary key."""
        if model not in self._rows:
            self._rows[model] = DataLoader(load_fn=lambda pks: self._in_bulk(model, pks), cache=False)
        return self._rows[model]

    async def _in_bulk(self, model: type[Model], pks: list[Any]) -> list[Model | None]:
        query = model._default_manager.all()
        if model is Message:
            query = query.select_related("sender")
        elif model is Bid:
            query = query.select_related("created_by")
        found = await sync_to_async(query.in_bulk)(list(set(pks)))
        return _aligned(pks, found)

    async def _attachments(self, message_ids: list[int]) -> list[list[Attachment]]:
        def read() -> dict[int, list[Attachment]]:
            by_message: dict[int, list[Attachment]] = defaultdict(list)
            for attachment in Attachment.objects.filter(message_id__in=set(message_ids)).order_by("pk"):
                if attachment.message_id is not None:
                    by_message[attachment.message_id].append(attachment)
            return by_message

        by_message = await sync_to_async(read)()
        return [by_message.get(pk, []) for pk in message_ids]

    async def _bids(self, message_ids: list[int]) -> list[Bid | None]:
        def read() -> dict[int, Bid]:
            bids = Bid.objects.filter(message_id__in=set(message_ids)).select_related("created_by")
            return {bid.message_id: bid for bid in bids}

        return _aligned(message_ids, await sync_to_async(read)())

    async def _unread(self, room_ids: list[int]) -> list[int]:
        def read() -> dict[int, int]:
            if self.user is None:
                return {}
            counts = (
                Message.objects.filter(room_id__in=set(room_ids), read_at__isnull=True)
                .exclude(sender=self.user)
                .order_by()
                .values("room_id")
                .annotate(n=Count("pk"))
            )
            return {row["room_id"]: row["n"] for row in counts}

        counts = await sync_to_async(read)()
        return [counts.get(pk, 0) for pk in room_ids]

    async def _blockers(self, room_ids: list[int]) -> list[set[int]]:
        """Who has blocked whom in each room: the ids of its blockers (none, one or both)."""

        def read() -> dict[int, set[int]]:
            by_room: dict[int, set[int]] = defaultdict(set)
            for room_id, blocker_id in Block.objects.filter(room_id__in=set(room_ids)).values_list(
                "room_id", "blocker_id"
            ):
                by_room[room_id].add(blocker_id)
            return by_room

        by_room = await sync_to_async(read)()
        return [by_room.get(pk, set()) for pk in room_ids]


def loaders(info) -> Loaders:
    context = info.context
    if getattr(context, "loaders", None) is None:
        context.loaders = Loaders(context.user)
    return context.loaders
