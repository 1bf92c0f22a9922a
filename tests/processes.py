"""Real processes for end-to-end tests: a Parley server on a free port and a private Redis, each
started as project.serve starts it for everyone, and the machine's PostgreSQL cluster."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from project import serve

BASE_DIR = Path(settings.BASE_DIR)


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


def test_database_url() -> str:
    """The URL of the database pytest-django set up, for a server process to share it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


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

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def start_server(
    *, port: int | None = None, command: list[str] | None = None, args: Sequence[str] = (), **env: str
) -> Server:
    """A Parley server on the test database, on a free port or a given one (a server started
    again where a killed one listened), started by project.serve as everyone starts it (with
    `args`, more uvicorn options), or by the given command line (which must listen on `port`)."""
    port = port or free_port()
    log_path = Path(tempfile.mkstemp(prefix=f"parley-server-{port}-", suffix=".log")[1])
    full_env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "LOG_LEVEL": "INFO",
        "PARLEY_REALTIME_RETRY_SECONDS": "0.2",
        # A test server shares the test database: its own unread-email worker would claim the
        # batches a test sets up for the worker it is testing. A test that wants it says so.
        "PARLEY_NOTIFY_IN_PROCESS": "false",
        **env,
    }
    full_env = {k: v for k, v in full_env.items() if v is not None}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command or serve.app_command(host="127.0.0.1", port=port, extra=args, env=full_env),
            cwd=BASE_DIR,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process, log_path)
    try:
        wait_for_port(port, timeout=30, process=process)
    except Exception:
        server.stop()
        raise RuntimeError(f"server did not start:\n{server.log()}") from None
    return server


@dataclass
class RedisProcess:
    """A Redis of the test's own, on a private port, that the test may stop and start."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisProcess":
        self.process = subprocess.Popen(
            serve.redis_command(port=self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=10, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def kill_server(server: Server) -> None:
    """SIGKILL: no shutdown, no goodbye to its sockets, as when a machine dies."""
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(10)


class PostgresCluster:
    """The Debian PostgreSQL cluster that serves the run's database (the one listening on
    DATABASE_URL's port), which a fault test may stop and start again. Needs root and Debian's
    pg_ctlcluster. A cluster of its own on another port lets a fault test run beside other
    work on the machine's main cluster."""

    def __init__(self) -> None:
        if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
            raise RuntimeError("no Debian PostgreSQL cluster here (pg_lsclusters, pg_ctlcluster)")
        self.port = int(settings.DATABASES["default"].get("PORT") or 5432)
        listed = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True)
        for line in listed.stdout.splitlines():
            version, name, port, *_ = line.split()
            if int(port) == self.port:
                self.version, self.name = version, name
                return
        raise RuntimeError(f"no Debian PostgreSQL cluster listens on port {self.port}")

    def _ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def accepting(self) -> bool:
        ready = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], capture_output=True, timeout=10
        )
        return ready.returncode == 0

    def stop(self) -> None:
        self._ctl("stop")

    def start(self, *, timeout: float = 60) -> None:
        """Start the cluster when it is down, then wait until it accepts connections."""
        if not self.accepting():
            status = subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, "status"], capture_output=True
            )
            if status.returncode != 0:
                self._ctl("start")
        deadline = time.monotonic() + timeout
        while not self.accepting():
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL did not accept connections within {timeout}s")
            time.sleep(0.2)
