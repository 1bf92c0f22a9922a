"""Real file bytes for upload tests, made here rather than shipped."""

import json
import struct
import zlib


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes([200, 30, 60]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


UPLOAD = """mutation($r: ID!, $f: Upload!) {
  uploadAttachment(roomId: $r, file: $f) { id file originalName size contentType }
}"""


def multipart_fields(room_id, *, query: str = UPLOAD) -> dict[str, str]:
    """The GraphQL multipart request spec's `operations` and `map` fields for one file `0`."""
    return {
        "operations": json.dumps({"query": query, "variables": {"r": str(room_id), "f": None}}),
        "map": json.dumps({"0": ["variables.f"]}),
    }
