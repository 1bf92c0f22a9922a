"""The scenarios: each starts its own Stack, drives Generator workers, and returns a result
dict that bench.__main__ stores as JSON under var/bench/results/."""

import asyncio
import contextlib
import json
import multiprocessing
import os
import time
from pathlib import Path

import aiohttp
import psutil

from bench.load import worker_main
from bench.protocol import MESSAGES_QUERY, error_code
from bench.stack import CpuMeter, Stack
from bench.stats import summary

SETTLE_SECONDS = 1.0
# The machine is shared with other work: before a measured step, wait up to QUIET_MAX_WAIT
# seconds for the CPU used by everything that is not ours to fall under QUIET_LIMIT % of a core.
QUIET_LIMIT = float(os.environ.get("BENCH_QUIET_LIMIT", "25"))
QUIET_MAX_WAIT = float(os.environ.get("BENCH_QUIET_MAX_WAIT", "60"))
# A capacity step that fails while other work used more than this (% of a core) is run again once.
DISTURBED = float(os.environ.get("BENCH_DISTURBED", "60"))


def log(*parts) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


class Generator:
    """Worker processes, each with a share of the rooms; rates are split evenly."""

    def __init__(
        self,
        rooms: list[dict],
        *,
        sub_urls: list[str],
        send_urls: list[str],
        workers: int = 1,
        compression: bool = True,
        http_connections: int = 32,
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.workers = max(1, min(workers, len(rooms)))
        self.conns, self.processes = [], []
        cfg = {
            "sub_urls": sub_urls,
            "send_urls": send_urls,
            "compression": compression,
            "http_connections": max(1, http_connections // self.workers),
        }
        for w in range(self.workers):
            parent, child = ctx.Pipe()
            process = ctx.Process(target=worker_main, args=(child, cfg, rooms[w :: self.workers]), daemon=True)
            process.start()
            self.conns.append(parent)
            self.processes.append(process)
        self.n_rooms = len(rooms)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def _all(self, command: str, specs: list[dict], timeout: float) -> list[dict]:
        for conn, spec in zip(self.conns, specs, strict=True):
            conn.send((command, spec))
        results = []
        for conn in self.conns:
            if not conn.poll(timeout):
                raise TimeoutError(f"worker did not answer {command} in {timeout}s")
            results.append(conn.recv())
        return results

    def open(self) -> dict:
        results = self._all("open", [{}] * self.workers, timeout=900)
        return {
            "opened": sum(r["opened"] for r in results),
            "failed": sum(r["failed"] for r in results),
            "failures": [f for r in results for f in r["failures"]][:5],
            "seconds": max(r["seconds"] for r in results),
        }

    def start_step(
        self,
        *,
        rate: float,
        tag: str,
        duration: float | None = None,
        count: int | None = None,
        drain: float = 5,
        rooms_limit: int | None = None,
        go_in: float = 0.5,
    ) -> float:
        go = time.monotonic() + go_in
        specs = []
        for w in range(self.workers):
            share = None if count is None else count // self.workers + (1 if w < count % self.workers else 0)
            specs.append(
                {
                    "rate": rate / self.workers,
                    "duration": duration,
                    "count": share,
                    "go": go,
                    "drain": drain,
                    "tag": tag,
                    "rooms_limit": None if rooms_limit is None else -(-rooms_limit // self.workers),
                }
            )
        for conn, spec in zip(self.conns, specs, strict=True):
            conn.send(("step", spec))
        return go

    def finish_step(self, timeout: float = 600) -> dict:
        results = []
        for conn in self.conns:
            if not conn.poll(timeout):
                raise TimeoutError("worker did not finish its step")
            results.append(conn.recv())
        merged: dict = {"errors": {}}
        for r in results:
            for key, value in r.items():
                if isinstance(value, list):
                    merged.setdefault(key, []).extend(value)
                elif key == "errors":
                    for code, n in value.items():
                        merged["errors"][code] = merged["errors"].get(code, 0) + n
                elif key == "send_seconds":
                    merged[key] = max(merged.get(key, 0), value)
                else:
                    merged[key] = merged.get(key, 0) + value
        return merged

    def step(self, **kwargs) -> dict:
        self.start_step(**kwargs)
        return self.finish_step()

    def close(self, timeout: float = 60) -> None:
        with contextlib.suppress(BaseException):  # closing anyway
            self._all("close", [{}] * self.workers, timeout=timeout)
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()


def summarise(raw: dict, rate: float) -> dict:
    """Keep the counts, turn sample lists into percentiles."""
    out = {k: v for k, v in raw.items() if not isinstance(v, list)}
    out["target_rate"] = rate
    out["achieved_rate"] = round(raw["scheduled"] / raw["send_seconds"], 1) if raw.get("send_seconds") else None
    for key in ("send_ms", "e2e_ms", "e2e_due_ms", "self_ms", "lag_ms"):
        out[key] = summary(raw.get(key, []))
    out["bad_responses"] = raw.get("bad_responses", [])[:5]
    if out["bad_responses"]:
        log("bad responses:", out["bad_responses"][:2])
    return out


def wait_for_quiet(own_pids: list[int], *, limit: float, max_wait: float) -> float:
    """Wait (bounded) until processes other than ours use less than `limit` % of one core:
    the machine is shared. Returns the other load seen last."""
    deadline = time.monotonic() + max_wait
    procs = [psutil.Process(p) for p in own_pids]
    while True:
        sys0 = psutil.cpu_times()
        own0 = sum(sum(p.cpu_times()[:2]) for p in procs)
        time.sleep(1)
        sys1 = psutil.cpu_times()
        own1 = sum(sum(p.cpu_times()[:2]) for p in procs)
        busy = (sum(sys1) - sys1.idle) - (sum(sys0) - sys0.idle)
        other = 100 * (busy - (own1 - own0))
        if other < limit or time.monotonic() > deadline:
            return round(other, 1)


def measured_step(
    stack: Stack,
    gen: Generator,
    *,
    rate: float,
    duration: float,
    tag: str,
    drain: float = 5,
    extra_pids: dict[str, list[int]] | None = None,
    profile: str | None = None,
) -> dict:
    groups = {f"server {i + 1}": [s.pid] for i, s in enumerate(stack.servers)}
    groups["generator"] = gen.pids
    if stack.redis_pid():
        groups["redis"] = [stack.redis_pid()]
    groups.update(extra_pids or {})
    meter = CpuMeter(groups)
    other_before = wait_for_quiet(
        [p for pids in groups.values() for p in pids], limit=QUIET_LIMIT, max_wait=QUIET_MAX_WAIT
    )
    go = gen.start_step(rate=rate, duration=duration, tag=tag, drain=drain)
    time.sleep(max(0.0, go - time.monotonic()))
    meter.start()
    spies = []
    if profile:
        from bench import profile as pyspy

        Path(profile).mkdir(parents=True, exist_ok=True)
        for i, server in enumerate(stack.servers):
            out = Path(profile) / f"{tag}-server{i + 1}-{int(rate)}.txt"
            spies.append((out, pyspy.start(server.pid, out, max(1, duration - 1))))
    time.sleep(duration)
    cpu = meter.stop()
    for out, spy in spies:
        spy.wait(30)
        if out.exists():
            summary_path = out.with_suffix(".summary.txt")
            summary_path.write_text(pyspy.summarise(out))
            log(f"profile: {summary_path}")
    raw = gen.finish_step()
    result = summarise(raw, rate)
    result["cpu_percent"] = cpu
    ours = sum(v for k, v in cpu.items() if k != "machine total")
    result["other_load_percent"] = {"before": other_before, "during": round(cpu["machine total"] - ours, 1)}
    result["postgres_backends"] = meter.postgres_backends
    result["server_rss_mb"] = [round(s.rss() / 2**20, 1) for s in stack.servers]
    e2e = result["e2e_ms"]
    log(
        f"rate {rate}/s: sent {result['sent_ok']}/{result['scheduled']} delivered {result['delivered']} "
        f"lost {result['lost']} dup {result['duplicated']} ooo {result['out_of_order']} errors {result['errors']} | "
        f"send p50 {result['send_ms']['p50']} p99 {result['send_ms']['p99']} | e2e p50 {e2e['p50']} "
        f"p90 {e2e['p90']} p99 {e2e['p99']} max {e2e['max']} ms | lag p99 {result['lag_ms']['p99']} | cpu {cpu} "
        f"| other load {result['other_load_percent']}"
    )
    return result


def _ready(gen: Generator, n_rooms: int, tag: str = "ready") -> dict:
    """One message per room: proves that both subscriptions of every room are live."""
    raw = gen.step(rate=min(200, n_rooms), count=n_rooms, tag=tag, drain=20)
    result = {
        "rooms": n_rooms,
        "sent_ok": raw["sent_ok"],
        "delivered": raw["delivered"],
        "lost": raw["lost"],
        "lost_self": raw["lost_self"],
        "errors": raw["errors"],
    }
    if raw.get("bad_responses"):
        result["bad_responses"] = raw["bad_responses"][:3]
    log("ready check:", result)
    return result


def _setup(stack: Stack, rooms: int, prefix: str = "L") -> list[dict]:
    log(f"starting {stack.label}")
    stack.start()
    seeded = stack.seed("rooms", "--count", str(rooms), "--prefix", prefix)["rooms"]
    stack.start_servers()
    time.sleep(SETTLE_SECONDS)
    return seeded


def _generator(stack: Stack, rooms: list[dict], args) -> Generator:
    servers = stack.servers
    # Scale-out: subscribers on the first process, senders on the last.
    gen = Generator(
        rooms,
        sub_urls=[servers[0].ws],
        send_urls=[servers[-1].http],
        workers=args.workers,
        compression=not args.no_compression,
        http_connections=args.http_connections,
    )
    opened = gen.open()
    log("sockets:", opened)
    if opened["failed"]:
        raise RuntimeError(f"could not open every socket: {opened}")
    return gen


def latency(stack: Stack, args) -> dict:
    rooms = _setup(stack, args.rooms)
    gen = _generator(stack, rooms, args)
    try:
        ready = _ready(gen, len(rooms))
        step = measured_step(stack, gen, rate=args.rate, duration=args.duration, tag="m1", profile=args.profile)
    finally:
        gen.close()
    return {"rooms": args.rooms, "subscribers": 2 * args.rooms, "ready": ready, "step": step}


def capacity(stack: Stack, args) -> dict:
    rooms = _setup(stack, args.rooms)
    gen = _generator(stack, rooms, args)
    steps, held = [], None
    try:
        ready = _ready(gen, len(rooms))
        for i, rate in enumerate(args.rates):
            for attempt in range(2):
                step = measured_step(
                    stack, gen, rate=rate, duration=args.duration, tag=f"c{i}-{attempt}", profile=args.profile
                )
                p99 = step["e2e_ms"]["p99"]
                failed = step["lost"] or step["errors"] or step["duplicated"] or p99 is None or p99 > args.p99_limit
                behind = step["achieved_rate"] is not None and step["achieved_rate"] < 0.95 * rate
                step["held"] = not failed and not behind
                step["generator_behind"] = behind
                step["attempt"] = attempt + 1
                # Other work on the machine, or server errors (here: another suite restarting the
                # shared PostgreSQL), disturbed the step: run it once more.
                server_errors = any(code.startswith(("INTERNAL", "HTTP_5")) for code in step["errors"])
                disturbed = step["other_load_percent"]["during"] > DISTURBED or server_errors
                if step["held"] or not disturbed:
                    break
                log(
                    f"step failed (other work {step['other_load_percent']['during']} % CPU, errors {step['errors']}): "
                    "once more"
                )
                time.sleep(5)
            steps.append(step)
            if not step["held"]:
                break
            held = rate
            time.sleep(1)
    finally:
        gen.close()
    return {
        "rooms": args.rooms,
        "subscribers": 2 * args.rooms,
        "ready": ready,
        "steps": steps,
        "highest_rate_held": held,
        "p99_limit_ms": args.p99_limit,
    }


def connections(stack: Stack, args) -> dict:
    stack.start()
    log(f"started {stack.label}; seeding {args.idle // 2} idle rooms and {args.rooms} active rooms")
    idle_rooms = stack.seed("rooms", "--count", str(args.idle // 2), "--prefix", "I")["rooms"]
    active_rooms = stack.seed("rooms", "--count", str(args.rooms), "--prefix", "L")["rooms"]
    stack.start_servers()
    server = stack.servers[0]
    time.sleep(SETTLE_SECONDS)
    active = _generator(stack, active_rooms, args)
    idle = None
    try:
        ready = _ready(active, len(active_rooms))
        time.sleep(2)
        rss0, redis0 = server.rss(), stack.redis_memory()
        fds0 = psutil.Process(server.pid).num_fds()
        log(f"server rss before idle sockets: {rss0 / 2**20:.1f} MiB")
        idle = Generator(
            idle_rooms,
            sub_urls=[server.ws],
            send_urls=[server.http],
            workers=args.idle_workers,
            compression=not args.no_compression,
            http_connections=8,
        )
        started = time.monotonic()
        opened = idle.open()
        open_seconds = time.monotonic() - started
        log("idle sockets:", opened)
        # Let the server finish the subscriptions it was handed (joins, first reads).
        time.sleep(5)
        rss1, redis1 = server.rss(), stack.redis_memory()
        fds1 = psutil.Process(server.pid).num_fds()
        per_conn = (rss1 - rss0) / max(1, opened["opened"])
        log(f"server rss with {opened['opened']} idle sockets: {rss1 / 2**20:.1f} MiB, {per_conn / 1024:.1f} KiB each")
        probe_rooms = min(args.probe, len(idle_rooms))
        probe_raw = idle.step(
            rate=min(args.probe_rate, probe_rooms), count=probe_rooms, tag="probe", drain=20, rooms_limit=probe_rooms
        )
        probe = {
            "rooms": probe_rooms,
            "sent_ok": probe_raw["sent_ok"],
            "delivered": probe_raw["delivered"],
            "lost": probe_raw["lost"],
            "lost_self": probe_raw["lost_self"],
            "errors": probe_raw["errors"],
            "closed_sockets": probe_raw["closed_sockets"],
            "socket_errors": probe_raw["socket_errors"],
            "e2e_ms": summary(probe_raw["e2e_ms"]),
        }
        log("idle probe:", probe)
        step = measured_step(
            stack, active, rate=args.rate, duration=args.duration, tag="m1", extra_pids={"idle generator": idle.pids}
        )
    finally:
        active.close()
        if idle is not None:
            idle.close()
    return {
        "idle_requested": args.idle,
        "idle_opened": opened["opened"],
        "idle_failed": opened["failed"],
        "idle_failures": opened["failures"],
        "open_seconds": round(open_seconds, 1),
        "open_rate_per_s": round(opened["opened"] / open_seconds, 1),
        "server_rss_before_mb": round(rss0 / 2**20, 1),
        "server_rss_after_mb": round(rss1 / 2**20, 1),
        "rss_per_connection_kb": round(per_conn / 1024, 1),
        "server_fds": [fds0, fds1],
        "redis_used_memory_mb": None if redis0 is None else [round(redis0 / 2**20, 1), round(redis1 / 2**20, 1)],
        "redis_per_connection_kb": None if redis0 is None else round((redis1 - redis0) / 1024 / opened["opened"], 2),
        "ready": ready,
        "probe": probe,
        "rooms": args.rooms,
        "step": step,
    }


async def _time_pages(url: str, token: str, room_id: str, variables: dict, n: int) -> dict:
    samples, codes, edges = [], {}, None
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        body = json.dumps({"query": MESSAGES_QUERY, "variables": {"roomId": room_id, **variables}})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        for i in range(n + 5):
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                raw = await response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            payload = json.loads(raw)
            code = error_code(payload)
            if code:
                codes[code] = codes.get(code, 0) + 1
            elif edges is None:
                edges = len(payload["data"]["messages"]["edges"])
            if i >= 5:  # the first requests warm connections and caches
                samples.append(elapsed)
    return {"latency_ms": summary(samples), "errors": codes, "edges": edges}


def history(stack: Stack, args) -> dict:
    stack.start()
    log(f"started {stack.label}; inserting history rooms of {args.sizes}")
    seeded = stack.seed("history", "--sizes", ",".join(str(s) for s in args.sizes))["rooms"]
    for room in seeded:
        log(f"room of {room['size']} messages inserted in {room['insert_seconds']} s")
    stack.start_servers()
    server = stack.servers[0]
    time.sleep(SETTLE_SECONDS)
    pages = {
        "newest (no arguments)": lambda room: {},
        "middle (last: 50, before)": lambda room: {"last": 50, "before": room["middle_cursor"]},
        "poll (first: 50, after newest)": lambda room: {"first": 50, "after": room["newest_cursor"]},
    }
    rows = []
    for room in seeded:
        for page, variables_for in pages.items():
            variables = variables_for(room)
            timed = asyncio.run(_time_pages(server.http, room["a"]["token"], room["id"], variables, args.requests))
            counted = stack.seed(
                "count",
                "--room",
                room["id"],
                "--token",
                room["a"]["token"],
                "--variables",
                json.dumps(variables),
                "--explain",
            )
            row = {
                "size": room["size"],
                "page": page,
                **timed,
                "statements": counted["statements"],
                "sql": counted["sql"],
                "plan": counted["plan"],
            }
            log(
                f"{room['size']:>8} {page:32} edges {timed['edges']} latency {timed['latency_ms']} "
                f"statements {counted['statements']}"
            )
            rows.append(row)
    return {
        "requests_per_page": args.requests,
        "sizes": args.sizes,
        "insert_seconds": {r["size"]: r["insert_seconds"] for r in seeded},
        "rows": rows,
        "statement_counting": "in process: the real view through django.test.Client under "
        "CaptureQueriesContext (pg_stat_statements is not preloaded here)",
    }
