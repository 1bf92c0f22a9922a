"""Signed, expiring download links for attachments: an `<img src>` works without headers,
and a link that was tampered with or has expired opens nothing."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from chat.errors import NotFound
from chat.models import Attachment

SALT = "parley.attachment-link"


def attachment_url(attachment: Attachment) -> str:
    token = signing.TimestampSigner(salt=SALT).sign(str(attachment.pk))
    return reverse("attachment-download", kwargs={"token": token})


def attachment_from_link(token: str) -> Attachment:
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.PARLEY["ATTACHMENT_LINK_SECONDS"])
    except signing.BadSignature:  # covers SignatureExpired too
        raise NotFound("No such file.") from None
    attachment = Attachment.objects.filter(pk=int(pk)).first()
    if attachment is None:
        raise NotFound("No such file.")
    return attachment
