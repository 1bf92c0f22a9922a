"""Every setting Parley reads, taken from the environment in this one place.

With no environment at all Parley runs embedded: SQLite in the project folder and the
in-process channel layer. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import TypedDict

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from project.environment import (
    email_backend_settings,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_networks,
    public_url,
    secret_key_from_file,
    socket_frame_limits,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARLEY_VAR_DIR", BASE_DIR / "var"))


def _secret_key() -> str:
    # The embedded default must survive restarts (tokens stay valid), so a generated key is
    # kept in var/ rather than made anew per process; several processes share it too.
    if key := os.environ.get("SECRET_KEY"):
        return key
    return secret_key_from_file(VAR_DIR / "secret_key")


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: name the host names the app is served under.")
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))

# Served over HTTPS (directly or behind a TLS proxy named in PARLEY_TRUSTED_PROXIES): plain
# HTTP is redirected, browsers are told to stay on HTTPS, cookies are never sent in clear.
# docs/production.md is the checklist that `manage.py check --deploy` passes.
HTTPS = env_bool("PARLEY_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("PARLEY_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARLEY_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("PARLEY_HSTS_PRELOAD", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "channels",
    "corsheaders",
    "strawberry_django",
    "graphql_jwt.refresh_token.apps.RefreshTokenConfig",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "project.security.ContentSecurityPolicyMiddleware",
    "project.frontend.FrontendFilesMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Nothing here authenticates by cookie (the API takes a bearer header and is exempt), so
    # this guards only a future form view; it costs a dictionary lookup per request.
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Cross-origin browser calls are refused unless origins are listed here.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/graphql/?$"
CORS_ALLOW_HEADERS = ["authorization", "content-type"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# `{socket_origin}` becomes the app's own WebSocket origin (ws://host:port, wss:// over HTTPS),
# per response: a page may open sockets to its own server and nowhere else.
CONTENT_SECURITY_POLICY = os.environ.get(
    "PARLEY_CONTENT_SECURITY_POLICY",
    "default-src 'self'; connect-src 'self' {socket_origin}; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
)
# The proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are believed;
# nobody's by default, so a client can never choose the address its budgets are counted by.
TRUSTED_PROXIES = [str(network) for network in env_networks("PARLEY_TRUSTED_PROXIES")]
# Who may read /metrics (project/operations.py): the addresses or networks of the Prometheus
# servers. Nobody by default, and never a request that came through a proxy (X-Forwarded-For),
# since the counts tell an outsider how busy the service is and when its layer failed.
METRICS_NETWORKS = [str(network) for network in env_networks("PARLEY_METRICS_NETWORKS")]
# How long /readyz waits for the database and Redis before answering 503.
READY_TIMEOUT_SECONDS = env_float("PARLEY_READY_TIMEOUT_SECONDS", 2, above=0)

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
AUTH_USER_MODEL = "chat.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers queue on the busy
    # timeout instead of failing with "database is locked" when one upgrades its lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a server process started by a test shares the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("PARLEY_DB_POOL"):
    # Django runs each HTTP request's ORM work in a thread of its own, so without a pool every
    # request opens a connection (a backend fork and authentication). Each checkout is checked
    # (CONN_HEALTH_CHECKS), so a connection a database restart killed is replaced.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("PARLEY_DB_POOL_MIN", 2, minimum=0),
        "max_size": env_int("PARLEY_DB_POOL_MAX", 20, minimum=1),
        # Waiting for a free connection; also how long a request waits while the database is down.
        "timeout": env_float("PARLEY_DB_POOL_TIMEOUT", 2, above=0),
    }
    if DATABASES["default"]["OPTIONS"]["pool"]["min_size"] > DATABASES["default"]["OPTIONS"]["pool"]["max_size"]:
        raise ImproperlyConfigured("PARLEY_DB_POOL_MIN is larger than PARLEY_DB_POOL_MAX.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(BASE_DIR / "media")
FRONTEND_DIST = Path(os.environ.get("PARLEY_FRONTEND_DIST") or BASE_DIR / "frontend" / "dist")
# WhiteNoise serves the built web client; Vite names its assets with a content hash.
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.exists() else None
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+[.-][0-9a-zA-Z_-]{8,12}\.[^.]+$"
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL") or None
if REDIS_URL is not None and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not valid: expected redis://, rediss:// or unix://.")
CHANNEL_LAYER_BACKEND = env_choice("PARLEY_CHANNEL_LAYER", "redis", ("redis", "pubsub"))
# A process's channel (chat.realtime.RoomHub) holds at most `capacity` undelivered events; its
# reader drains it at once into each subscription's own bounded queue (SUBSCRIBER_QUEUE).
CHANNEL_CAPACITY = env_int("PARLEY_CHANNEL_CAPACITY", 1000, minimum=1)
# redis-py 8 times a socket read out after 5 s by default, which is exactly how long the layer's
# BZPOPMIN waits on an idle channel: every idle receive failed and looked like a lost Redis
# (redis/redis-py#4091, django/channels_redis#422). Longer than the wait, still bounded.
LAYER_REDIS = {"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}
if REDIS_URL is None:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "chat.realtime.InProcessChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }
elif CHANNEL_LAYER_BACKEND == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [LAYER_REDIS]},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [LAYER_REDIS], "capacity": CHANNEL_CAPACITY, "expiry": 60},
        }
    }

GRAPHQL_JWT = {
    "JWT_AUTH_HEADER_PREFIX": "Bearer",
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_DECODE_HANDLER": "chat.services.auth.access_token_decode",
    "JWT_EXPIRATION_DELTA": timedelta(seconds=env_int("ACCESS_TOKEN_SECONDS", 15 * 60, minimum=1)),
    "JWT_LONG_RUNNING_REFRESH_TOKEN": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=env_int("REFRESH_TOKEN_DAYS", 7, minimum=1)),
}


class Limits(TypedDict):
    """settings.PARLEY's keys and types, so that a reader of a limit gets an int or a float."""

    QUERY_DEPTH: int
    PAGE_SIZE_MAX: int
    PAGE_SIZE_DEFAULT: int
    TEXT_MAX: int
    SUBSCRIPTIONS_PER_SOCKET: int
    SUBSCRIBER_QUEUE: int
    REALTIME_RETRY_SECONDS: float
    BROADCAST_TIMEOUT_SECONDS: float
    RECONCILE_SECONDS: float
    RECONCILE_FAST_FOR_SECONDS: float
    RECONCILE_GRACE_SECONDS: float
    RECONCILE_LOOKBACK_SECONDS: float
    EDIT_WINDOW_HOURS: float
    TYPING_LAPSE_SECONDS: float
    TYPING_THROTTLE_SECONDS: float
    PRESENCE_GRACE_SECONDS: float
    PRESENCE_HEARTBEAT_SECONDS: float
    PRESENCE_EXPIRY_SECONDS: float
    ATTACHMENT_MAX_BYTES: int
    ATTACHMENTS_PER_MESSAGE: int
    ATTACHMENT_LINK_SECONDS: int
    ATTACHMENT_UNUSED_HOURS: int
    ATTACHMENT_TYPES: list[str]
    SEND_BURST: int
    SEND_RATE_PER_SECOND: float
    QUERY_TOKENS: int
    QUERY_ALIASES: int
    CONNECTION_INIT_TIMEOUT_SECONDS: int
    GRAPHIQL: bool
    INTROSPECTION: bool
    BODY_MAX_BYTES: int
    SOCKET_FRAME_MAX_BYTES: int
    SOCKET_FRAME_QUEUE: int
    SIGN_IN_FAILURES: int
    SIGN_IN_FAILURE_WINDOW_SECONDS: int
    AUTH_ADDRESS_PER_MINUTE: int
    PASSWORD_HASH_WORKERS: int
    PASSWORD_HASH_QUEUE: int
    UPLOAD_BURST: int
    UPLOAD_RATE_PER_SECOND: float
    UNUSED_ATTACHMENT_BYTES: int
    ROOM_BURST: int
    ROOM_RATE_PER_SECOND: float
    BID_UPDATE_BURST: int
    BID_UPDATE_RATE_PER_SECOND: float
    MARK_READ_BURST: int
    MARK_READ_RATE_PER_SECOND: float
    BLOCK_BURST: int
    BLOCK_RATE_PER_SECOND: float
    SOCKETS_PER_USER: int
    DB_WRITE_THREADS: int
    REVOCATION_CHECK_SECONDS: float
    QUERY_COST: int
    NOTIFY_AFTER_MINUTES: float
    NOTIFY_POLL_SECONDS: float
    NOTIFY_LEASE_SECONDS: float
    NOTIFY_LOOKBACK_HOURS: float
    NOTIFY_IN_PROCESS: bool


# The contract's limits; every one can be changed from the environment.
PARLEY: Limits = {
    "QUERY_DEPTH": env_int("PARLEY_QUERY_DEPTH", 10, minimum=1),
    "PAGE_SIZE_MAX": env_int("PARLEY_PAGE_SIZE_MAX", 100, minimum=1),
    "PAGE_SIZE_DEFAULT": min(50, env_int("PARLEY_PAGE_SIZE_MAX", 100, minimum=1)),
    "TEXT_MAX": env_int("PARLEY_TEXT_MAX", 5000, minimum=1),
    "SUBSCRIPTIONS_PER_SOCKET": env_int("PARLEY_SUBSCRIPTIONS_PER_SOCKET", 100, minimum=1),
    # Events a subscription may have waiting for a slow client before it is told to reconnect.
    "SUBSCRIBER_QUEUE": env_int("PARLEY_SUBSCRIBER_QUEUE", 500, minimum=1),
    "REALTIME_RETRY_SECONDS": env_float("PARLEY_REALTIME_RETRY_SECONDS", 1, above=0),
    "BROADCAST_TIMEOUT_SECONDS": env_float("PARLEY_BROADCAST_TIMEOUT_SECONDS", 2, above=0),
    # Reconciliation (chat/realtime.py): how often a process compares its rooms' newest messages
    # with what its subscriptions have yielded; every REALTIME_RETRY_SECONDS for a while after
    # it saw the layer fail; how old a message must be before a subscription is behind it; and
    # how far before the last round a room's newest message is still compared.
    "RECONCILE_SECONDS": env_float("PARLEY_RECONCILE_SECONDS", 4, above=0),
    "RECONCILE_FAST_FOR_SECONDS": env_float("PARLEY_RECONCILE_FAST_FOR_SECONDS", 60, minimum=0),
    "RECONCILE_GRACE_SECONDS": env_float("PARLEY_RECONCILE_GRACE_SECONDS", 1, minimum=0),
    "RECONCILE_LOOKBACK_SECONDS": env_float("PARLEY_RECONCILE_LOOKBACK_SECONDS", 60, above=0),
    "ATTACHMENT_MAX_BYTES": env_int("PARLEY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1),
    "ATTACHMENTS_PER_MESSAGE": env_int("PARLEY_ATTACHMENTS_PER_MESSAGE", 10, minimum=1),
    "ATTACHMENT_LINK_SECONDS": env_int("PARLEY_ATTACHMENT_LINK_SECONDS", 60 * 60, minimum=1),
    "ATTACHMENT_UNUSED_HOURS": env_int("PARLEY_ATTACHMENT_UNUSED_HOURS", 24, minimum=1),
    # Sniffed from the bytes, never taken from the client. No SVG or HTML: both can script.
    "ATTACHMENT_TYPES": env_list(
        "PARLEY_ATTACHMENT_TYPES",
        [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/pdf",
            "text/plain",
            "text/csv",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
        ],
    ),
    # How long after sending its sender may edit a message (fractions allowed).
    "EDIT_WINDOW_HOURS": env_float("PARLEY_EDIT_WINDOW_HOURS", 24, above=0),
    # setTyping: a subscriber shows `typing: false` after this long without renewal; a typist's
    # repeated calls within the throttle window are not broadcast (clients renew every 3 s).
    "TYPING_LAPSE_SECONDS": env_float("PARLEY_TYPING_LAPSE_SECONDS", 6, above=0),
    "TYPING_THROTTLE_SECONDS": env_float("PARLEY_TYPING_THROTTLE_SECONDS", 2, minimum=0),
    # Presence: a user whose last socket closed stays online this long (a reconnect does not
    # flap); with Redis each process beats this often and one silent for the expiry is dead.
    "PRESENCE_GRACE_SECONDS": env_float("PARLEY_PRESENCE_GRACE_SECONDS", 10, minimum=0),
    "PRESENCE_HEARTBEAT_SECONDS": env_float("PARLEY_PRESENCE_HEARTBEAT_SECONDS", 5, above=0),
    "PRESENCE_EXPIRY_SECONDS": env_float("PARLEY_PRESENCE_EXPIRY_SECONDS", 20, above=0),
    # sendMessage per user: a burst, then a steady rate (0 turns the limit off).
    "SEND_BURST": env_int("PARLEY_SEND_BURST", 20, minimum=1),
    "SEND_RATE_PER_SECOND": env_float("PARLEY_SEND_RATE_PER_SECOND", 5, minimum=0),
    # Every other write, per user: a burst, then a steady rate (a rate of 0 turns one off).
    # uploadAttachment; ensureRoom and createRoom together; updateBid; markRead.
    "UPLOAD_BURST": env_int("PARLEY_UPLOAD_BURST", 20, minimum=1),
    "UPLOAD_RATE_PER_SECOND": env_float("PARLEY_UPLOAD_RATE_PER_SECOND", 0.5, minimum=0),
    "ROOM_BURST": env_int("PARLEY_ROOM_BURST", 20, minimum=1),
    "ROOM_RATE_PER_SECOND": env_float("PARLEY_ROOM_RATE_PER_SECOND", 0.2, minimum=0),
    "BID_UPDATE_BURST": env_int("PARLEY_BID_UPDATE_BURST", 20, minimum=1),
    "BID_UPDATE_RATE_PER_SECOND": env_float("PARLEY_BID_UPDATE_RATE_PER_SECOND", 1, minimum=0),
    # The web client marks read as messages arrive: as often as the other side may send.
    "MARK_READ_BURST": env_int("PARLEY_MARK_READ_BURST", 60, minimum=1),
    "MARK_READ_RATE_PER_SECOND": env_float("PARLEY_MARK_READ_RATE_PER_SECOND", 10, minimum=0),
    # blockUser and unblockUser together: each change tells both inboxes, so toggling is throttled.
    "BLOCK_BURST": env_int("PARLEY_BLOCK_BURST", 20, minimum=1),
    "BLOCK_RATE_PER_SECOND": env_float("PARLEY_BLOCK_RATE_PER_SECOND", 0.5, minimum=0),
    # Bytes of a user's uploads not yet sent: by default one message's worth of the largest files.
    "UNUSED_ATTACHMENT_BYTES": env_int(
        "PARLEY_UNUSED_ATTACHMENT_BYTES",
        env_int("PARLEY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
        * env_int("PARLEY_ATTACHMENTS_PER_MESSAGE", 10, minimum=1),
        minimum=env_int("PARLEY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1),
    ),
    # How often a process reads the recent sign-outs (one query per interval, none per request)
    # and closes the sockets they revoked: a revoked session stops within this long.
    "REVOCATION_CHECK_SECONDS": env_float("PARLEY_REVOCATION_CHECK_SECONDS", 15, above=0, maximum=60),
    # Authenticated sockets one user may hold on one server process (tabs, devices).
    "SOCKETS_PER_USER": env_int("PARLEY_SOCKETS_PER_USER", 20, minimum=1),
    # Threads of their own, each with its connection, for the sends of a process on PostgreSQL
    # (schema/threads.py); 0 keeps them on the one database thread, as on SQLite, whose single
    # writer they would only queue behind.
    "DB_WRITE_THREADS": env_int(
        "PARLEY_DB_WRITE_THREADS",
        4 if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else 0,
        minimum=0,
    ),
    # Sign-in: failed tokenAuth attempts of one username from one client address in a window;
    # tokenAuth, register and refreshToken together per client address (0 turns it off).
    "SIGN_IN_FAILURES": env_int("PARLEY_SIGN_IN_FAILURES", 10, minimum=1),
    "SIGN_IN_FAILURE_WINDOW_SECONDS": env_int("PARLEY_SIGN_IN_FAILURE_WINDOW_SECONDS", 15 * 60, minimum=1),
    "AUTH_ADDRESS_PER_MINUTE": env_int("PARLEY_AUTH_ADDRESS_PER_MINUTE", 100, minimum=0),
    # Password hashes run in a pool of their own, never in the ORM's thread; beyond this many
    # waiting, a sign-in is refused with RATE_LIMITED rather than queued.
    "PASSWORD_HASH_WORKERS": env_int("PARLEY_PASSWORD_HASH_WORKERS", max(1, (os.cpu_count() or 2) // 2), minimum=1),
    "PASSWORD_HASH_QUEUE": env_int("PARLEY_PASSWORD_HASH_QUEUE", 32, minimum=1),
    "QUERY_TOKENS": env_int("PARLEY_QUERY_TOKENS", 5000, minimum=1),
    "QUERY_ALIASES": env_int("PARLEY_QUERY_ALIASES", 30, minimum=0),
    # Objects one document may ask for: page sizes times nested lists (schema/cost.py).
    "QUERY_COST": env_int("PARLEY_QUERY_COST", 5000, minimum=1),
    "CONNECTION_INIT_TIMEOUT_SECONDS": env_int("PARLEY_CONNECTION_INIT_TIMEOUT_SECONDS", 10, minimum=1),
    "GRAPHIQL": env_bool("PARLEY_GRAPHIQL", True),
    "INTROSPECTION": env_bool("PARLEY_INTROSPECTION", True),
    # A WebSocket message, and how many a socket may have read but not yet handled: a client
    # sending faster than its socket is served is slowed down (TCP backpressure), never buffered.
    "SOCKET_FRAME_MAX_BYTES": socket_frame_limits()[0],
    "SOCKET_FRAME_QUEUE": socket_frame_limits()[1],
    # A JSON request body; a multipart one may carry one attachment more.
    "BODY_MAX_BYTES": env_int("PARLEY_BODY_MAX_BYTES", 1024 * 1024, minimum=1024),
    # Email when away (chat.notify): a message still unread this long after it was sent is
    # emailed (fractions allowed: 0.1 is six seconds, for a demo); workers look this often;
    # a claimed batch whose worker is silent this long is taken over (a crash loses nothing);
    # messages older than the lookback are never emailed (the scan stays bounded).
    "NOTIFY_AFTER_MINUTES": env_float("PARLEY_NOTIFY_AFTER_MINUTES", 10, above=0, maximum=7 * 24 * 60),
    "NOTIFY_POLL_SECONDS": env_float("PARLEY_NOTIFY_POLL_SECONDS", 5, above=0, maximum=3600),
    "NOTIFY_LEASE_SECONDS": env_float("PARLEY_NOTIFY_LEASE_SECONDS", 120, minimum=5, maximum=3600),
    "NOTIFY_LOOKBACK_HOURS": env_float("PARLEY_NOTIFY_LOOKBACK_HOURS", 48, above=0),
    # Each server process runs a worker too (make run needs no extra step); off when
    # `manage.py notify_unread` runs on its own. Several workers never send twice.
    "NOTIFY_IN_PROCESS": env_bool("PARLEY_NOTIFY_IN_PROCESS", True),
}
if PARLEY["NOTIFY_LOOKBACK_HOURS"] * 60 <= PARLEY["NOTIFY_AFTER_MINUTES"]:
    raise ImproperlyConfigured("PARLEY_NOTIFY_LOOKBACK_HOURS must be longer than PARLEY_NOTIFY_AFTER_MINUTES.")
# SMTP must answer well within a lease, or a second worker could take the batch over mid-send.
EMAIL_TIMEOUT = min(10, PARLEY["NOTIFY_LEASE_SECONDS"] / 3)

# Mail: files under var/mail/ by default, SMTP when EMAIL_URL is set (parsed here, at start-up).
_EMAIL = email_backend_settings(os.environ.get("EMAIL_URL") or None, mail_dir=VAR_DIR / "mail")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _EMAIL.get("EMAIL_FILE_PATH")
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("PARLEY_EMAIL_FROM") or "Parley <parley@localhost>"
# Where the web client is served for people following a link in an email.
PUBLIC_URL = public_url("PARLEY_PUBLIC_URL", "http://127.0.0.1:8000")

DATA_UPLOAD_MAX_MEMORY_SIZE = PARLEY["BODY_MAX_BYTES"]


def _uvicorn_logs_access() -> bool:
    """Whether uvicorn, set up before Django, logs requests: `--no-access-log` (project.serve
    passes it) leaves its access logger without handlers and not propagating. Giving it ours
    back would log, and redact, a line for every request of a server told to log none."""
    access = logging.getLogger("uvicorn.access")
    return bool(access.handlers) or access.propagate


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "project.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Strawberry logs every GraphQL error; ours are logged once, classified, in schema.errors.
        "strawberry.execution": {"level": "CRITICAL"},
        # uvicorn set up its own plain-text handlers before Django started: take them over.
        "uvicorn": {"handlers": ["console"], "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "propagate": False},
        "uvicorn.access": {"handlers": ["console"] if _uvicorn_logs_access() else [], "propagate": False},
    },
}
