import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from project import serve
from tests.processes import BASE_DIR, free_port, start_server


def command_line(pid: int) -> list[str]:
    """What a process runs now: after project.serve's exec, the real program's arguments."""
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def without_interpreter_and_port(argv: list[str], port: int) -> list[str]:
    # The interpreter's path differs by how it was named (.venv/bin/python or absolute).
    return ["PORT" if arg == str(port) else arg for arg in argv[1:]]


def make_run_command(*, port: int) -> list[str]:
    """The server command `make run` gives, read from make's dry run of the target."""
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = [line for line in dry_run.stdout.splitlines() if "project.serve" in line]
    return shlex.split(line)


@pytest.mark.e2e
def test_the_tests_server_runs_with_the_same_command_line_as_make_run(django_db_setup):
    make_port, test_port = free_port(), free_port()
    as_make_runs = start_server(port=make_port, command=make_run_command(port=make_port))
    as_tests_run = start_server(port=test_port)
    try:
        made = without_interpreter_and_port(command_line(as_make_runs.process.pid), make_port)
        tested = without_interpreter_and_port(command_line(as_tests_run.process.pid), test_port)
    finally:
        as_make_runs.stop()
        as_tests_run.stop()
    assert made == tested
    assert made[:2] == ["-m", "uvicorn"] and "--ws-per-message-deflate" in made


# The options only the launcher may spell: a copy elsewhere is how the browser tests' server
# came to run without --ws-per-message-deflate false.
LAUNCHER_ONLY = re.compile(r"ws-per-message-deflate|appendonly|-m['\", ]+uvicorn")
CALLERS = ["Makefile", "scripts", "tests", "bench", "frontend/e2e", "frontend/src", "chat", "schema", "project"]
SOURCES = {".py", ".ts", ".tsx", ".sh", ""}


def test_no_caller_writes_the_server_or_redis_command_line_itself():
    copies = []
    for root in CALLERS:
        for path in [BASE_DIR / root] if (BASE_DIR / root).is_file() else (BASE_DIR / root).rglob("*"):
            if not path.is_file() or path.suffix not in SOURCES or path.name == Path(__file__).name:
                continue
            if path == BASE_DIR / "project" / "serve.py":
                continue
            copies += [f"{path.relative_to(BASE_DIR)}: {line.strip()}" for line in _lines(path)]
    assert copies == []


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(errors="replace").splitlines() if LAUNCHER_ONLY.search(line)]


def test_several_workers_without_redis_are_refused():
    # The in-process layer would deliver a message only to subscribers of the worker it was sent in.
    refused = subprocess.run(
        [sys.executable, "-m", "project.serve", "app", "--port", str(free_port()), "--workers", "2"],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2
    assert "--workers above 1 needs REDIS_URL" in refused.stderr


def test_the_launcher_gives_workers_one_metrics_directory_emptied_of_an_earlier_run(tmp_path):
    (tmp_path / "counter_4242.db").write_bytes(b"an earlier run's counts")
    (tmp_path / "notes.txt").write_text("not the launcher's")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    assert serve.metrics_directory(env) == str(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]
    fresh: dict[str, str] = {}
    made = serve.metrics_directory(fresh)
    assert fresh["PROMETHEUS_MULTIPROC_DIR"] == made and os.path.isdir(made)
    os.rmdir(made)
