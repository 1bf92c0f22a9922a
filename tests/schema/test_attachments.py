import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.links import attachment_url
from chat.models import Attachment, Message
from tests.factories import AttachmentFactory, RoomFactory
from tests.files import multipart_fields, png_bytes
from tests.graphql import Result, access_token, gql

pytestmark = pytest.mark.django_db

SEND = """mutation($r: ID!, $a: [ID!], $t: String) {
  sendMessage(roomId: $r, attachmentIds: $a, text: $t) { id attachments { id } }
}"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client, user, room, name: str, content: bytes, content_type: str = "application/octet-stream") -> Result:
    data = {**multipart_fields(room.pk), "0": SimpleUploadedFile(name, content, content_type=content_type)}
    response = client.post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {access_token(user)}")
    return Result(response.status_code, response.json())


def test_a_png_is_stored_with_its_sniffed_type_and_original_name(client):
    room = RoomFactory()
    result = upload(client, room.vendor, room, "stage plan.png", png_bytes(), content_type="text/html")
    attachment = result.data["uploadAttachment"]
    assert attachment["contentType"] == "image/png"
    assert attachment["originalName"] == "stage plan.png"
    assert attachment["size"] == len(png_bytes())
    stored = Attachment.objects.get(pk=attachment["id"])
    assert "stage plan" not in stored.file.name and stored.message_id is None


def test_a_path_in_the_file_name_is_never_used_as_a_path(client):
    room = RoomFactory()
    result = upload(client, room.vendor, room, "../../etc/passwd.png", png_bytes())
    attachment = Attachment.objects.get(pk=result.data["uploadAttachment"]["id"])
    assert attachment.original_name == "passwd.png"
    assert attachment.file.name.startswith(f"attachments/{room.pk}/")


@pytest.mark.parametrize(
    "name, content",
    [
        ("script.txt", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("empty.txt", b""),
    ],
    ids=["html", "svg", "empty"],
)
def test_disguised_or_unwanted_files_are_refused_and_nothing_is_stored(client, name, content, tmp_path):
    room = RoomFactory()
    assert upload(client, room.vendor, room, name, content).code == "BAD_USER_INPUT"
    assert Attachment.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(client, settings, tmp_path):
    settings.PARLEY = {**settings.PARLEY, "ATTACHMENT_MAX_BYTES": 100}
    room = RoomFactory()
    assert upload(client, room.vendor, room, "big.txt", b"a" * 101).code == "BAD_USER_INPUT"
    assert Attachment.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_an_outsider_cannot_upload_to_a_room(client):
    room = RoomFactory()
    assert upload(client, RoomFactory().vendor, room, "a.png", png_bytes()).code == "NOT_FOUND"
    assert Attachment.objects.count() == 0


def test_send_message_attaches_the_callers_unused_uploads(client):
    room = RoomFactory()
    uploads = [AttachmentFactory(room=room, uploaded_by=room.vendor) for _ in range(2)]
    result = gql(client, SEND, {"r": room.pk, "a": [a.pk for a in uploads]}, user=room.vendor)
    message = result.data["sendMessage"]
    assert sorted(a["id"] for a in message["attachments"]) == sorted(str(a.pk) for a in uploads)
    assert set(Attachment.objects.values_list("message_id", flat=True)) == {int(message["id"])}


@pytest.mark.parametrize("whose", ["other-participant", "other-room", "used", "unknown", "not-a-number"])
def test_attachments_that_are_not_the_callers_unused_uploads_write_nothing(client, whose):
    room = RoomFactory()
    mine = AttachmentFactory(room=room, uploaded_by=room.vendor)
    if whose == "other-participant":
        bad = AttachmentFactory(room=room, uploaded_by=room.organizer).pk
    elif whose == "other-room":
        bad = AttachmentFactory(uploaded_by=room.vendor).pk
    elif whose == "used":
        gql(
            client,
            SEND,
            {"r": room.pk, "a": [AttachmentFactory(room=room, uploaded_by=room.vendor).pk]},
            user=room.vendor,
        )
        bad = Attachment.objects.get(message__isnull=False).pk
    else:
        bad = "999999" if whose == "unknown" else "abc"
    messages_before = Message.objects.count()
    result = gql(client, SEND, {"r": room.pk, "a": [mine.pk, bad], "t": "hi"}, user=room.vendor)
    assert result.code == "BAD_USER_INPUT"
    assert Message.objects.count() == messages_before
    mine.refresh_from_db()
    assert mine.message_id is None


def test_an_eleventh_attachment_is_refused(client):
    room = RoomFactory()
    uploads = [AttachmentFactory(room=room, uploaded_by=room.vendor).pk for _ in range(11)]
    assert gql(client, SEND, {"r": room.pk, "a": uploads}, user=room.vendor).code == "BAD_USER_INPUT"
    assert Message.objects.count() == 0
    assert gql(client, SEND, {"r": room.pk, "a": uploads[:10]}, user=room.vendor).data["sendMessage"]["id"]


def test_the_download_link_serves_the_bytes_with_safe_headers(client):
    room = RoomFactory()
    link = upload(client, room.vendor, room, "plan.png", png_bytes()).data["uploadAttachment"]["file"]
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="plan.png"' in response["Content-Disposition"]


def test_a_tampered_link_is_refused_and_says_nothing(client):
    room = RoomFactory()
    link = upload(client, room.vendor, room, "plan.png", png_bytes()).data["uploadAttachment"]["file"]
    other_id = AttachmentFactory().pk
    prefix, token = link.rsplit("/", 1)
    for forged in (link[:-3] + "abc", f"{prefix}/{other_id}:{token.split(':', 1)[1]}"):
        response = client.get(forged)
        assert response.status_code == 404
        assert b"plan" not in response.content and b"image/png" not in response.content


def test_an_expired_link_is_refused(client, settings):
    room = RoomFactory()
    attachment = AttachmentFactory(room=room)
    with mock.patch("time.time", return_value=time.time() - settings.PARLEY["ATTACHMENT_LINK_SECONDS"] - 5):
        old_link = attachment_url(attachment)
    assert client.get(old_link).status_code == 404
    assert client.get(attachment_url(attachment)).status_code == 200


def test_unused_uploads_older_than_a_day_are_purged_with_their_files(settings, tmp_path):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    room = RoomFactory()
    stale = AttachmentFactory(room=room, created_at=timezone.now() - timedelta(hours=25))
    fresh = AttachmentFactory(room=room)
    used = AttachmentFactory(room=room, created_at=timezone.now() - timedelta(days=3))
    used.message = Message.objects.create(room=room, sender=room.vendor, text="with file")
    used.save()
    stale_path = stale.file.path
    call_command("purge_unused_attachments")
    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, used.pk}
    assert not (tmp_path / stale_path).exists()
