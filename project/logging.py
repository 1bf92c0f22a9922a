"""One JSON object per log line, with whatever `extra=` fields the caller attached, and never a
secret: access tokens, refresh tokens and passwords are redacted from every line, whichever
logger wrote it (uvicorn logs a socket's path with its `?token=`, an access log every query
string)."""

import json
import logging
import re

# color_message: uvicorn's copy of the message with terminal colours.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}

REDACTED = "[redacted]"
# An `extra=` field named like a secret is never written, whatever it holds.
_SECRET_FIELD = re.compile(r"token|password|secret|authorization|cookie", re.I)
_SECRETS = [
    # A JWT: three base64url parts, the first one a JSON object ({" is eyJ).
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?"), REDACTED),
    # A query parameter or JSON field that carries a token or password.
    (
        re.compile(r"((?:token|access_token|refresh_token|refreshToken|password|authorization)=)[^&\s\"\\]*", re.I),
        rf"\1{REDACTED}",
    ),
    (
        re.compile(r'((?:token|refreshToken|password|authorization)\\?"\s*:\s*\\?")[^"\\]*', re.I),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(Bearer\s+)[^\s\"\\,]+", re.I), rf"\1{REDACTED}"),
    # A refresh token (django-graphql-jwt's: 40 hex digits).
    (re.compile(r"\b[0-9a-f]{40}\b"), REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {k: REDACTED if _SECRET_FIELD.search(k) else v for k, v in vars(record).items() if k not in _STANDARD}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, default=str))
