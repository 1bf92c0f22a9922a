"""A load-generator worker: a process of its own that holds both participants' sockets of its
share of the rooms and sends that share's messages, so that a message's send start and its
arrival are both stamped on this process's monotonic clock.

The coordinator (bench.scenarios) drives workers over a Pipe:
    ("open", {})                        -> {"opened", "failed", "seconds"}
    ("step", {rate, duration|count, go, drain, tag})  -> raw samples of that step
    ("close", {})                       -> {} and the worker exits

Sending is open loop: message i is due at go + i/rate whether or not earlier sends have
answered (no coordinated omission); the lag between due time and actual start is reported.
"""

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
import uvloop

from bench.protocol import SEND_MUTATION, Subscriber, error_code
from bench.stack import raise_open_files_limit

SIDES = ("a", "b")


@dataclass
class Sent:
    room: int
    side: str
    due: float
    start: float = 0.0
    response: float = 0.0
    code: str | None = "PENDING"  # None when it succeeded
    message_id: str | None = None


@dataclass
class StepState:
    tag: str
    sent: dict[int, Sent] = field(default_factory=dict)
    # seq -> {side: [arrival times]}
    arrivals: dict[int, dict[str, list[float]]] = field(default_factory=dict)


class Worker:
    def __init__(self, cfg: dict, rooms: list[dict]) -> None:
        self.cfg = cfg
        self.rooms = rooms
        self.sub_urls: list[str] = cfg["sub_urls"]
        self.send_urls: list[str] = cfg["send_urls"]
        self.subscribers: dict[tuple[int, str], Subscriber] = {}
        self.steps: dict[str, StepState] = {}
        self.last_key: dict[tuple[int, str], tuple] = {}
        self.out_of_order = 0
        self.unknown_events = 0
        self.session: aiohttp.ClientSession | None = None
        self.bad_responses: list[str] = []

    # -- sockets ------------------------------------------------------------------------------
    def _handler(self, room_index: int, side: str):
        key = (room_index, side)

        def on_event(message: dict, now: float) -> None:
            order = (datetime.fromisoformat(message["createdAt"]), int(message["id"]))
            previous = self.last_key.get(key)
            if previous is not None and order < previous:
                self.out_of_order += 1
            else:
                self.last_key[key] = order
            text = message["text"]
            if not text.startswith("bench "):
                self.unknown_events += 1
                return
            _, tag, seq = text.split(" ", 2)
            state = self.steps.get(tag)
            if state is None:
                self.unknown_events += 1
                return
            state.arrivals.setdefault(int(seq), {}).setdefault(side, []).append(now)

        return on_event

    async def open(self) -> dict:
        started = time.monotonic()
        limit = asyncio.Semaphore(self.cfg.get("connect_concurrency", 50))
        failed: list[str] = []
        compression = self.cfg.get("compression", True)

        async def one(index: int, side: str) -> None:
            room = self.rooms[index]
            url = self.sub_urls[index % len(self.sub_urls)]
            subscriber = Subscriber(
                url, room[side]["token"], room["id"], self._handler(index, side), compression=compression
            )
            async with limit:
                for attempt in range(3):
                    try:
                        await subscriber.open()
                        self.subscribers[(index, side)] = subscriber
                        return
                    except Exception as error:  # noqa: BLE001 - counted and reported
                        if attempt == 2:
                            failed.append(repr(error)[:200])
                        else:
                            await asyncio.sleep(0.5)

        await asyncio.gather(*(one(i, s) for i in range(len(self.rooms)) for s in SIDES))
        connector = aiohttp.TCPConnector(limit=self.cfg.get("http_connections", 32), keepalive_timeout=120)
        self.session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30))
        return {
            "opened": len(self.subscribers),
            "failed": len(failed),
            "failures": failed[:5],
            "seconds": round(time.monotonic() - started, 2),
        }

    # -- one measured step ------------------------------------------------------------------
    async def _send(self, state: StepState, seq: int, record: Sent) -> None:
        room = self.rooms[record.room]
        url = self.send_urls[record.room % len(self.send_urls)]
        body = json.dumps(
            {"query": SEND_MUTATION, "variables": {"roomId": room["id"], "text": f"bench {state.tag} {seq}"}}
        )
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {room[record.side]['token']}"}
        record.start = time.perf_counter()
        try:
            async with self.session.post(url, data=body, headers=headers) as response:
                raw = await response.read()
                status = response.status
            record.response = time.perf_counter()
            try:
                payload = json.loads(raw)
            except ValueError:
                record.code = f"HTTP_{status}"
                if len(self.bad_responses) < 5:
                    self.bad_responses.append(raw[:300].decode(errors="replace"))
                return
            record.code = error_code(payload)
            if record.code == "INTERNAL_SERVER_ERROR" and len(self.bad_responses) < 5:
                self.bad_responses.append(json.dumps(payload["errors"])[:300])
            if record.code is None:
                record.message_id = payload["data"]["sendMessage"]["id"]
        except Exception as error:  # noqa: BLE001 - counted and reported
            record.response = time.perf_counter()
            record.code = type(error).__name__

    async def step(self, spec: dict) -> dict:
        tag = spec["tag"]
        state = self.steps[tag] = StepState(tag)
        ooo0, unknown0 = self.out_of_order, self.unknown_events
        rate = spec["rate"]
        n_rooms = len(self.rooms)
        count = spec.get("count") or int(round(rate * spec["duration"]))
        if spec.get("rooms_limit"):
            n_rooms = min(n_rooms, spec["rooms_limit"])
        # `go` is on the shared monotonic clock; perf_counter is the same clock on Linux but
        # convert anyway.
        offset = time.perf_counter() - time.monotonic()
        go = spec["go"] + offset
        tasks = []
        for seq in range(count):
            due = go + seq / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            room = seq % n_rooms
            side = SIDES[(seq // n_rooms) % 2]
            record = state.sent[seq] = Sent(room, side, due)
            tasks.append(asyncio.create_task(self._send(state, seq, record)))
        send_end = time.perf_counter()
        await asyncio.gather(*tasks)
        # Drain: wait until every successful send reached both participants, or time is up.
        deadline = time.perf_counter() + spec.get("drain", 5)
        ok = [seq for seq, r in state.sent.items() if r.code is None]
        while time.perf_counter() < deadline:
            if all(len(state.arrivals.get(seq, {})) == 2 for seq in ok):
                break
            await asyncio.sleep(0.05)
        result = self._collect(state, count, go, send_end)
        result["out_of_order"] = self.out_of_order - ooo0
        result["unknown_events"] = self.unknown_events - unknown0
        return result

    def _collect(self, state: StepState, count: int, go: float, send_end: float) -> dict:
        send_ms, e2e_ms, e2e_due_ms, self_ms, lag_ms = [], [], [], [], []
        codes: dict[str, int] = {}
        delivered = lost = lost_self = duplicated = 0
        for seq, record in state.sent.items():
            lag_ms.append((record.start - record.due) * 1000)
            if record.code is not None:
                codes[record.code] = codes.get(record.code, 0) + 1
                continue
            send_ms.append((record.response - record.start) * 1000)
            arrivals = state.arrivals.get(seq, {})
            other = "b" if record.side == "a" else "a"
            if arrivals.get(other):
                delivered += 1
                e2e_ms.append((arrivals[other][0] - record.start) * 1000)
                e2e_due_ms.append((arrivals[other][0] - record.due) * 1000)
            else:
                lost += 1
            if arrivals.get(record.side):
                self_ms.append((arrivals[record.side][0] - record.start) * 1000)
            else:
                lost_self += 1
            duplicated += sum(len(times) - 1 for times in arrivals.values())
        del self.steps[state.tag]
        return {
            "scheduled": count,
            "sent_ok": len(send_ms),
            "errors": codes,
            "delivered": delivered,
            "lost": lost,
            "lost_self": lost_self,
            "duplicated": duplicated,
            "send_ms": send_ms,
            "e2e_ms": e2e_ms,
            "e2e_due_ms": e2e_due_ms,
            "self_ms": self_ms,
            "lag_ms": lag_ms,
            "send_seconds": send_end - go,
            "socket_errors": sum(len(s.errors) for s in self.subscribers.values()),
            "warnings": sum(s.warnings for s in self.subscribers.values()),
            "closed_sockets": sum(1 for s in self.subscribers.values() if s.closed_code is not None),
            "bad_responses": self.bad_responses[:5],
        }

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.subscribers.values()))
        if self.session is not None:
            await self.session.close()


async def _serve(conn, cfg: dict, rooms: list[dict]) -> None:
    worker = Worker(cfg, rooms)
    loop = asyncio.get_running_loop()
    while True:
        command, spec = await loop.run_in_executor(None, conn.recv)
        if command == "open":
            conn.send(await worker.open())
        elif command == "step":
            conn.send(await worker.step(spec))
        elif command == "close":
            await worker.close()
            conn.send({})
            return


def worker_main(conn, cfg: dict, rooms: list[dict]) -> None:
    raise_open_files_limit()
    with contextlib.suppress(EOFError, KeyboardInterrupt):
        uvloop.run(_serve(conn, cfg, rooms))
