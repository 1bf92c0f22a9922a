"""The operators' endpoints, answered before Django's middleware and URL resolution: /healthz
(the process answers), /readyz (the database, and Redis when configured, answer in time) and
/metrics (Prometheus text, added up across worker processes; only to PARLEY_METRICS_NETWORKS)."""

import asyncio
import glob
import ipaddress
import json
import logging
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connection
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from redis.asyncio import Redis

logger = logging.getLogger(__name__)

PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# One thread of its own: a database that does not answer holds it, not the threads that serve
# requests, and checks do not pile up behind it (a check still running is itself the answer).
_database_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-readyz")
_database_check: Future | None = None


class OperatorEndpoints:
    """ASGI middleware: the three paths here, everything else to `app` (Django)."""

    def __init__(self, app) -> None:
        self.app = app
        self.metrics_networks = [ipaddress.ip_network(network) for network in settings.METRICS_NETWORKS]

    async def __call__(self, scope, receive, send):
        path = scope.get("path")
        if scope["type"] != "http" or path not in PATHS:
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            return await _respond(send, scope, 405, b"Method Not Allowed\n", b"text/plain", [(b"allow", b"GET, HEAD")])
        if path == "/healthz":
            return await _respond(send, scope, 200, b'{"status": "ok"}\n', b"application/json")
        if path == "/readyz":
            failed, checks = await readiness()
            body = json.dumps({"status": "unavailable" if failed else "ready", "failed": failed, "checks": checks})
            return await _respond(send, scope, 503 if failed else 200, body.encode() + b"\n", b"application/json")
        if not self._may_scrape(scope):
            return await _respond(send, scope, 404, b"Not Found\n", b"text/plain")
        return await _respond(send, scope, 200, metrics_text(), CONTENT_TYPE_LATEST.encode())

    def _may_scrape(self, scope) -> bool:
        headers = {name for name, _ in scope.get("headers", ())}
        if b"x-forwarded-for" in headers or b"forwarded" in headers:
            return False  # Prometheus scrapes a process directly, never through the public proxy
        client = scope.get("client")
        try:
            address = ipaddress.ip_address(client[0]) if client else None
        except ValueError:
            return False
        return address is not None and any(address in network for network in self.metrics_networks)


async def _respond(send, scope, status: int, body: bytes, content_type: bytes, headers=()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-content-type-options", b"nosniff"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def readiness() -> tuple[list[str], dict[str, str]]:
    """What failed (names) and each check's outcome; a failure names only the kind of error,
    since the endpoint is public."""
    timeout = settings.READY_TIMEOUT_SECONDS
    checks = {"database": _database_answers(timeout)}
    if settings.REDIS_URL:
        checks["redis"] = _redis_answers(settings.REDIS_URL, timeout)
    outcomes = dict(zip(checks, await asyncio.gather(*checks.values()), strict=True))
    failed = [name for name, outcome in outcomes.items() if outcome != "ok"]
    if failed:
        logger.warning("not ready", extra={"failed": failed, "checks": outcomes})
    return failed, outcomes


async def _database_answers(timeout: float) -> str:
    global _database_check
    if _database_check is not None and not _database_check.done():
        return "timeout"  # the last check is still waiting for the database
    _database_check = _database_thread.submit(_select_one)
    try:
        async with asyncio.timeout(timeout):
            await asyncio.wrap_future(_database_check)
    except TimeoutError:
        return "timeout"
    except Exception as error:  # noqa: BLE001 - whatever the database raised, it did not answer
        return type(error).__name__
    return "ok"


def _select_one() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # a probe's connection must not outlive a database restart


async def _redis_answers(url: str, timeout: float) -> str:
    client = Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        async with asyncio.timeout(timeout):
            await client.ping()
    except TimeoutError:
        return "timeout"
    except Exception as error:  # noqa: BLE001 - whatever Redis raised, it did not answer
        return type(error).__name__
    finally:
        await client.aclose()
    return "ok"


LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db$")


def metrics_text() -> bytes:
    """This process's metrics or, under several workers, every live worker's added up."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    _forget_dead_workers(directory)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)


def _forget_dead_workers(directory: str) -> None:
    """A worker that died (killed, crashed; uvicorn starts another) leaves its gauges' files:
    its sockets would be counted open for ever. Counters stay, so totals never go back."""
    for path in glob.glob(os.path.join(directory, "gauge_live*.db")):
        if (match := LIVE_GAUGE_FILE.search(os.path.basename(path))) is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass  # alive, another user's
