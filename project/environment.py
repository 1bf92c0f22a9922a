"""Reading settings from the environment: each value is parsed and range-checked once, and a
value that is not usable stops start-up with a message naming the variable, instead of
surfacing later as a refusal of every request (a burst of 0 made every send RATE_LIMITED)."""

import contextlib
import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None or value.strip() == "" else value.strip()


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not valid: {expected}.")


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    return f" of at most {maximum}" if maximum is not None else ""


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _refuse(name, value, "expected one of 1, 0, true, false, yes, no, on, off")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _refuse(name, value, f"expected a whole number{_bounds(minimum, maximum)}") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise _refuse(name, value, f"expected a whole number{_bounds(minimum, maximum)}")
    return number


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None, above: float | None = None
) -> float:
    """A number; `above` is an exclusive lower bound (a timeout of 0 is not a timeout)."""
    value = _raw(name)
    if value is None:
        return default
    expected = f"expected a number{_bounds(minimum, maximum)}" + (f" greater than {above}" if above is not None else "")
    try:
        number = float(value)
    except ValueError:
        raise _refuse(name, value, expected) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _refuse(name, value, expected)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise _refuse(name, value, expected)
    if above is not None and number <= above:
        raise _refuse(name, value, expected)
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise _refuse(name, value, f"expected one of {', '.join(choices)}")
    return value


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Comma-separated addresses or networks (`10.0.0.0/8`, `127.0.0.1`, `::1`)."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise _refuse(name, item, "expected IP addresses or networks such as 10.0.0.1 or 10.0.0.0/8") from None
    return networks


def secret_key_from_file(path: Path) -> str:
    """The key kept in `path`, made on first use. The file is written whole under a private
    name with mode 0600 and then linked into place, so no other user can ever read it and no
    process can see it half-written; when several processes start at once, the first link
    wins and every process reads that one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            # Another process may have linked its key first: then every process uses that one.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it (a new key is made) or set SECRET_KEY.")
    return key


def socket_frame_limits(environ: Mapping[str, str] | None = None) -> tuple[int, int]:
    """The largest WebSocket message a socket may send (PARLEY_SOCKET_FRAME_MAX_BYTES, 1 MiB) and
    how many frames it may have read but not handled (PARLEY_SOCKET_FRAME_QUEUE, 16): read by
    the settings and by the launcher, which hands them to uvicorn."""
    return (
        env_int("PARLEY_SOCKET_FRAME_MAX_BYTES", 1024 * 1024, minimum=1024, environ=environ),
        env_int("PARLEY_SOCKET_FRAME_QUEUE", 16, minimum=1, environ=environ),
    )


def email_backend_settings(url: str | None, *, mail_dir: Path) -> dict[str, object]:
    """Django's email settings for EMAIL_URL: none means files under `mail_dir` (one per
    connection, nothing to install); `smtp://host:port` plain SMTP, `smtp+tls://user:pass@host:port`
    STARTTLS, `smtp+ssl://...` TLS from the first byte. User and password are percent-decoded."""
    if url is None:
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    expected = "expected smtp://host:port, smtp+tls://user:password@host:port or smtp+ssl://user:password@host:port"
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl") or not parts.hostname:
        raise _refuse("EMAIL_URL", _without_password(url), expected)
    try:
        port = parts.port
    except ValueError:
        raise _refuse("EMAIL_URL", _without_password(url), expected) from None
    if parts.path not in ("", "/") or parts.query:
        raise _refuse("EMAIL_URL", _without_password(url), expected)
    tls, ssl = parts.scheme == "smtp+tls", parts.scheme == "smtp+ssl"
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def _without_password(url: str) -> str:
    # A refused URL is shown in the start-up error: never with its password.
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


def public_url(name: str, default: str) -> str:
    """An absolute http(s) base URL without a trailing slash (links in emails)."""
    value = _raw(name) or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise _refuse(name, value, "expected an absolute http:// or https:// URL such as https://chat.example.com")
    return value.rstrip("/")
