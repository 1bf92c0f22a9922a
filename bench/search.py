"""What a page of `searchMessages` costs as the caller's messages grow: one user with 1,000 and
with 1,000,000 messages across 200 rooms, a common word (in 30 % of the messages) and a rare
one (1 in 997), the first page and a later one (after 200 matches), 20 a page; p50 and p90 of
`chat.search.messages_matching` (the SQL and the payload the resolver returns; no HTTP) over
`--runs` calls each, after 3 unmeasured ones.

    .venv/bin/python -m bench.search [--config embedded|services|both] [--sizes 1000,1000000]
                                     [--runs 50] [--explain]

embedded: a SQLite file in a temporary directory, deleted afterwards. services: the schema
`bench_search` of PostgreSQL's `search` database (BENCH_SEARCH_URL), dropped afterwards. Rows
are inserted in bulk (executemany on SQLite, whose triggers fill FTS5; COPY on PostgreSQL,
then chat.search.search_index_rebuild with the GIN index built after, then VACUUM ANALYZE),
not through the write path. Each configuration and size runs in a process of its own.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PG_URL = os.environ.get("BENCH_SEARCH_URL", "postgres://postgres@127.0.0.1:5432/search")
PG_SCHEMA = "bench_search"
ROOMS = 200
COMMON, RARE = "price", "zeppelin"
COMMON_SHARE, RARE_EVERY = 0.3, 997
PAGE = 20
LATER_AFTER = 200  # a later page starts after this many matches


def _configure(config: str, workdir: Path) -> None:
    os.environ.pop("REDIS_URL", None)
    if config == "services":
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
            admin.execute(f"CREATE SCHEMA {PG_SCHEMA}")
        os.environ["DATABASE_URL"] = f"{PG_URL}?options=-c%20search_path%3D{PG_SCHEMA}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'search.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _cleanup(config: str) -> None:
    if config == "services" and "DATABASE_URL" in os.environ:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")


def _texts(count: int, rng: random.Random) -> list[str]:
    """Texts of 6 to 16 words drawn from 5,000 made-up ones by a Zipf-like law; COMMON in 30 %,
    RARE in every 997th."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(5000)]
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    lengths = [rng.randint(6, 16) for _ in range(count)]
    words = rng.choices(vocabulary, weights=weights, k=sum(lengths))
    texts, at = [], 0
    for i, length in enumerate(lengths):
        chosen = words[at : at + length]
        at += length
        if rng.random() < COMMON_SHARE:
            chosen[rng.randrange(length)] = COMMON
        if i % RARE_EVERY == 0:
            chosen[rng.randrange(length)] = RARE
        texts.append(" ".join(chosen))
    return texts


def _seed(count: int) -> tuple[int, dict[str, int]]:
    """One organizer with ROOMS vendors and `count` messages spread over their rooms: its id,
    and how many messages hold each measured word."""
    from django.db import connection, transaction

    from chat.models import ChatRoom, Role, User
    from chat.search import search_index_rebuild

    rng = random.Random(20261203)
    with transaction.atomic():
        user = User.objects.create(username="searcher", role=Role.ORGANIZER)
        vendors = User.objects.bulk_create([User(username=f"vendor{i}", role=Role.VENDOR) for i in range(ROOMS)])
        rooms = ChatRoom.objects.bulk_create([ChatRoom(organizer=user, vendor=vendor) for vendor in vendors])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    texts = _texts(count, rng)

    def rows():
        for i, text in enumerate(texts):
            room = rooms[rng.randrange(ROOMS)]
            sender = user.pk if i % 2 else room.vendor_id
            yield (room.pk, sender, text, "TEXT", start + timedelta(seconds=i))

    columns = "room_id, sender_id, text, message_type, created_at"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX message_search")
            with cursor.connection.cursor().copy(f"COPY chat_message ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
            search_index_rebuild()
        else:
            cursor.executemany(f"INSERT INTO chat_message ({columns}) VALUES (%s, %s, %s, %s, %s)", list(rows()))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # After commit: the foreign keys' deferred checks must have run first.
            cursor.execute("CREATE INDEX message_search ON chat_message USING GIN (search_vector)")
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {word: sum(1 for text in texts if word in text.split()) for word in (COMMON, RARE)}
    return user.pk, counts


def _timed(call, runs: int) -> dict:
    for _ in range(3):
        call()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p90": samples[int(len(samples) * 0.9) - 1]}


def _explain(call) -> str:
    """The plan of the page's matching statement (the first the call runs), as chat.search
    built it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        call()
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + queries.captured_queries[0]["sql"].replace("%", "%%"))
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def run_one(config: str, size: int, runs: int, explain: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="parley-search-bench-"))
    try:
        _configure(config, workdir)
        began = time.perf_counter()
        user_id, counts = _seed(size)
        load_seconds = time.perf_counter() - began
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from chat import search
        from chat.models import User

        user = User.objects.get(pk=user_id)
        result: dict = {"config": config, "size": size, "load_seconds": load_seconds, "words": {}, "counts": counts}
        for word in (COMMON, RARE):
            matches = search.messages_matching(user=user, query=word, first=100)
            walked = list(matches.items)
            while len(walked) < LATER_AFTER + 1 and matches.has_next:
                matches = search.messages_matching(user=user, query=word, first=100, after=walked[-1].cursor)
                walked += matches.items
            later = walked[LATER_AFTER - 1].message.pk if len(walked) > LATER_AFTER else None

            def first(w=word):
                return search.messages_matching(user=user, query=w, first=PAGE)

            with CaptureQueriesContext(connection) as queries:
                first()
            figures = {"first": _timed(first, runs), "statements": len(queries)}
            if explain:
                figures["plan_first"] = _explain(first)
            if later is not None:

                def later_page(w=word, c=search.MessageIdCursor(later).encode()):
                    return search.messages_matching(user=user, query=w, first=PAGE, after=c)

                figures["later"] = _timed(later_page, runs)
                if explain:
                    figures["plan_later"] = _explain(later_page)
            result["words"][word] = figures
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM chat_message")
            result["messages"] = cursor.fetchone()[0]
        return result
    finally:
        _cleanup(config)
        shutil.rmtree(workdir, ignore_errors=True)


def _row(result: dict, word: str, page: str) -> str:
    figures = result["words"][word].get(page)
    if figures is None:
        return "—"
    return f"{figures['p50']:.2f} ms ({figures['p90']:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=["embedded", "services", "both"], default="both")
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the plan of each measured statement")
    parser.add_argument("--one", nargs=2, metavar=("CONFIG", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.runs, args.explain)))
        return
    configs = ["embedded", "services"] if args.config == "both" else [args.config]
    results = []
    for config in configs:
        for size in (int(s) for s in args.sizes.split(",")):
            command = [sys.executable, "-m", "bench.search", "--one", config, str(size), "--runs", str(args.runs)]
            if args.explain:
                command.append("--explain")
            began = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
            output = done.stdout
            result = json.loads(output.strip().splitlines()[-1])
            result["wall_seconds"] = time.perf_counter() - began
            results.append(result)
            print(
                f"{config} {size:,} messages: loaded in {result['load_seconds']:.0f} s, "
                f"run in {result['wall_seconds']:.0f} s",
                file=sys.stderr,
            )
            if args.explain:
                for word, figures in result["words"].items():
                    for key in ("plan_first", "plan_later"):
                        if key in figures:
                            print(f"--- {config} {size:,} {word!r} {key}:\n{figures[key]}\n", file=sys.stderr)
    print(f"p50 (p90) of {args.runs} calls, {PAGE} a page; later = after the first {LATER_AFTER} matches\n")
    print(
        f"| configuration | messages | {COMMON!r} first page | {COMMON!r} later page "
        f"| {RARE!r} first page | {RARE!r} later page | matches ({COMMON!r}/{RARE!r}) | SQL statements |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        words = r["words"]
        counts = f"{r['counts'][COMMON]:,} / {r['counts'][RARE]:,}"
        print(
            f"| {r['config']} | {r['messages']:,} | {_row(r, COMMON, 'first')} | {_row(r, COMMON, 'later')} "
            f"| {_row(r, RARE, 'first')} | {_row(r, RARE, 'later')} | {counts} | {words[COMMON]['statements']} |"
        )


if __name__ == "__main__":
    main()
