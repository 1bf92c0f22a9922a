"""Configuration fails loudly: a value out of range stops start-up naming the variable; the
generated secret key is private from its first byte; the production checklist passes
`manage.py check --deploy`."""

import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

from project.environment import email_backend_settings, secret_key_from_file

BASE_DIR = Path(settings.BASE_DIR)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_") and k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "variable, value",
    [
        ("PARLEY_SEND_BURST", "0"),
        ("PARLEY_SEND_RATE_PER_SECOND", "-1"),
        ("PARLEY_PAGE_SIZE_MAX", "0"),
        ("PARLEY_QUERY_DEPTH", "ten"),
        ("PARLEY_TEXT_MAX", "-5"),
        ("PARLEY_BODY_MAX_BYTES", "10"),
        ("PARLEY_ATTACHMENT_MAX_BYTES", "0"),
        ("PARLEY_CONNECTION_INIT_TIMEOUT_SECONDS", "0"),
        ("PARLEY_BROADCAST_TIMEOUT_SECONDS", "nan"),
        ("ACCESS_TOKEN_SECONDS", "0"),
        ("PARLEY_GRAPHIQL", "maybe"),
        ("PARLEY_CHANNEL_LAYER", "memcached"),
        ("LOG_LEVEL", "LOUD"),
        ("REDIS_URL", "127.0.0.1:6379"),
        ("PARLEY_NOTIFY_AFTER_MINUTES", "0"),
        ("PARLEY_NOTIFY_AFTER_MINUTES", "soon"),
        ("PARLEY_NOTIFY_POLL_SECONDS", "-1"),
        ("PARLEY_NOTIFY_LEASE_SECONDS", "1"),
        ("PARLEY_NOTIFY_IN_PROCESS", "sometimes"),
        ("PARLEY_PUBLIC_URL", "chat.example.com"),
        ("EMAIL_URL", "mailto://127.0.0.1"),
        ("EMAIL_URL", "smtp://127.0.0.1:notaport"),
    ],
)
def test_a_setting_out_of_range_stops_start_up_with_a_message_naming_it(variable, value):
    result = _manage("check", env={variable: value, "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and variable in last_line, result.stderr[-2000:]


def test_the_defaults_start(tmp_path):
    result = _manage("check", env={"PARLEY_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_the_secret_key_file_is_created_with_mode_0600_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        key = secret_key_from_file(tmp_path / "var" / "secret_key")
    finally:
        os.umask(previous)
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 50 and path.read_text() == key


_watched: dict[str, object] = {}


def _record_modes(event: str, args: tuple) -> None:
    # Runs before every audited operation (open, chmod, link, rename...): the modes of the
    # files in the watched folder at each step of making the key.
    folder = _watched.get("folder")
    if folder is None or _watched.get("busy"):
        return
    _watched["busy"] = True
    try:
        for entry in os.scandir(folder):
            _watched["modes"].add((entry.name, stat.S_IMODE(entry.stat().st_mode)))
    finally:
        _watched["busy"] = False


sys.addaudithook(_record_modes)


def test_the_secret_key_is_never_readable_by_others_while_it_is_written(tmp_path):
    previous = os.umask(0o022)
    _watched.update(folder=str(tmp_path), modes=set(), busy=False)
    try:
        secret_key_from_file(tmp_path / "secret_key")
    finally:
        _watched["folder"] = None
        os.umask(previous)
    modes = _watched["modes"]
    assert ("secret_key", 0o600) in modes
    assert {mode for _, mode in modes} == {0o600}, modes


def test_processes_starting_at_once_all_read_the_same_key(tmp_path):
    path = tmp_path / "secret_key"
    keys: list[str] = []
    start = threading.Barrier(8)

    def read():
        start.wait()
        keys.append(secret_key_from_file(path))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and keys[0]
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def _production_checklist() -> dict[str, str]:
    """The environment block of docs/production.md, as the operator would copy it."""
    text = (BASE_DIR / "docs" / "production.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "docs/production.md has no ```sh block"
    env = {}
    for line in block.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            env[name] = value.strip("'\"")
    return env


def test_the_documented_production_checklist_passes_check_deploy(tmp_path):
    env = _production_checklist()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "PARLEY_HTTPS"} <= set(env)
    # The checklist's placeholder key is replaced the way it tells the operator to.
    env["SECRET_KEY"] = "k" * 20 + "-Zq8#x" + "p" * 40
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={**env, "PARLEY_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_defaults_do_not_pass_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={"PARLEY_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0


def test_email_url_chooses_the_smtp_backend_and_the_default_is_files(tmp_path):
    files = email_backend_settings(None, mail_dir=tmp_path)
    assert files == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    plain = email_backend_settings("smtp://127.0.0.1:1025", mail_dir=tmp_path)
    assert (plain["EMAIL_HOST"], plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"], plain["EMAIL_HOST_USER"]) == (
        "127.0.0.1",
        1025,
        False,
        "",
    )
    tls = email_backend_settings("smtp+tls://me%40example.com:s%3Acret@mail.example.com:587", mail_dir=tmp_path)
    assert tls["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (tls["EMAIL_HOST"], tls["EMAIL_PORT"], tls["EMAIL_USE_TLS"], tls["EMAIL_USE_SSL"]) == (
        "mail.example.com",
        587,
        True,
        False,
    )
    assert (tls["EMAIL_HOST_USER"], tls["EMAIL_HOST_PASSWORD"]) == ("me@example.com", "s:cret")


def test_a_refused_email_url_never_shows_its_password():
    result = _manage("check", env={"EMAIL_URL": "smtps://user:hunter2@mail.example.com", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr and "hunter2" not in result.stderr
