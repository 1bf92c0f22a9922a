"""Writes on rooms and messages: check who asks, call one service."""

import strawberry
import strawberry_django
from strawberry.types import Info

from chat import selectors
from chat.services import messages, rooms
from schema.context import require_user
from schema.types import ChatRoom, Message, MessageType


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Get or create the one room with that user.")
    def ensure_room(self, info: Info, username: str) -> ChatRoom:
        return rooms.room_ensure(caller=require_user(info), username=username)

    @strawberry_django.mutation(description="The caller must be one of the two.")
    def create_room(self, info: Info, organizer_id: strawberry.ID, vendor_id: strawberry.ID) -> ChatRoom:
        return rooms.room_create(caller=require_user(info), organizer_id=organizer_id, vendor_id=vendor_id)

    @strawberry_django.mutation
    def send_message(
        self,
        info: Info,
        room_id: strawberry.ID,
        text: str | None = None,
        attachment_ids: list[strawberry.ID] | None = None,
        message_type: MessageType | None = MessageType.TEXT,
        client_id: str | None = None,
    ) -> Message:
        user = require_user(info)
        room = selectors.room_for_participant(room_id=room_id, user=user)
        return messages.message_send(
            room=room,
            sender=user,
            text=text,
            attachment_ids=attachment_ids,
            message_type=(message_type or MessageType.TEXT).value,
            client_id=client_id,
        )
