"""Writes on rooms, messages, attachments, bids, receipts and blocks: check who asks, call one service."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from strawberry.file_uploads import Upload
from strawberry.types import Info

from chat import models, selectors
from chat.models import User
from chat.services import attachments, bids, blocking, message_edits, messages, receipts, rooms
from chat.services.typing import typing_set
from schema import threads
from schema.context import require_user
from schema.types import Attachment, Bid, BidStatus, ChatRoom, Message, MessageType, ReadReceiptEvent


@strawberry.type
class Mutation:
    @strawberry_django.mutation(description="Get or create the one room with that user.")
    def ensure_room(self, info: Info, username: str) -> ChatRoom:
        return rooms.room_ensure(caller=require_user(info), username=username)

    @strawberry_django.mutation(description="The caller must be one of the two.")
    def create_room(self, info: Info, organizer_id: strawberry.ID, vendor_id: strawberry.ID) -> ChatRoom:
        return rooms.room_create(caller=require_user(info), organizer_id=organizer_id, vendor_id=vendor_id)

    @strawberry_django.mutation
    async def send_message(
        self,
        info: Info,
        room_id: strawberry.ID,
        text: str | None = None,
        attachment_ids: list[strawberry.ID] | None = None,
        message_type: MessageType | None = MessageType.TEXT,
        client_id: str | None = None,
    ) -> Message:
        # On a write thread of its own on PostgreSQL (schema.threads).
        return await threads.write(
            _send,
            user=require_user(info),
            room_id=room_id,
            text=text,
            attachment_ids=attachment_ids,
            message_type=(message_type or MessageType.TEXT).value,
            client_id=client_id,
        )

    @strawberry_django.mutation(description="Change the text of your own text message, within the edit window.")
    def edit_message(self, info: Info, message_id: strawberry.ID, text: str) -> Message:
        return message_edits.message_edit(message_id=message_id, editor=require_user(info), text=text)

    @strawberry_django.mutation(description="Delete your own text message: its text and files are gone.")
    def delete_message(self, info: Info, message_id: strawberry.ID) -> Message:
        return message_edits.message_delete(message_id=message_id, deleter=require_user(info))

    @strawberry_django.mutation(
        description="Tell the other participant you are typing (or stopped); call at most every 3 s while typing."
    )
    def set_typing(self, info: Info, room_id: strawberry.ID, typing: bool = True) -> bool:
        return typing_set(room_id=room_id, user=require_user(info), typing=typing)

    @strawberry_django.mutation(description="Store a file for the room; attach it with sendMessage(attachmentIds).")
    def upload_attachment(self, info: Info, room_id: strawberry.ID, file: Upload) -> Attachment:
        user = require_user(info)
        room = selectors.room_for_participant(room_id=room_id, user=user)
        return attachments.attachment_upload(room=room, uploader=user, file=file)

    @strawberry_django.mutation(description="The room's vendor proposes a price, posted as a BID message.")
    def create_bid(
        self, info: Info, room_id: strawberry.ID, amount: Decimal, currency: str | None = "USD", note: str | None = None
    ) -> Message:
        user = require_user(info)
        room = selectors.room_for_participant(room_id=room_id, user=user)
        return bids.bid_create(room=room, vendor=user, amount=amount, currency=currency, note=note)

    @strawberry_django.mutation(
        description="Vendor: revise or withdraw a pending bid; organizer: accept or decline it."
    )
    def update_bid(
        self,
        info: Info,
        bid_id: strawberry.ID,
        status: BidStatus | None = None,
        amount: Decimal | None = None,
        note: str | None = None,
        expected_updated_at: Annotated[
            datetime | None,
            strawberry.argument(
                description="The bid's updatedAt as the caller saw it: if it changed since, nothing is."
            ),
        ] = None,
    ) -> Bid:
        change = bids.BidChange(
            status=status.value if status else None, amount=amount, note=note, expected_updated_at=expected_updated_at
        )
        return bids.bid_update(bid_id=bid_id, user=require_user(info), change=change)

    @strawberry_django.mutation(
        description=(
            "Block the other participant of your room with that user: neither of you can send, bid, upload "
            "or type there until you unblock. NOT_FOUND without such a room; blocking again changes nothing."
        )
    )
    def block_user(self, info: Info, username: str) -> ChatRoom:
        return blocking.room_block(caller=require_user(info), username=username)

    @strawberry_django.mutation(
        description="Lift your own block in your room with that user; the other side's block, if any, stays."
    )
    def unblock_user(self, info: Info, username: str) -> ChatRoom:
        return blocking.room_unblock(caller=require_user(info), username=username)

    @strawberry_django.mutation(description="Mark the other participant's messages read, up to one (all if omitted).")
    def mark_read(
        self, info: Info, room_id: strawberry.ID, up_to_message_id: strawberry.ID | None = None
    ) -> ReadReceiptEvent:
        user = require_user(info)
        room = selectors.room_for_participant(room_id=room_id, user=user)
        receipt = receipts.messages_mark_read(room=room, reader=user, up_to_message_id=up_to_message_id)
        return ReadReceiptEvent(
            message_id=strawberry.ID(str(receipt.message_id)), read_at=receipt.read_at, reader=receipt.reader
        )


def _send(*, user: User, room_id: strawberry.ID, **message) -> models.Message:
    room = selectors.room_for_participant(room_id=room_id, user=user)
    return messages.message_send(room=room, sender=user, **message)
