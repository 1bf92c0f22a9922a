"""What reconciliation (chat/realtime.py) costs a process with many idle subscriptions: the real
RoomHub, with N rooms of one message each and one subscription per room that has seen it,
runs rounds back to back; the figure is CPU per round (this process's, and on PostgreSQL its
backend's), and from it the share of a core at the default interval and after an outage.
Measured twice: rooms whose last message is an hour old (idle), and the worst case, every
room with a message inside the lookback (all of them active in the last minute).

    .venv/bin/python -m bench.reconcile [--config embedded|services] [--subscriptions 10000] [--rounds 20]
"""

import argparse
import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "parley_bench_reconcile"


def configure(config: str) -> None:
    os.environ.pop("REDIS_URL", None)
    if config == "services":
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DATABASE}")
        os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'reconcile.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(rooms: int) -> list[int]:
    from django.db import transaction
    from django.utils import timezone

    from chat.models import ChatRoom, Message, Role, User

    with transaction.atomic():
        organizer = User.objects.create(username="organizer", role=Role.ORGANIZER)
        vendors = User.objects.bulk_create(
            [User(username=f"vendor{i}", role=Role.VENDOR) for i in range(rooms)], batch_size=2000
        )
        made = ChatRoom.objects.bulk_create(
            [ChatRoom(organizer=organizer, vendor=vendor) for vendor in vendors], batch_size=2000
        )
        now = timezone.now() - timedelta(hours=1)
        messages = Message.objects.bulk_create(
            [Message(room=room, sender=organizer, text="hello", created_at=now) for room in made], batch_size=2000
        )
        for room, message in zip(made, messages, strict=True):
            room.last_message, room.last_activity_at = message, now
        ChatRoom.objects.bulk_update(made, ["last_message", "last_activity_at"], batch_size=2000)
    return [room.pk for room in made]


def backend_cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(room_ids: list[int], rounds: int) -> dict:
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.db import connection

    from chat import realtime, selectors

    heads = await sync_to_async(selectors.room_heads)(room_ids=room_ids, since=datetime(1970, 1, 1, tzinfo=UTC))
    hub = realtime.room_hub()
    listeners = []
    for room_id in room_ids:
        listener = realtime.RoomListener(room_id, hub=hub)
        await hub.subscribe(listener)
        listener.seen = heads[room_id]
        listeners.append(listener)

    backend = None
    if connection.vendor == "postgresql":
        backend = await sync_to_async(lambda: connection.cursor().connection.info.backend_pid)()
    done = asyncio.Semaphore(0)
    real = realtime._room_heads

    async def counted(**kwargs):
        result = await real(**kwargs)
        done.release()
        return result

    realtime._room_heads = counted
    settings.PARLEY = {**settings.PARLEY, "RECONCILE_SECONDS": 0, "RECONCILE_FAST_FOR_SECONDS": 0}
    await done.acquire()  # the first round, with its connection set up, is not counted
    cpu, db_cpu, wall = time.process_time(), backend_cpu_seconds(backend), time.perf_counter()
    for _ in range(rounds):
        await done.acquire()
    cpu, db_cpu, wall = (
        time.process_time() - cpu,
        backend_cpu_seconds(backend) - db_cpu,
        time.perf_counter() - wall,
    )
    realtime._room_heads = real
    behind = sum(1 for listener in listeners if listener.backlog)
    for listener in listeners:
        await hub.unsubscribe(listener)
    return {"cpu": cpu / rounds, "db_cpu": db_cpu / rounds, "wall": wall / rounds, "behind": behind}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=["embedded", "services"], default="embedded")
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    configure(args.config)
    from django.conf import settings

    slow, fast = settings.PARLEY["RECONCILE_SECONDS"], settings.PARLEY["REALTIME_RETRY_SECONDS"]
    room_ids = seed(args.subscriptions)
    for case in ("idle rooms (last message 1 h ago)", "every room active in the last minute"):
        if case.startswith("every"):
            from django.db.models import F

            from chat.models import ChatRoom, Message

            Message.objects.update(created_at=F("created_at") + timedelta(hours=1))
            ChatRoom.objects.update(last_activity_at=F("last_activity_at") + timedelta(hours=1))
        result = asyncio.run(measure(room_ids, args.rounds))
        per_round = result["cpu"] + result["db_cpu"]
        print(
            f"reconciliation, {args.config}, {args.subscriptions} subscriptions in as many rooms, {case}, "
            f"{args.rounds} rounds: {result['wall'] * 1000:.1f} ms a round (wall), CPU {result['cpu'] * 1000:.1f} "
            f"ms in the process + {result['db_cpu'] * 1000:.1f} ms in the database backend; "
            f"{per_round / slow * 100:.2f} % of a core every {slow:g} s, {per_round / fast * 100:.2f} % "
            f"every {fast:g} s after an outage; subscriptions asked to catch up: {result['behind']}"
        )


if __name__ == "__main__":
    main()
