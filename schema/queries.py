"""Reads: who am I, my rooms, one room, a room's history, a search of my messages."""

import strawberry
import strawberry_django
from strawberry.types import Info

from chat import search, selectors
from chat.cursors import message_cursor, room_cursor
from chat.services.history import room_history_fetch
from schema.context import require_user
from schema.types import (
    ChatRoom,
    ChatRoomConnection,
    ChatRoomEdge,
    MessageConnection,
    MessageEdge,
    MessageSearchConnection,
    MessageSearchEdge,
    User,
    page_info,
)

# strawberry_django fields run these sync resolvers in Django's thread for ORM work.


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: Info) -> User:
        return require_user(info)

    @strawberry_django.field(description="The caller's rooms, newest activity first.")
    def rooms(self, info: Info, first: int | None = 50, after: str | None = None) -> ChatRoomConnection:
        page = selectors.rooms_for_user(user=require_user(info), first=first, after=after)
        edges = [ChatRoomEdge(cursor=room_cursor(room).encode(), node=room) for room in page.items]
        return ChatRoomConnection(edges=edges, page_info=page_info(page, [e.cursor for e in edges]))

    @strawberry_django.field(description="A room of the caller's; NOT_FOUND for any other id.")
    def room(self, info: Info, id: strawberry.ID) -> ChatRoom | None:
        return selectors.room_for_participant(room_id=id, user=require_user(info))

    @strawberry_django.field(description="A room's history, oldest to newest; no arguments: the newest 50.")
    def messages(
        self,
        info: Info,
        room_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> MessageConnection:
        user = require_user(info)
        room = selectors.room_for_participant(room_id=room_id, user=user)
        page = room_history_fetch(room=room, reader=user, first=first, after=after, last=last, before=before)
        edges = [MessageEdge(cursor=message_cursor(m).encode(), node=m) for m in page.items]
        return MessageConnection(edges=edges, page_info=page_info(page, [e.cursor for e in edges]))

    @strawberry_django.field(
        description="The caller's messages holding every word of `query` (in one room of theirs with `roomId`), "
        "newest first."
    )
    def search_messages(
        self,
        info: Info,
        query: str,
        room_id: strawberry.ID | None = None,
        first: int | None = search.PAGE_SIZE_DEFAULT,
        after: str | None = None,
    ) -> MessageSearchConnection:
        page = search.messages_matching(user=require_user(info), query=query, room_id=room_id, first=first, after=after)
        edges = [MessageSearchEdge(cursor=hit.cursor, node=hit.message, snippet=hit.snippet) for hit in page.items]
        return MessageSearchConnection(edges=edges, page_info=page_info(page, [e.cursor for e in edges]))
