"""Changing a message after it was sent: its sender edits the text within a window, or deletes
it (text and files gone for good). Every change to a sent message's text goes through
`_message_rewrite`, so whatever is derived from the text (the search index) has one place to
hear it and never keeps an old text. Neither moves the room's head cursor: only appending a
message does."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chat import realtime
from chat.errors import Forbidden, InvalidInput, NotFound
from chat.models import Attachment, Message, MessageType, User
from chat.search import search_index_refresh
from chat.selectors import message_with_payload, parse_id
from chat.services.blocking import room_lock_unblocked
from chat.services.messages import _clean_text


def message_edit(*, message_id: str | int, editor: User, text: str | None) -> Message:
    """Replace the text of the editor's own TEXT message, within the edit window."""
    with transaction.atomic():
        message = _own_message_locked(message_id=message_id, user=editor)
        # Deleting stays allowed in a blocked room; changing what the other side reads does not.
        room_lock_unblocked(room_id=message.room_id)
        if message.deleted_at is not None:
            raise InvalidInput("A deleted message cannot be edited.")
        window = timedelta(hours=settings.PARLEY["EDIT_WINDOW_HOURS"])
        if timezone.now() - message.created_at > window:
            raise InvalidInput(f"A message can be edited for {_hours(window)} after it was sent.")
        has_files = Attachment.objects.filter(message=message).exists()
        clean = _clean_text(text, required=not has_files)
        if clean != message.text:
            _message_rewrite(message, text=clean, edited_at=timezone.now())
    return _reloaded(message)


def message_delete(*, message_id: str | int, deleter: User) -> Message:
    """Delete the deleter's own TEXT message: its text and attachments are gone, its files are
    removed once the deletion commits. Deleting again returns the same message."""
    with transaction.atomic():
        message = _own_message_locked(message_id=message_id, user=deleter)
        if message.deleted_at is None:
            attachments = list(Attachment.objects.filter(message=message))
            names = [a.file.name for a in attachments]
            Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
            _message_rewrite(message, text="", deleted_at=timezone.now())
            if names:
                storage = Attachment._meta.get_field("file").storage
                # After commit: a rolled-back delete must still find its files.
                transaction.on_commit(lambda: _files_delete(storage, names))
    return _reloaded(message)


def _own_message_locked(*, message_id: str | int, user: User) -> Message:
    """The message, locked until the transaction ends, when `user` sent it as a TEXT message.
    Not a participant of its room: NotFound, as if it did not exist."""
    pk = parse_id(message_id, what="Message")
    # Only the message row is locked here: a delete must not hold up sends in its room (an
    # edit then locks the room too, for as long as its short transaction, to check for a block).
    message = Message.objects.select_for_update(of=("self",)).select_related("room").filter(pk=pk).first()
    if message is None or not message.room.has_participant(user):
        raise NotFound("Message not found.")
    if message.sender_id != user.pk:
        raise Forbidden("Only its sender can change a message.")
    if message.message_type != MessageType.TEXT:
        raise InvalidInput("Only text messages can be edited or deleted; a bid changes with updateBid.")
    return message


def _message_rewrite(message: Message, *, text: str, edited_at=None, deleted_at=None) -> None:
    """The one write of a sent message's text, inside the caller's transaction, and its
    broadcast after commit. The search index follows the new text here (chat.search): an
    edited message is found by its new words only, a deleted one by none."""
    message.text = text
    fields = ["text"]
    if edited_at is not None:
        message.edited_at = edited_at
        fields.append("edited_at")
    if deleted_at is not None:
        message.deleted_at = deleted_at
        fields.append("deleted_at")
    message.save(update_fields=fields)
    search_index_refresh(message_id=message.pk)
    last = message.room.last_message_id == message.pk
    realtime.publish_after_commit(message.room_id, realtime.message_updated_event(message, last=last))


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def _reloaded(message: Message) -> Message:
    """The message as a query shows it, with everything its payload needs."""
    reloaded = message_with_payload(message_id=message.pk)
    assert reloaded is not None  # locked and changed in this call, and messages are never removed
    return reloaded


def _files_delete(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
