"""Seed and inspect the benchmark database through Django (run by bench.stack in a process of
its own, with the server's DATABASE_URL and SECRET_KEY):

    python -m bench.seed rooms --count N --prefix P --out FILE    users + rooms + access tokens
    python -m bench.seed history --sizes 10,10000,1000000 --out FILE
    python -m bench.seed inbox --users U --rooms R --prefix P --out FILE   U users with R rooms each
    python -m bench.seed count --room R --token T --variables JSON --out FILE

Users are inserted with bulk_create and an unusable password (no hashing), tokens minted with
graphql_jwt.shortcuts.get_token; history rows are inserted with one SQL statement per room
(generate_series on PostgreSQL, a recursive CTE on SQLite), not through the API.
"""

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from graphql_jwt.shortcuts import get_token  # noqa: E402

from chat.cursors import Cursor  # noqa: E402
from chat.models import ChatRoom, Message, Role, User  # noqa: E402

HISTORY_BASE = datetime(2025, 1, 1, tzinfo=UTC)


def seed_rooms(count: int, prefix: str) -> dict:
    started = time.monotonic()
    with transaction.atomic():
        organizers = User.objects.bulk_create(
            [User(username=f"{prefix}o{i}", role=Role.ORGANIZER, password="!") for i in range(count)], batch_size=2000
        )
        vendors = User.objects.bulk_create(
            [User(username=f"{prefix}v{i}", role=Role.VENDOR, password="!") for i in range(count)], batch_size=2000
        )
    if organizers[0].pk is None:  # a backend that does not return ids from bulk inserts
        by_name = {u.username: u for u in User.objects.filter(username__startswith=prefix)}
        organizers = [by_name[u.username] for u in organizers]
        vendors = [by_name[u.username] for u in vendors]
    with transaction.atomic():
        rooms = ChatRoom.objects.bulk_create(
            [ChatRoom(organizer=o, vendor=v) for o, v in zip(organizers, vendors, strict=True)], batch_size=2000
        )
    if rooms[0].pk is None:
        ids = dict(ChatRoom.objects.filter(organizer__username__startswith=prefix).values_list("organizer_id", "pk"))
        for room in rooms:
            room.pk = ids[room.organizer_id]
    out = [
        {
            "id": str(room.pk),
            "a": {"username": o.username, "token": get_token(o)},
            "b": {"username": v.username, "token": get_token(v)},
        }
        for room, o, v in zip(rooms, organizers, vendors, strict=True)
    ]
    return {"rooms": out, "seconds": round(time.monotonic() - started, 2)}


def seed_inbox(users: int, rooms: int, prefix: str) -> dict:
    """`users` vendors, each in `rooms` rooms with organizers of their own (no room is shared)."""
    with transaction.atomic():
        watchers = User.objects.bulk_create(
            [User(username=f"{prefix}w{i}", role=Role.VENDOR, password="!") for i in range(users)], batch_size=2000
        )
        others = User.objects.bulk_create(
            [
                User(username=f"{prefix}c{i}-{j}", role=Role.ORGANIZER, password="!")
                for i in range(users)
                for j in range(rooms)
            ],
            batch_size=2000,
        )
    if watchers[0].pk is None:
        by_name = {u.username: u for u in User.objects.filter(username__startswith=prefix)}
        watchers = [by_name[u.username] for u in watchers]
        others = [by_name[u.username] for u in others]
    with transaction.atomic():
        made = ChatRoom.objects.bulk_create(
            [ChatRoom(organizer=others[i * rooms + j], vendor=watchers[i]) for i in range(users) for j in range(rooms)],
            batch_size=2000,
        )
    if made[0].pk is None:
        ids = dict(ChatRoom.objects.filter(vendor__username__startswith=prefix).values_list("organizer_id", "pk"))
        for room in made:
            room.pk = ids[room.organizer_id]
    # One message in each room: a subscription from the beginning replays it, which shows it is live.
    at = datetime.now(UTC)
    with transaction.atomic():
        Message.objects.bulk_create(
            [Message(room=room, sender_id=room.organizer_id, text="hello", created_at=at) for room in made],
            batch_size=2000,
        )
        firsts = dict(Message.objects.filter(room__in=made).values_list("room_id", "pk"))
        for room in made:
            room.last_message_id, room.last_activity_at = firsts[room.pk], at
        ChatRoom.objects.bulk_update(made, ["last_message", "last_activity_at"], batch_size=2000)
    return {
        "users": [
            {
                "username": watcher.username,
                "token": get_token(watcher),
                "rooms": [str(room.pk) for room in made[i * rooms : (i + 1) * rooms]],
                # The other participant of the first room, to send the liveness probe.
                "probe_token": get_token(others[i * rooms]),
            }
            for i, watcher in enumerate(watchers)
        ]
    }


def _insert_history(room: ChatRoom, size: int) -> None:
    a, b = room.organizer_id, room.vendor_id
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO chat_message (room_id, sender_id, text, message_type, created_at)
                SELECT %s, CASE WHEN g %% 2 = 0 THEN %s ELSE %s END, 'history message ' || g, 'TEXT',
                       %s::timestamptz + g * interval '1 second'
                FROM generate_series(1, %s) AS g
                """,
                [room.pk, a, b, HISTORY_BASE, size],
            )
        else:
            # Django stores SQLite datetimes as naive UTC text; a fixed microsecond part keeps
            # text comparison consistent with what Django writes for the cursors.
            cursor.execute(
                """
                WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s)
                INSERT INTO chat_message (room_id, sender_id, text, message_type, created_at)
                SELECT %s, CASE WHEN g %% 2 = 0 THEN %s ELSE %s END, 'history message ' || g, 'TEXT',
                       strftime('%%Y-%%m-%%d %%H:%%M:%%S', %s + g, 'unixepoch') || '.000001'
                FROM s
                """,
                [size, room.pk, a, b, int(HISTORY_BASE.timestamp())],
            )
    newest = Message.objects.filter(room=room).order_by("-created_at", "-id").first()
    ChatRoom.objects.filter(pk=room.pk).update(last_message=newest, last_activity_at=newest.created_at)


def _cursor_at(room: ChatRoom, position: int) -> str:
    message = Message.objects.filter(room=room).order_by("created_at", "id")[position]
    return Cursor(message.created_at, message.pk).encode()


def seed_history(sizes: list[int]) -> dict:
    data = seed_rooms(len(sizes), prefix="hist")
    out = []
    for size, room_data in zip(sizes, data["rooms"], strict=True):
        room = ChatRoom.objects.get(pk=room_data["id"])
        started = time.monotonic()
        with transaction.atomic():
            _insert_history(room, size)
        inserted = time.monotonic() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE chat_message")
        out.append(
            {
                **room_data,
                "size": size,
                "insert_seconds": round(inserted, 2),
                "middle_cursor": _cursor_at(room, size // 2),
                "newest_cursor": _cursor_at(room, size - 1),
            }
        )
    return {"rooms": out}


def count_statements(room: str, token: str, variables: dict, query: str, explain: bool) -> dict:
    """Run one HTTP request through the real view (Django's test client, in process) and count
    the SQL statements it executes with CaptureQueriesContext."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    body = json.dumps({"query": query, "variables": {"roomId": room, **variables}})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "127.0.0.1"}
    client.post("/graphql/", data=body, content_type="application/json", **headers)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql/", data=body, content_type="application/json", **headers)
    payload = response.json()
    statements = [q["sql"] for q in captured.captured_queries]
    plan = None
    if explain and connection.vendor == "postgresql":
        page_sql = max((s for s in statements if "chat_message" in s and "LIMIT" in s), key=len, default=None)
        if page_sql:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + page_sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "statements": len(statements),
        "sql": statements,
        "errors": payload.get("errors"),
        "edges": len(payload.get("data", {}).get("messages", {}).get("edges", [])) if payload.get("data") else None,
        "plan": plan,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    sub = parser.add_subparsers(dest="command", required=True)
    rooms = sub.add_parser("rooms")
    rooms.add_argument("--count", type=int, required=True)
    rooms.add_argument("--prefix", default="u")
    history = sub.add_parser("history")
    history.add_argument("--sizes", default="10,10000,1000000")
    inbox = sub.add_parser("inbox")
    inbox.add_argument("--users", type=int, required=True)
    inbox.add_argument("--rooms", type=int, required=True)
    inbox.add_argument("--prefix", default="ib")
    count = sub.add_parser("count")
    count.add_argument("--room", required=True)
    count.add_argument("--token", required=True)
    count.add_argument("--variables", default="{}")
    count.add_argument("--explain", action="store_true")
    for p in (rooms, history, inbox, count):
        p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.command == "rooms":
        result = seed_rooms(args.count, args.prefix)
    elif args.command == "inbox":
        result = seed_inbox(args.users, args.rooms, args.prefix)
    elif args.command == "history":
        result = seed_history([int(s) for s in args.sizes.split(",")])
    else:
        from bench.protocol import MESSAGES_QUERY

        result = count_statements(args.room, args.token, json.loads(args.variables), MESSAGES_QUERY, args.explain)
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1:])
