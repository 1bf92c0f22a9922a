"""Who is asking: the context every resolver receives, over HTTP and over WebSocket alike."""

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info

from chat.errors import Unauthenticated
from chat.models import User


@dataclass
class Context:
    request: Any
    user: User | None = None
    # Why the caller is anonymous when it presented a token (expired, invalid...).
    auth_error: str | None = None
    connection_params: dict[str, Any] = field(default_factory=dict)
    # Batches the presence of every User a response shows into one read (schema.types).
    presence_loader: Any = None


def require_user(info: Info) -> User:
    context: Context = info.context
    if context.user is None:
        raise Unauthenticated(context.auth_error or "Sign in first.")
    return context.user


def client_address(info: Info) -> str:
    """The caller's address: the socket's peer, or what a proxy named in PARLEY_TRUSTED_PROXIES
    forwarded (project.asgi rewrites the scope then), over HTTP and WebSocket alike."""
    request = info.context.request
    scope = getattr(request, "scope", None) or {}
    client = scope.get("client")
    if client:
        return str(client[0])
    return getattr(request, "META", {}).get("REMOTE_ADDR") or "unknown"
