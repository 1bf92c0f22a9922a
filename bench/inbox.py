"""What a room list costs the server per user: one `roomActivity` subscription against one
`messageAdded` subscription per room (what the web client opened before issue 14), over real
sockets to a real server, each way on a fresh server process.

    .venv/bin/python -m bench.inbox [--config embedded|services] [--users 200] [--rooms 50]

Each room holds one message. Per mode: a fresh server; `--warm` users connect first (module
imports, caches), then the server's RSS is read; the `--users` measured users connect, each
with one socket signed in and the mode's subscriptions (none for `socket`: the socket alone,
to subtract). Each `messageAdded` subscription starts from the beginning and replays its
room's message, so all are known to be live before anything is read; then, after a settle,
the RSS again, and (with Redis) its used memory. Per user = the difference divided by the
users. A probe then sends one message into the first room of `--probe` users and checks that
each one's socket hears of it.
The result is written to var/bench/results/inbox-<config>-<time>.json.
"""

import argparse
import asyncio
import contextlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import websockets

from bench import RESULTS
from bench.__main__ import CONFIGS, code_version, machine
from bench.protocol import SEND_MUTATION, SUBSCRIPTION
from bench.stack import Stack, _stop

BEGINNING = "MTk3MC0wMS0wMVQwMDowMDowMCswMDowMHww"  # the cursor before every message (1970, id 0)

ROOM_ACTIVITY = """
subscription RoomActivity {
  roomActivity {
    room {
      id unreadCount createdAt
      organizer { id username online lastSeenAt } vendor { id username online lastSeenAt }
      lastMessage { id text messageType senderUsername createdAt readAt editedAt deletedAt }
    }
  }
}"""
MODES = ("socket", "roomActivity", "messageAdded")
SETTLE_SECONDS = 5


def log(*parts) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Client:
    """One user's socket and subscriptions; remembers the rooms it heard of."""

    def __init__(self, url: str, user: dict, mode: str) -> None:
        self.url, self.user, self.mode = url, user, mode
        self.heard: set[str] = set()
        self.replayed = 0
        self.errors: list = []
        self.ws = None
        self.reader: asyncio.Task | None = None
        self.room_of: dict[str, str] = {}

    async def open(self) -> None:
        self.ws = await websockets.connect(
            self.url, subprotocols=["graphql-transport-ws"], ping_interval=None, max_queue=None, open_timeout=60
        )
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {self.user['token']}"}}
        await self.ws.send(json.dumps(init))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
        if self.mode == "roomActivity":
            await self._subscribe("1", ROOM_ACTIVITY, {})
        elif self.mode == "messageAdded":
            for n, room_id in enumerate(self.user["rooms"], start=1):
                self.room_of[str(n)] = room_id
                await self._subscribe(str(n), SUBSCRIPTION, {"roomId": room_id, "after": BEGINNING})
        self.reader = asyncio.create_task(self._read())

    async def _subscribe(self, op: str, query: str, variables: dict) -> None:
        payload = {"query": query, "variables": variables}
        await self.ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame.get("type") == "ping":
                    await self.ws.send('{"type":"pong"}')
                elif frame.get("type") == "next":
                    data = frame["payload"].get("data") or {}
                    if "roomActivity" in data:
                        self.heard.add(data["roomActivity"]["room"]["id"])
                    elif data.get("messageAdded", {}).get("__typename") == "MessageEvent":
                        if data["messageAdded"]["message"]["text"] == "hello":
                            self.replayed += 1
                        else:
                            self.heard.add(self.room_of[frame["id"]])
                elif frame.get("type") == "error":
                    self.errors.append(frame.get("payload"))

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            self.reader.cancel()


async def _open_all(url: str, users: list[dict], mode: str) -> list[Client]:
    clients = [Client(url, user, mode) for user in users]
    for start in range(0, len(clients), 20):
        await asyncio.gather(*(client.open() for client in clients[start : start + 20]))
    if mode == "messageAdded":
        rooms = len(users[0]["rooms"])
        deadline = time.monotonic() + 2400
        while any(client.replayed < rooms for client in clients):
            if time.monotonic() > deadline:
                raise TimeoutError("subscriptions did not all replay their room")
            await asyncio.sleep(0.2)
    return clients


async def _probe(http: str, clients: list[Client]) -> dict:
    async with httpx.AsyncClient(timeout=30) as session:
        for client in clients:
            room = client.user["rooms"][0]
            response = await session.post(
                http,
                json={"query": SEND_MUTATION, "variables": {"roomId": room, "text": "probe"}},
                headers={"Authorization": f"Bearer {client.user['probe_token']}"},
            )
            assert "errors" not in response.json(), response.text
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(c.user["rooms"][0] in c.heard for c in clients):
        await asyncio.sleep(0.1)
    return {"sent": len(clients), "heard": sum(c.user["rooms"][0] in c.heard for c in clients)}


async def _measure(stack: Stack, users: list[dict], warm: list[dict], mode: str, probe: int) -> dict:
    server = stack._start_server()
    try:
        await asyncio.sleep(2)
        warm_clients = await _open_all(server.ws, warm, mode)
        await asyncio.sleep(SETTLE_SECONDS)
        rss0, redis0 = server.rss(), stack.redis_memory()
        started = time.monotonic()
        clients = await _open_all(server.ws, users, mode)
        opened = time.monotonic() - started
        await asyncio.sleep(SETTLE_SECONDS)
        rss1, redis1 = server.rss(), stack.redis_memory()
        checked = {"sent": 0, "heard": 0} if mode == "socket" else await _probe(server.http, clients[:probe])
        errors = [e for c in clients for e in c.errors]
        for client in clients + warm_clients:
            await client.close()
    finally:
        _stop(server.process)
    result = {
        "mode": mode,
        "users": len(users),
        "subscriptions_per_user": {"socket": 0, "roomActivity": 1, "messageAdded": len(users[0]["rooms"])}[mode],
        "open_seconds": round(opened, 1),
        "server_rss_mb": [round(rss0 / 2**20, 1), round(rss1 / 2**20, 1)],
        "rss_per_user_kb": round((rss1 - rss0) / len(users) / 1024, 1),
        "redis_per_user_kb": None if redis0 is None else round((redis1 - redis0) / len(users) / 1024, 2),
        "probe": checked,
        "errors": errors[:5],
    }
    log(mode, result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__)
    parser.add_argument("--config", choices=CONFIGS, default="embedded")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--probe", type=int, default=20)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    db, layer = CONFIGS[args.config]
    with Stack(db=db, layer=layer) as stack:
        stack.start()
        log(f"started {stack.label}; seeding {args.users + args.warm} users with {args.rooms} rooms each")
        seeded = stack.seed("inbox", "--users", str(args.users + args.warm), "--rooms", str(args.rooms))["users"]
        warm, users = seeded[: args.warm], seeded[args.warm :]
        results = [asyncio.run(_measure(stack, users, warm, mode, args.probe)) for mode in args.modes.split(",")]
        label = stack.label
    by_mode = {r["mode"]: r for r in results}
    summary = {}
    if "socket" in by_mode:
        base = by_mode["socket"]["rss_per_user_kb"]
        summary = {mode: round(r["rss_per_user_kb"] - base, 1) for mode, r in by_mode.items() if mode != "socket"}
        log("subscriptions per user, socket subtracted (KB):", summary)
    record = {
        "scenario": "inbox",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_version(),
        "config": args.config,
        "label": label,
        "command": f".venv/bin/python -m bench.inbox --config {args.config} --users {args.users} --rooms {args.rooms}",
        "rooms_per_user": args.rooms,
        "results": results,
        "subscriptions_kb_per_user": summary,
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = Path(RESULTS) / f"inbox-{args.config}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(record, indent=2))
        log("saved", path)


if __name__ == "__main__":
    main()
