"""What a history page costs per message inside the schema: `schema.execute` of
`messages(roomId, last: 50)` with every Message field selected, and with the web client's
SendMessage selection (`id clientId text createdAt sender { id username }`), against a SQLite
file in a temporary directory; then the resolver's own work (the selector's SQL and the rows)
without GraphQL, so that the difference is what building the result costs.

    .venv/bin/python -m bench.history_execute [--page 50] [--executions 20] [--runs 7]

One process, no server, no HTTP: best of `--runs` runs of `--executions` pages each, in µs
of this process's CPU time per message (CPU, not wall time: the machine is shared). A fifth
of the messages are bids and a quarter carry an attachment; every row is already delivered,
so no run writes."""

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

EVERY_FIELD = """
query History($roomId: ID!, $last: Int) {
  messages(roomId: $roomId, last: $last) {
    edges {
      cursor
      node {
        id text messageType deliveredAt readAt createdAt clientId editedAt deletedAt
        room { id createdAt }
        sender { id username role }
        attachments { id size contentType originalName file }
        senderUsername
        bidDetails { id amount currency note status createdAt updatedAt createdBy { id username } }
      }
    }
  }
}
"""

SEND_SELECTION = """
query History($roomId: ID!, $last: Int) {
  messages(roomId: $roomId, last: $last) {
    edges { node { id clientId text createdAt sender { id username } } }
  }
}
"""


def _configure(workdir: Path) -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'history.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(count: int):
    """An organizer, a vendor, their room and `count` delivered messages of both."""
    from django.db import transaction

    from chat.models import Attachment, Bid, ChatRoom, Message, MessageType, Role, User

    start = datetime(2026, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        organizer = User.objects.create(username="organizer", role=Role.ORGANIZER, password="!")
        vendor = User.objects.create(username="vendor", role=Role.VENDOR, password="!")
        room = ChatRoom.objects.create(organizer=organizer, vendor=vendor)
        messages = Message.objects.bulk_create(
            [
                Message(
                    room=room,
                    sender=vendor if i % 2 else organizer,
                    text=f"message number {i} about the venue and the date",
                    message_type=MessageType.BID if i % 5 == 0 else MessageType.TEXT,
                    client_id=f"client-{i}",
                    created_at=start + timedelta(seconds=i),
                    delivered_at=start + timedelta(seconds=i + 1),
                )
                for i in range(count)
            ]
        )
        Bid.objects.bulk_create(
            [
                Bid(message=m, amount=Decimal("1250.00"), note="with catering", created_by=vendor)
                for i, m in enumerate(messages)
                if i % 5 == 0
            ]
        )
        Attachment.objects.bulk_create(
            [
                Attachment(
                    room=room,
                    uploaded_by=m.sender,
                    message=m,
                    storage_key=f"key{i:08d}",
                    file=f"attachments/{room.pk}/key{i:08d}",
                    original_name="menu.pdf",
                    size=12345,
                    content_type="application/pdf",
                )
                for i, m in enumerate(messages)
                if i % 4 == 1
            ]
        )
    return room, organizer


def _best(call, executions: int, runs: int) -> float:
    """CPU seconds of the fastest of `runs` runs of `executions` calls."""
    call()
    best = float("inf")
    for _ in range(runs):
        began = time.process_time()
        for _ in range(executions):
            call()
        best = min(best, time.process_time() - began)
    return best


def measure(page: int, executions: int, runs: int) -> dict[str, float]:
    from asgiref.sync import async_to_sync

    from chat import selectors
    from chat.cursors import message_cursor
    from chat.services.history import room_history_fetch
    from schema import schema
    from schema.context import Context

    room, reader = _seed(page * 4)
    variables = {"roomId": str(room.pk), "last": page}

    def executing(document: str):
        async def pages() -> None:
            for _ in range(executions):
                result = await schema.execute(document, variables, context_value=Context(request=None, user=reader))
                if result.errors or len(result.data["messages"]["edges"]) != page:  # type: ignore[index]
                    raise SystemExit(f"the page failed: {result.errors}")

        return lambda: async_to_sync(pages)()

    def resolver_only() -> None:
        # What Query.messages does before the schema sees its return value.
        found = selectors.room_for_participant(room_id=room.pk, user=reader)
        history = room_history_fetch(room=found, reader=reader, last=page)
        [message_cursor(m).encode() for m in history.items]

    per_message = executions * page * 1e-6
    figures = {
        "every field": _best(executing(EVERY_FIELD), 1, runs) / per_message,
        "send selection": _best(executing(SEND_SELECTION), 1, runs) / per_message,
        "resolver only": _best(resolver_only, executions, runs) / per_message,
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", type=int, default=50)
    parser.add_argument("--executions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="parley-history-execute-"))
    try:
        _configure(workdir)
        figures = measure(args.page, args.executions, args.runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    resolver = figures["resolver only"]
    print(f"best of {args.runs} runs of {args.executions} pages of {args.page} messages, CPU µs per message\n")
    print("| selection | schema.execute | of which result building (minus the resolver's SQL and rows) |")
    print("| --- | --- | --- |")
    for name in ("every field", "send selection"):
        print(f"| {name} | {figures[name]:.1f} | {figures[name] - resolver:.1f} |")
    print(f"| (resolver only, no GraphQL) | {resolver:.1f} | — |")


if __name__ == "__main__":
    main()
