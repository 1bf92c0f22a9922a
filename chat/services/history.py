"""A participant fetching a room's history: the page, and the delivery it records. A message
shown to its recipient has reached them, so a history page stamps deliveredAt on the
recipient's messages in it, as the live feed does for the events it hands over."""

from chat.models import ChatRoom, Message, User
from chat.selectors import Page, room_messages_page
from chat.services.receipts import messages_mark_delivered


def room_history_fetch(
    *,
    room: ChatRoom,
    reader: User,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Message]:
    """One page of the room's history for one of its participants, delivery stamped."""
    page = room_messages_page(room=room, first=first, after=after, last=last, before=before)
    messages_mark_delivered(messages=page.items, recipient=reader)
    return page
