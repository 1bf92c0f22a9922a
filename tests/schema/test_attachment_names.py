"""A stored file's download name always carries the extension of its sniffed type: a script
or page named as such downloads as text, and an honest mismatch (a PNG named photo.jpg) is
accepted under the corrected name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import Attachment
from chat.services.attachments import download_name
from tests.factories import AttachmentFactory, MessageFactory, RoomFactory
from tests.files import multipart_fields, png_bytes
from tests.graphql import Result, access_token, gql

pytestmark = pytest.mark.django_db

TEXT = b"just some plain text\n" * 5


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client, room, name: str, content: bytes) -> Result:
    data = {**multipart_fields(room.pk), "0": SimpleUploadedFile(name, content, content_type="text/plain")}
    response = client.post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {access_token(room.vendor)}")
    return Result(response.status_code, response.json())


@pytest.mark.parametrize(
    "name, content, stored",
    [
        ("b.html", TEXT, "b.html.txt"),
        ("g.js", TEXT, "g.js.txt"),
        ("e.ps1", TEXT, "e.ps1.txt"),
        ("invoice.pdf.vbs", TEXT, "invoice.pdf.vbs.txt"),
        ("invoice.pdf", TEXT, "invoice.txt"),
        ("run.bat. ", TEXT, "run.bat.txt"),
        ("README", TEXT, "README.txt"),
        ("photo.jpg", png_bytes(), "photo.png"),
        ("scan.PNG", png_bytes(), "scan.PNG"),
        ("notes.txt", TEXT, "notes.txt"),
        ("table.csv", b"a,b\n1,2\n", "table.csv"),
    ],
)
def test_the_stored_name_carries_the_extension_of_the_sniffed_type(client, name, content, stored):
    result = upload(client, RoomFactory(), name, content)
    assert result.data["uploadAttachment"]["originalName"] == stored, result.body
    assert Attachment.objects.get().original_name == stored


def test_the_download_is_offered_under_the_corrected_name(client):
    room = RoomFactory()
    link = upload(client, room, "g.js", TEXT).data["uploadAttachment"]["file"]
    response = client.get(link)
    assert 'filename="g.js.txt"' in response["Content-Disposition"]


def test_a_file_stored_before_the_rule_is_shown_and_offered_under_the_corrected_name(client):
    room = RoomFactory()
    message = MessageFactory(room=room, sender=room.vendor)
    AttachmentFactory(room=room, uploaded_by=room.vendor, message=message, original_name="b.html")
    history = gql(
        client,
        "query($r: ID!) { messages(roomId: $r) { edges { node { attachments { originalName file } } } } }",
        {"r": room.pk},
        user=room.organizer,
    )
    shown = history.data["messages"]["edges"][-1]["node"]["attachments"][0]
    assert shown["originalName"] == "b.html.txt"
    assert 'filename="b.html.txt"' in client.get(shown["file"])["Content-Disposition"]


def test_the_corrected_name_stays_within_the_length_limit():
    assert len(download_name("x" * 300 + ".js", "text/plain")) <= 255
    assert download_name("x" * 300 + ".js", "text/plain").endswith(".txt")
