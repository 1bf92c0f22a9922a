"""Serves an attachment to whoever holds a valid link, as a download that cannot be sniffed
into something executable; and the unsubscribe link of an email, which needs no sign-in."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chat.errors import NotFound
from chat.links import attachment_from_link
from chat.notify import user_unsubscribe
from chat.services.attachments import download_name

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


@require_GET
def attachment_download(request: HttpRequest, token: str) -> FileResponse:
    try:
        attachment = attachment_from_link(token)
        handle = attachment.file.open("rb")
    except (NotFound, FileNotFoundError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type not in INLINE_TYPES,
        # Stored corrected since issue 13; a file stored before is corrected on its way out.
        filename=download_name(attachment.original_name, attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def email_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turns email notifications off for the user the signed token names, and says so; a
    forged or broken token changes nothing (400)."""
    user = user_unsubscribe(token=token)
    response = render(request, "chat/unsubscribed.html", {"user": user}, status=200 if user else 400)
    response["Cache-Control"] = "no-store"
    return response
