"""schema/subscriptions.py: messageAdded's refusals before the stream starts, the mapping of
the domain's feed items onto the RoomEvent union, and the close of a subscriber too slow."""

import asyncio
from datetime import UTC, datetime

import pytest
from asgiref.sync import sync_to_async

from chat import feed
from chat.cursors import message_cursor
from chat.realtime import SubscriberTooSlow
from chat.services.messages import message_send
from schema import schema
from schema.context import Context
from schema.subscriptions import TRY_AGAIN_LATER, to_event
from schema.types import BidEvent, MessageEvent, ReadReceiptEvent, WarningCode, WarningEvent
from tests.factories import BidFactory, MessageFactory, RoomFactory, UserFactory

MESSAGE_ADDED = """subscription($r: ID!, $after: String) {
  messageAdded(roomId: $r, after: $after) {
    __typename
    ... on MessageEvent { cursor message { id text } }
  }
}"""


class Socket:
    """Where a subscription's stream closes its socket: records the close instead."""

    def __init__(self) -> None:
        self.closed: list[tuple[int, str]] = []

    async def close(self, *, code: int, reason: str) -> None:
        self.closed.append((code, reason))


async def first_result(user, variables: dict, socket: Socket | None = None):
    stream = await schema.subscribe(MESSAGE_ADDED, variables, context_value=Context(request=socket, user=user))
    try:
        return await asyncio.wait_for(anext(stream), 5)
    finally:
        await stream.aclose()


def codes(result) -> list[str]:
    return [error.extensions["code"] for error in result.errors or []]


@pytest.mark.django_db
def test_a_text_message_is_a_message_event():
    message = MessageFactory()
    assert to_event(feed.MessageItem(message)) == MessageEvent(message=message)


@pytest.mark.django_db
def test_a_new_bid_message_is_a_bid_event_with_its_bid():
    bid = BidFactory()
    assert to_event(feed.MessageItem(bid.message)) == BidEvent(message=bid.message, bid=bid)


@pytest.mark.django_db
def test_a_changed_bid_is_a_bid_event():
    bid = BidFactory()
    assert to_event(feed.BidItem(bid.message, bid)) == BidEvent(message=bid.message, bid=bid)


def test_a_read_receipt_names_the_message_by_its_graphql_id():
    reader, read_at = UserFactory.build(), datetime(2026, 1, 2, tzinfo=UTC)
    event = to_event(feed.ReceiptItem(41, read_at, reader))
    assert event == ReadReceiptEvent(message_id="41", read_at=read_at, reader=reader)
    assert isinstance(event.message_id, str)


@pytest.mark.parametrize("item", [feed.UNAVAILABLE, feed.RESTORED])
def test_a_warning_keeps_its_code_and_detail(item):
    assert to_event(item) == WarningEvent(code=WarningCode(item.code), detail=item.detail)


def test_an_item_the_schema_does_not_know_is_a_type_error():
    with pytest.raises(TypeError):
        to_event(object())


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_subscriber_is_refused_unauthenticated():
    room = await sync_to_async(RoomFactory)()
    assert codes(await first_result(None, {"r": room.pk})) == ["UNAUTHENTICATED"]


@pytest.mark.django_db(transaction=True)
async def test_a_non_participant_is_refused_not_found():
    room, outsider = await sync_to_async(RoomFactory)(), await sync_to_async(UserFactory)()
    assert codes(await first_result(outsider, {"r": room.pk})) == ["NOT_FOUND"]


@pytest.mark.django_db(transaction=True)
async def test_a_cursor_that_does_not_decode_is_refused_as_bad_input():
    room = await sync_to_async(RoomFactory)()
    assert codes(await first_result(room.organizer, {"r": room.pk, "after": "garbage"})) == ["BAD_USER_INPUT"]


@pytest.mark.django_db(transaction=True)
async def test_a_participant_gets_a_message_sent_after_the_cursor_as_a_message_event():
    room = await sync_to_async(RoomFactory)()
    before = await sync_to_async(message_send)(room=room, sender=room.vendor, text="before")
    after = await sync_to_async(message_send)(room=room, sender=room.vendor, text="after")
    result = await first_result(room.organizer, {"r": room.pk, "after": message_cursor(before).encode()}, Socket())
    assert result.errors is None
    assert result.data["messageAdded"]["__typename"] == "MessageEvent"
    assert result.data["messageAdded"]["message"] == {"id": str(after.pk), "text": "after"}
    assert result.data["messageAdded"]["cursor"] == message_cursor(after).encode()


@pytest.mark.django_db(transaction=True)
async def test_a_subscriber_too_slow_is_closed_with_try_again_later(monkeypatch):
    room = await sync_to_async(RoomFactory)()

    async def overflowing(self, *, after):
        # Fault injection: the room's feed reports that this subscriber fell too far behind.
        raise SubscriberTooSlow
        yield

    monkeypatch.setattr(feed.RoomFeed, "items", overflowing)
    socket = Socket()
    stream = await schema.subscribe(
        MESSAGE_ADDED, {"r": room.pk}, context_value=Context(request=socket, user=room.vendor)
    )
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 5)
    assert [code for code, _ in socket.closed] == [TRY_AGAIN_LATER]
