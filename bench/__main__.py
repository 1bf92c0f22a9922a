"""python -m bench <scenario> [options]; see bench/README.md."""

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import psutil

from bench import RESULTS, scenarios
from bench.stack import Stack

DEFAULT_RATES = "10,20,30,40,50,75,100,150,200,300,400,600,800,1000,1500"
CONFIGS = {"embedded": ("sqlite", "memory"), "services": ("postgres", "redis")}


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def code_version() -> dict:
    """The commit measured and the server-side files that differed from it at the time."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()

    dirty = [
        line[3:]
        for line in git("status", "--porcelain").splitlines()
        if line[3:].startswith(("chat/", "schema/", "project/"))
    ]
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_server_files": dirty}


def _rates(value: str) -> list[float]:
    return [float(v) for v in value.split(",")]


def _env(values: list[str]) -> dict[str, str]:
    return dict(v.split("=", 1) for v in values)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = p.add_subparsers(dest="scenario", required=True)

    def common(sp, *, rooms: int = 500, rate: float = 200, duration: float = 20) -> None:
        sp.add_argument(
            "--config",
            choices=CONFIGS,
            default="embedded",
            help="embedded: SQLite + in-process layer; services: PostgreSQL + Redis",
        )
        sp.add_argument("--layer", choices=["redis", "pubsub"], help="with --config services (default redis)")
        sp.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
        sp.add_argument(
            "--processes",
            type=int,
            default=1,
            help="server processes (2: subscribers on the first, senders on the second)",
        )
        sp.add_argument(
            "--env",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="extra server environment, e.g. DB_CONN_MAX_AGE=60",
        )
        sp.add_argument("--rooms", type=int, default=rooms, help="active rooms (two subscribers each)")
        sp.add_argument("--rate", type=float, default=rate, help="total messages per second")
        sp.add_argument("--duration", type=float, default=duration, help="seconds of sending per step")
        sp.add_argument("--workers", type=int, default=1, help="generator processes")
        sp.add_argument("--http-connections", type=int, default=32, help="keep-alive HTTP connections in total")
        sp.add_argument(
            "--no-compression", action="store_true", help="do not offer permessage-deflate (browsers do offer it)"
        )
        sp.add_argument("--label", default="", help="a note stored with the result")
        sp.add_argument("--no-save", action="store_true")
        sp.add_argument(
            "--app-dir",
            type=Path,
            default=None,
            help="run the server from another checkout (e.g. a copy with a candidate fix)",
        )
        sp.add_argument("--profile", metavar="DIR", help="py-spy the server(s) during measured steps into DIR")

    common(sub.add_parser("latency", help="steady rate R across N rooms, both participants subscribed"))
    cap = sub.add_parser("capacity", help="raise R stepwise until p99 > limit or anything is lost")
    common(cap, duration=10)
    cap.add_argument("--rates", type=_rates, default=_rates(DEFAULT_RATES))
    cap.add_argument("--p99-limit", type=float, default=100)
    con = sub.add_parser("connections", help="K idle subscribed sockets, RSS per socket, then latency")
    common(con, duration=15)
    con.add_argument("--idle", type=int, default=10000)
    con.add_argument("--idle-workers", type=int, default=2)
    con.add_argument("--probe", type=int, default=200, help="idle rooms checked with one message each")
    con.add_argument(
        "--probe-rate",
        type=float,
        default=10,
        help="messages/s of that check (below capacity, so that it checks delivery, not load)",
    )
    hist = sub.add_parser("history", help="messages pages in rooms of 10 .. 1,000,000 messages")
    common(hist)
    hist.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")], default=[10, 10_000, 1_000_000])
    hist.add_argument("--requests", type=int, default=200)
    sco = sub.add_parser("scaleout", help="latency, then capacity, on two server processes (needs Redis)")
    common(sco)
    sco.add_argument("--rates", type=_rates, default=_rates(DEFAULT_RATES))
    sco.add_argument("--p99-limit", type=float, default=100)
    sco.add_argument("--step-duration", type=float, default=10)
    rep = sub.add_parser("report", help="render the tables and the latency plot of var/bench/results into var/bench/")
    rep.add_argument("--doc", default=str(RESULTS.parent / "report.md"))
    rep.add_argument("--plot", default=str(RESULTS.parent / "latency.png"))
    return p


def make_stack(args) -> Stack:
    db, layer = CONFIGS[args.config]
    if args.layer:
        if args.config != "services":
            raise SystemExit("--layer needs --config services")
        layer = args.layer
    processes = 2 if args.scenario == "scaleout" else args.processes
    if processes > 1 and layer == "memory":
        raise SystemExit("several server processes need Redis: use --config services")
    stack = Stack(db=db, layer=layer, server=args.server, processes=processes, extra_env=_env(args.env))
    if args.app_dir:
        stack.app_dir = args.app_dir.resolve()
    return stack


def save(scenario: str, stack: Stack, args, result: dict, started: float) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    slug = f"{stack.db}-{stack.layer}-{stack.server}-x{stack.processes}"
    if args.app_dir:
        slug += "-app-" + stack.app_dir.name
    if stack.extra_env:
        slug += "-" + "-".join(f"{k}{v}" for k, v in sorted(stack.extra_env.items()))
    if args.no_compression:
        slug += "-nodeflate"
    path = RESULTS / f"{scenario}-{slug}-{stamp}.json"
    document = {
        "scenario": scenario,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "command": ".venv/bin/python -m bench " + shlex.join(sys.argv[1:]),
        "machine": machine(),
        "code": code_version(),
        "stack": stack.describe(),
        "compression": not args.no_compression,
        "workers": args.workers,
        "label": args.label,
        "wall_seconds": round(time.monotonic() - started, 1),
        "result": result,
    }
    path.write_text(json.dumps(document, indent=1))
    scenarios.log(f"saved {path}")
    return path


def main(argv: list[str]) -> None:
    args = parser().parse_args(argv)
    os.chdir(Path(__file__).resolve().parent.parent)
    if args.scenario == "report":
        from bench.report import render

        render(Path(args.doc), Path(args.plot))
        return
    started = time.monotonic()
    stack = make_stack(args)
    try:
        if args.scenario == "scaleout":
            result = scenarios.latency(stack, args)
            if not args.no_save:
                save("latency", stack, args, result, started)
            stack.stop()
            stack = make_stack(args)
            args.duration = args.step_duration
            started = time.monotonic()
            result = scenarios.capacity(stack, args)
            scenario = "capacity"
        else:
            result = getattr(scenarios, args.scenario)(stack, args)
            scenario = args.scenario
        if not args.no_save:
            save(scenario, stack, args, result, started)
    finally:
        stack.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
