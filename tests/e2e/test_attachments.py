"""Uploads through a running server: the multipart request spec, links, early refusal."""

import json

import httpx
import pytest

from tests.e2e.conftest import api, stream_until_answered
from tests.files import multipart_fields, png_bytes

pytestmark = pytest.mark.e2e

SEND = "mutation($r: ID!, $a: [ID!]) { sendMessage(roomId: $r, attachmentIds: $a) { id attachments { id file } } }"


def test_a_png_uploaded_with_a_real_multipart_request_downloads_byte_for_byte(server, pair):
    image = png_bytes(16, 16)
    with httpx.Client(timeout=10) as client:
        response = client.post(
            server.http,
            data=multipart_fields(pair.room_id),
            files={"0": ("venue.png", image, "image/png")},
            headers={"Authorization": f"Bearer {pair.vendor_token}"},
        )
        attachment = response.json()["data"]["uploadAttachment"]
        download = client.get(f"http://127.0.0.1:{server.port}{attachment['file']}")
    assert download.status_code == 200
    assert download.content == image
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_the_other_participant_gets_a_working_link_in_the_message(server, pair):
    with httpx.Client(timeout=10) as client:
        uploaded = client.post(
            server.http,
            data=multipart_fields(pair.room_id),
            files={"0": ("a.png", png_bytes(), "image/png")},
            headers={"Authorization": f"Bearer {pair.vendor_token}"},
        ).json()["data"]["uploadAttachment"]
    sent = await api(server, SEND, {"r": pair.room_id, "a": [uploaded["id"]]}, token=pair.vendor_token)
    assert [a["id"] for a in sent["data"]["sendMessage"]["attachments"]] == [uploaded["id"]]
    history = await api(
        server,
        "query($r: ID!) { messages(roomId: $r) { edges { node { attachments { file } } } } }",
        {"r": pair.room_id},
        token=pair.organizer_token,
    )
    link = history["data"]["messages"]["edges"][-1]["node"]["attachments"][0]["file"]
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"http://127.0.0.1:{server.port}{link}")).content == png_bytes()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_body_is_answered_before_the_client_has_sent_it(server, pair, chunked):
    total = 200 * 1024 * 1024
    boundary = "parleyboundary"
    length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % total
    headers = (
        b"POST /graphql/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Authorization: Bearer {pair.vendor_token}\r\n".encode()
        + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
        + length
        + b"\r\n\r\n"
    )
    sent, answer = stream_until_answered(server.port, headers, b"x" * 65536, total, chunked=chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert sent < 20 * 1024 * 1024, f"{sent} bytes were sent before the answer"
    body = answer.split(b"\r\n\r\n", 1)[1]
    if body and not chunked:
        assert json.loads(body)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
