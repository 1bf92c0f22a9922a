"""Uploads: sniffed, allow-listed, stored under a name of ours; attached to a message once."""

import logging
import mimetypes
import secrets
import unicodedata
from collections.abc import Sequence
from datetime import timedelta
from pathlib import PurePosixPath, PureWindowsPath

import magic
from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from chat.errors import InvalidInput
from chat.models import Attachment, ChatRoom, Message, User
from chat.ratelimit import upload_budget_take
from chat.services.blocking import room_lock_unblocked

logger = logging.getLogger(__name__)

SNIFF_BYTES = 256 * 1024
NAME_MAX = 255


def _clean_name(name: str) -> str:
    # Only ever shown and offered as a download name, never used as a path.
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or "file")[:NAME_MAX]


def _sniff(file) -> str:
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    return magic.from_buffer(head, mime=True)


# The extensions a file of each accepted type may be saved under; the first is the one a name
# gets when it ends in none of them. Fixed here, not read from the system's MIME database,
# so that a name is corrected the same way on every machine.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    # The sniffer calls CSV, logs and Markdown plain text too.
    "text/plain": (".txt", ".text", ".log", ".md", ".csv", ".tsv"),
    "text/csv": (".csv", ".txt"),
    "application/msword": (".doc",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.ms-powerpoint": (".ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
_KNOWN = {extension for extensions in EXTENSIONS.values() for extension in extensions}


def download_name(name: str, content_type: str) -> str:
    """`name`, ending in an extension of the file's sniffed type: the web client saves a
    download under this name, so text named `b.html` or `invoice.pdf.vbs` must not open as a
    page or a script (it becomes `b.html.txt`), and a PNG named `photo.jpg`, the common honest
    mistake, becomes `photo.png`. An extension of another accepted type is replaced; any other
    is kept and the right one added, so the name still says what the sender called it."""
    accepted = EXTENSIONS.get(content_type) or tuple(mimetypes.guess_all_extensions(content_type, strict=True))
    # Windows drops trailing dots and spaces: `run.bat. ` would save as run.bat.
    name = name.rstrip(". ") or "file"
    if not accepted:
        return name[:NAME_MAX]
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension.lower()}" if dot and stem else ""
    if suffix in accepted:
        return name[:NAME_MAX]
    base = stem if suffix in _KNOWN else name
    return base[: NAME_MAX - len(accepted[0])] + accepted[0]


def attachment_upload(*, room: ChatRoom, uploader: User, file) -> Attachment:
    if not isinstance(file, UploadedFile):
        raise InvalidInput("`file` must be a file sent as a multipart upload.")
    upload_budget_take(user_id=uploader.pk)
    limit = settings.PARLEY["ATTACHMENT_MAX_BYTES"]
    size = file.size or 0
    if size > limit:
        raise InvalidInput(f"A file can be at most {limit} bytes.")
    if size == 0:
        raise InvalidInput("The file is empty.")
    name = _clean_name(getattr(file, "name", ""))
    content_type = _sniff(file)
    if content_type not in settings.PARLEY["ATTACHMENT_TYPES"]:
        raise InvalidInput(f"Files of type {content_type} are not accepted.")
    attachment = Attachment(
        room=room,
        uploaded_by=uploader,
        storage_key=secrets.token_hex(16),
        original_name=download_name(name, content_type),
        size=size,
        content_type=content_type,
    )
    attachment.file.save(attachment.storage_key, File(file), save=False)
    try:
        with transaction.atomic():
            room_lock_unblocked(room_id=room.pk)
            _unused_quota_check(uploader=uploader, adding=size)
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def _unused_quota_check(*, uploader: User, adding: int) -> None:
    """Inside the upload's transaction: the uploader's row is locked, so two uploads at once
    cannot both fit in what is left. Uploads past their unused lifetime are the purge's, not
    the user's, to count."""
    User.objects.select_for_update().filter(pk=uploader.pk).values_list("pk").first()
    since = timezone.now() - timedelta(hours=settings.PARLEY["ATTACHMENT_UNUSED_HOURS"])
    unused = Attachment.objects.filter(uploaded_by=uploader, message__isnull=True, created_at__gte=since)
    held = unused.aggregate(total=Sum("size"))["total"] or 0
    quota = settings.PARLEY["UNUSED_ATTACHMENT_BYTES"]
    if held + adding > quota:
        raise InvalidInput(
            f"Your unsent uploads hold {held} bytes and at most {quota} may wait to be sent: "
            "send them first (unsent uploads expire after "
            f"{settings.PARLEY['ATTACHMENT_UNUSED_HOURS']} hours)."
        )


def _parse_ids(values: Sequence[str]) -> list[int]:
    try:
        ids = [int(value) for value in values]
    except (TypeError, ValueError):
        raise InvalidInput("Attachment ids must be numbers.") from None
    if len(set(ids)) != len(ids):
        raise InvalidInput("An attachment can be attached once.")
    return ids


def attachments_check(attachment_ids: Sequence[str]) -> list[int]:
    ids = _parse_ids(attachment_ids)
    limit = settings.PARLEY["ATTACHMENTS_PER_MESSAGE"]
    if len(ids) > limit:
        raise InvalidInput(f"A message can carry at most {limit} attachments.")
    return ids


def attachments_attach(*, message: Message, ids: list[int]) -> None:
    """Inside the message's transaction: attach every one or fail (and roll the message back)."""
    # One conditional UPDATE: an attachment used by a concurrent send no longer matches.
    attached = Attachment.objects.filter(
        pk__in=ids, room_id=message.room_id, uploaded_by_id=message.sender_id, message__isnull=True
    ).update(message=message)
    if attached != len(ids):
        raise InvalidInput("Attachments must be your own unused uploads to this room.")


def attachments_purge_unused(*, older_than: timedelta | None = None) -> int:
    age = older_than or timedelta(hours=settings.PARLEY["ATTACHMENT_UNUSED_HOURS"])
    stale = Attachment.objects.filter(message__isnull=True, created_at__lt=timezone.now() - age)
    removed = 0
    for attachment in stale.iterator():
        attachment.file.delete(save=False)
        attachment.delete()
        removed += 1
    logger.info("unused attachments removed", extra={"count": removed})
    return removed
