"""py-spy sampling of server processes during a measured step, and a plain-text summary of the
collapsed stacks: the share of samples in which each function is on the stack (inclusive) or
on top (self), per thread."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

PY_SPY = str(Path(sys.executable).parent / "py-spy")


def start(pid: int, out: Path, duration: float, rate: int = 200) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PY_SPY,
            "record",
            "-p",
            str(pid),
            "-d",
            str(int(duration)),
            "-r",
            str(rate),
            "--format",
            "raw",
            "--gil",
            "--nonblocking",
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _frame_name(frame: str) -> str:
    # "function (path/to/module.py:123)" -> "function (module path)" without the line.
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


# Where a sample's time goes, judged by the innermost frame's package.
PACKAGES = [
    ("graphql/language/parser", "GraphQL parse"),
    ("graphql/language/lexer", "GraphQL parse"),
    ("graphql/validation", "GraphQL validation"),
    ("strawberry/extensions/query_depth_limiter", "GraphQL validation (depth limiter)"),
    ("graphql/", "GraphQL execution (graphql-core)"),
    ("strawberry", "GraphQL execution (strawberry)"),
    ("django/db/models", "Django ORM (query building, model instances)"),
    ("django/db/backends", "Django DB backend"),
    ("psycopg", "psycopg (driver)"),
    ("sqlite3", "sqlite3 (driver)"),
    ("django", "Django other (request handling, signals)"),
    ("asgiref", "asgiref (sync_to_async / async_to_sync)"),
    ("concurrent/futures", "thread pool (sync thread hops)"),
    ("threading", "thread pool (sync thread hops)"),
    ("channels_redis", "channel layer"),
    ("channels/layers", "channel layer"),
    ("redis/", "redis-py"),
    ("msgpack", "channel layer"),
    ("websockets", "WebSocket protocol (websockets, incl. deflate)"),
    ("uvicorn", "ASGI server (uvicorn)"),
    ("daphne", "ASGI server (daphne/twisted)"),
    ("twisted", "ASGI server (daphne/twisted)"),
    ("autobahn", "ASGI server (daphne/twisted)"),
    ("jwt", "JWT"),
    ("graphql_jwt", "JWT"),
    ("json", "JSON"),
    ("asyncio", "asyncio event loop"),
    ("chat/", "chat domain"),
    ("schema/", "schema layer"),
]

# Functions whose inclusive share answers a question about the send -> event path.
WATCH = [
    ("GraphQLHTTP.__call__ (", "HTTP: whole request through the fast path (schema.http)"),
    ("http_context (schema", "  HTTP: authenticate the bearer token (http_context)"),
    ("SchemaExtensionsRunner.parsing (", "  GraphQL parse, or its cache (HTTP and WS operations)"),
    ("SchemaExtensionsRunner.validation (", "  GraphQL validate, or its cache (HTTP and WS operations)"),
    ("Mutation.send_message (", "  sendMessage resolver (room check + message_send)"),
    ("room_for_participant (", "    room_for_participant (room + participants read)"),
    ("send_budget_take (", "    send rate limit (send_budget_take)"),
    ("message_send (chat/services", "    message_send (service: lock, insert, room touch)"),
    ("QuerySet.create (django", "      Message.objects.create (model save, insert compile)"),
    ("broadcast (chat/realtime", "      broadcast after commit (async_to_sync(group_send))"),
    ("message_with_payload (chat/selectors", "message_with_payload: all callers (sender payload + one per subscriber)"),
    ("_database.<locals>.on_thread (chat/feed", "subscriber: database work in the sync thread (feed._db calls)"),
    ("messages_stamp_delivered (", "  subscriber: deliveredAt UPDATE (messages_stamp_delivered)"),
    ("RoomFeed.items (", "subscriber: feed coroutine (async side)"),
    ("_send_result_stream (strawberry", "subscriber: execute the event's selection + send the frame"),
    ("RoomListener.events (", "subscriber: channel layer receive"),
    ("RoomHub.", "realtime: the process's room hub (receive once, hand to local subscribers)"),
    ("BaseConnection._connect_gen (psycopg", "open a new PostgreSQL connection"),
    ("DatabaseWrapper.get_new_connection (django", "open a new database connection (Django, any backend)"),
    ("close_old_connections (", "close_old_connections (request_started/finished signals)"),
    ("Thread.start (threading", "start a new thread (asgiref per-request executor)"),
    ("PerMessageDeflate.encode (", "permessage-deflate compression"),
    ("get_user_by_token (", "get_user_by_token (JWT decode + user read, HTTP and WS)"),
    ("JSONEncoder", "JSON encoding"),
]


def summarise(raw: Path, top: int = 40) -> str:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    packages: Counter = Counter()
    watched: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = stack.split(";")
        if frames[0].startswith(("thread ", "process ")):
            frames = frames[1:]
        total += n
        names = [_frame_name(f) for f in frames]
        for name in set(names):
            inclusive[name] += n
        for marker, label in WATCH:
            if marker in stack:
                watched[label] += n
        if names:
            own[names[-1]] += n
        leaf = frames[-1] if frames else ""
        for marker, label in PACKAGES:
            if marker in leaf:
                packages[label] += n
                break
        else:
            packages["other"] += n
    if not total:
        return "no samples"
    pct = lambda n: f"{100 * n / total:5.1f}%"  # noqa: E731
    lines = [f"{total} samples while holding the GIL (py-spy --gil), i.e. CPU time of Python code", ""]
    lines += ["self time by package (innermost frame):"]
    lines += [f"  {pct(n)}  {label}" for label, n in packages.most_common()]
    lines += ["", "inclusive time of watched functions:"]
    lines += [f"  {pct(watched[label])}  {label}" for _, label in WATCH]
    lines += ["", "inclusive (on the stack), top functions:"]
    lines += [f"  {pct(n)}  {f}" for f, n in inclusive.most_common(top)]
    lines += ["", "self (on top), top functions:"]
    lines += [f"  {pct(n)}  {f}" for f, n in own.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarise(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40))
