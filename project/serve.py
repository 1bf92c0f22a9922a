"""The one way a Parley process is started: the server for `make run`, the tests, the
benchmarks and the browser tests, and the private Redis that tests and benchmarks start.
A flag added here for production is the flag every one of them runs with.

    python -m project.serve app --host 127.0.0.1 --port 8000 [--workers N] [more uvicorn options]
    python -m project.serve redis --port 6390 [more redis-server options]

Each replaces itself with the real program (exec), so its process id, signals and exit
status are the server's own. Python callers build the same command with the functions."""

import argparse
import glob
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, MutableMapping, Sequence

from project.environment import socket_frame_limits

ASGI_APP = "project.asgi:application"
# Chat frames are small, and per-message deflate keeps ~46 KB of compression state a socket.
# uvicorn would believe X-Forwarded-For from 127.0.0.1 by default: anyone on the host could pick
# the client address that budgets are counted by.
UVICORN_OPTIONS = ("--no-access-log", "--ws-per-message-deflate", "false", "--no-proxy-headers")
# A private Redis keeps nothing: no snapshot, no append-only file, nothing to clean up after.
REDIS_OPTIONS = ("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")


def app_command(
    *,
    host: str,
    port: int,
    extra: Sequence[str] = (),
    python: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """The uvicorn command line that serves Parley on host:port; `env`: the environment the
    server will run with (this process's by default), which may change its frame limits."""
    frame_max, frame_queue = socket_frame_limits(env)
    return [
        python or sys.executable,
        "-m",
        "uvicorn",
        ASGI_APP,
        "--host",
        host,
        "--port",
        str(port),
        *UVICORN_OPTIONS,
        # uvicorn reads a whole WebSocket message into memory before the app sees it (16 MiB
        # by default) and queues up to --ws-max-queue of them per socket: both bounded.
        "--ws-max-size",
        str(frame_max),
        "--ws-max-queue",
        str(frame_queue),
        *extra,
    ]


def metrics_directory(env: MutableMapping[str, str]) -> str:
    """Where the worker processes of one server keep their Prometheus metrics, so that /metrics
    in any of them adds up all of them: PROMETHEUS_MULTIPROC_DIR, made (and emptied of an
    earlier run's files, which would be counted again) if named, else a fresh private one."""
    directory = env.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="parley-metrics-")
    os.makedirs(directory, exist_ok=True)
    for stale in glob.glob(os.path.join(directory, "*.db")):
        os.remove(stale)
    env["PROMETHEUS_MULTIPROC_DIR"] = directory
    return directory


def redis_command(*, port: int, extra: Sequence[str] = ()) -> list[str]:
    """A redis-server of a test's or a benchmark's own, on 127.0.0.1:port."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    return [binary, "--port", str(port), *REDIS_OPTIONS, *extra]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m project.serve", description=__doc__.splitlines()[0])
    programs = parser.add_subparsers(dest="program", required=True)
    app = programs.add_parser("app", help="the Parley server (uvicorn)")
    app.add_argument("--host", default="127.0.0.1")
    app.add_argument("--port", type=int, default=8000)
    app.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes on the one port (uvicorn's supervisor restarts one that dies); "
        "more than one needs DATABASE_URL and REDIS_URL",
    )
    redis = programs.add_parser("redis", help="a private redis-server")
    redis.add_argument("--port", type=int, required=True)
    args, extra = parser.parse_known_args(argv)
    if args.program == "app":
        if args.workers < 1:
            parser.error("--workers must be at least 1")
        if args.workers > 1:
            if not os.environ.get("REDIS_URL"):
                # The in-process channel layer reaches only its own process's subscribers.
                parser.error("--workers above 1 needs REDIS_URL: a message sent in one worker must reach them all")
            metrics_directory(os.environ)
            extra = ["--workers", str(args.workers), *extra]
        command = app_command(host=args.host, port=args.port, extra=extra)
    else:
        command = redis_command(port=args.port, extra=extra)
    sys.stdout.flush()
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
