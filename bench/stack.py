"""The system under test, started the way production starts it: a database (a fresh SQLite
file, or a fresh PostgreSQL database), a private redis-server when the channel layer needs one,
`manage.py migrate`, a seed step through Django's ORM, then one or more uvicorn (or Daphne)
processes. Everything started here is stopped by `Stack.stop()`."""

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from project import serve

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECRET_KEY = "bench-secret-key-for-load-tests-only-0123456789"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "parley_bench")


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def _stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql/"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql/"

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss(self) -> int:
        return psutil.Process(self.pid).memory_info().rss

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])


@dataclass
class Stack:
    """db: sqlite | postgres; layer: memory | redis | pubsub; server: uvicorn | daphne."""

    db: str = "sqlite"
    layer: str = "memory"
    server: str = "uvicorn"
    processes: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    redis_url: str | None = None  # an external Redis instead of a private one
    # The checkout the server, migrations and seed run from (another working copy, e.g. one
    # with a candidate fix applied, to measure it before it is merged).
    app_dir: Path = BASE_DIR
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="parley-bench-")))
    servers: list[Server] = field(default_factory=list)
    redis_process: subprocess.Popen | None = None
    database_url: str = ""

    @property
    def label(self) -> str:
        db = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[self.db]
        layer = {"memory": "in-process layer", "redis": "RedisChannelLayer", "pubsub": "RedisPubSubChannelLayer"}[
            self.layer
        ]
        extra = "".join(f", {k}={v}" for k, v in sorted(self.extra_env.items()))
        if self.app_dir != BASE_DIR:
            extra += f", app {self.app_dir.name}"
        return f"{db} + {layer}, {self.server} x{self.processes}{extra}"

    def describe(self) -> dict:
        return {
            "db": self.db,
            "layer": self.layer,
            "server": self.server,
            "processes": self.processes,
            "extra_env": self.extra_env,
            "label": self.label,
            "app_dir": str(self.app_dir),
        }

    # -- environment ------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": SECRET_KEY,
            "LOG_LEVEL": os.environ.get("BENCH_SERVER_LOG_LEVEL", "WARNING"),
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "PARLEY_VAR_DIR": str(self.workdir / "var"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            # Tokens minted by the seed step must outlive the run.
            "ACCESS_TOKEN_SECONDS": "86400",
            "DEBUG": "",
        }
        env.pop("REDIS_URL", None)
        env.pop("PARLEY_CHANNEL_LAYER", None)
        if self.layer != "memory":
            env["REDIS_URL"] = self.redis_url
            env["PARLEY_CHANNEL_LAYER"] = "pubsub" if self.layer == "pubsub" else "redis"
        env.update(self.extra_env)
        return env

    def start(self, *, seed_servers: bool = True) -> "Stack":
        raise_open_files_limit()
        self._database()
        if self.layer != "memory" and self.redis_url is None:
            self._redis()
        self.manage("migrate", "--noinput")
        return self

    def _database(self) -> None:
        if self.db == "sqlite":
            self.database_url = f"sqlite:///{self.workdir / 'bench.sqlite3'}"
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (PG_DATABASE,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.database_url = f"{base}/{PG_DATABASE}"

    def _redis(self) -> None:
        port = free_port()
        self.redis_process = subprocess.Popen(
            serve.redis_command(port=port, extra=["--maxclients", "20000"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, timeout=10, process=self.redis_process)
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=self.app_dir, env=self.env(), check=True, stdout=subprocess.DEVNULL
        )

    def seed(self, *args: str) -> dict:
        """Run a bench.seed command in a Django process of its own; returns its JSON output."""
        out = self.workdir / f"seed-{time.monotonic_ns()}.json"
        env = {**self.env(), "PYTHONPATH": f"{self.app_dir}:{BASE_DIR}"}
        subprocess.run([PYTHON, "-m", "bench.seed", *args, "--out", str(out)], cwd=self.app_dir, env=env, check=True)
        return json.loads(out.read_text())

    def start_servers(self) -> list[Server]:
        for _ in range(self.processes):
            self.servers.append(self._start_server())
        return self.servers

    def _start_server(self) -> Server:
        port = free_port()
        log_path = self.workdir / f"server-{port}.log"
        if self.server == "uvicorn":
            # The server as `make run` starts it (project/serve.py), run from app_dir.
            extra = os.environ.get("BENCH_UVICORN_ARGS", "").split()
            command = serve.app_command(host="127.0.0.1", port=port, extra=extra, python=PYTHON, env=self.env())
        elif self.server == "daphne":
            command = [
                PYTHON,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "-v",
                "0",
                "project.asgi:application",
            ]
        else:
            raise ValueError(f"unknown server {self.server}")
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=self.app_dir, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        server = Server(port, process, log_path)
        try:
            wait_for_port(port, timeout=60, process=process)
        except Exception:
            _stop(process)
            raise RuntimeError(f"server did not start:\n{server.log_tail()}") from None
        return server

    def redis_pid(self) -> int | None:
        return self.redis_process.pid if self.redis_process else None

    def redis_memory(self) -> int | None:
        if self.layer == "memory":
            return None
        import redis

        return redis.Redis.from_url(self.redis_url).info("memory")["used_memory"]

    def stop(self) -> None:
        for server in self.servers:
            _stop(server.process)
        self.servers = []
        _stop(self.redis_process)
        self.redis_process = None
        if os.environ.get("BENCH_KEEP_WORKDIR"):
            return
        # Server logs outlive the run (WARNING and above only), for errors seen during it.
        logs = Path(os.environ.get("BENCH_LOG_DIR", "/tmp/parley-bench-logs")) / self.workdir.name
        for log in self.workdir.glob("server-*.log"):
            if log.stat().st_size:
                logs.mkdir(parents=True, exist_ok=True)
                shutil.copy(log, logs / log.name)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class CpuMeter:
    """CPU seconds of named processes between two marks, as % of one core."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self._start: dict[str, float] = {}
        self._t0 = 0.0
        self._sys0 = None

    @staticmethod
    def _cpu(pids: list[int]) -> float:
        total = 0.0
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    @staticmethod
    def _postgres_pids() -> list[int]:
        pids = []
        for proc in psutil.process_iter(["name", "cmdline"]):
            try:
                if proc.info["name"] == "postgres" and PG_DATABASE in " ".join(proc.info["cmdline"] or []):
                    pids.append(proc.pid)
            except psutil.Error:
                pass
        return pids

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._sys0 = psutil.cpu_times()
        self._start = {name: self._cpu(pids) for name, pids in self.groups.items()}
        self._pg0 = {pid: self._cpu([pid]) for pid in self._postgres_pids()}

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._t0
        result = {
            name: round(100 * (self._cpu(pids) - self._start[name]) / wall, 1) for name, pids in self.groups.items()
        }
        pg = 0.0
        for pid in self._postgres_pids():
            pg += self._cpu([pid]) - self._pg0.get(pid, 0.0)
        result["postgres (live backends)"] = round(100 * pg / wall, 1)
        self.postgres_backends = len(self._postgres_pids())
        sys1 = psutil.cpu_times()
        busy0 = sum(self._sys0) - self._sys0.idle - getattr(self._sys0, "iowait", 0)
        busy1 = sum(sys1) - sys1.idle - getattr(sys1, "iowait", 0)
        result["machine total"] = round(100 * (busy1 - busy0) / wall, 1)
        return result
