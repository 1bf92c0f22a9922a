"""How GraphQL reaches the schema: the HTTP view, the WebSocket consumer, and the ASGI
middleware around them (body size, socket token, socket origin)."""

import asyncio
import json
import logging
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from channels.security.websocket import WebsocketDenier
from cross_web import HTTPException
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.views.decorators.csrf import csrf_exempt
from strawberry.channels import GraphQLWSConsumer
from strawberry.django.views import AsyncGraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET

from chat import metrics
from chat.models import User
from chat.presence import presence_tracker
from chat.revocations import socket_watch
from chat.services.auth import access_token_claims, access_token_expiry, access_tokens
from schema.auth import authenticate_token, bearer_token
from schema.context import Context
from schema.errors import DATABASE_DOWN, error_payload
from schema.legacy_ws import LegacyGraphQLWSHandler

logger = logging.getLogger(__name__)


async def _authenticate(token: str | None) -> tuple[User | None, str | None]:
    if token is None:
        return None, None
    # A token seen before: from memory, on the event loop.
    if (user := access_tokens().known(token)) is not None:
        return user, None
    return await sync_to_async(authenticate_token)(token)


async def http_context(request, authorization: str | None) -> Context:
    """The context of a request over HTTP, by either view: the bearer token's user, or why none."""
    token = bearer_token(authorization)
    user, error = await _authenticate(token)
    if authorization and token is None:
        error = "Send the access token as `Authorization: Bearer <token>`."
    return Context(request=request, user=user, auth_error=error)


# What a view can raise before execution, each answered in JSON by `refusal`.
REFUSALS = (RequestDataTooBig, OperationalError, InterfaceError, HTTPException)


def refusal(error: Exception) -> tuple[int, dict]:
    """The status and JSON body for one of REFUSALS. Strawberry answers a malformed request in
    plain text; clients of this API read JSON."""
    if isinstance(error, RequestDataTooBig):
        return 413, {"errors": [error_payload(str(error), "BAD_USER_INPUT")]}
    if isinstance(error, OperationalError | InterfaceError):
        # Raised before execution (reading the caller's user), so not a GraphQL error yet.
        logger.warning("database unavailable", extra={"error": repr(error)})
        payload = error_payload(DATABASE_DOWN, "INTERNAL_SERVER_ERROR")
        payload["extensions"]["retryable"] = True
        return 503, {"errors": [payload]}
    assert isinstance(error, HTTPException), error
    code = "BAD_USER_INPUT" if error.status_code == 400 else "GRAPHQL_VALIDATION_FAILED"
    return error.status_code, {"errors": [error_payload(error.reason, code)]}


class GraphQLView(AsyncGraphQLView[Context, None]):
    """/graphql/ through Django: GET for GraphiQL, multipart uploads, and any request the
    fast path (schema.http) leaves to Django."""

    async def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        return await http_context(request, request.headers.get("Authorization"))

    # An async view's dispatch is a coroutine, which Django awaits; the stubs know only sync views.
    async def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:  # type: ignore[override]
        try:
            return await self.run(request=request)
        except REFUSALS as error:
            status, body = refusal(error)
            return JsonResponse(body, status=status)

    async def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        bundled = settings.FRONTEND_DIST / "graphiql.html"
        if bundled.exists():
            return HttpResponse(bundled.read_bytes(), content_type="text/html; charset=utf-8")
        return await super().render_graphql_ide(request)


def graphql_http_view():
    graphiql = "graphiql" if settings.PARLEY["GRAPHIQL"] else None
    return csrf_exempt(GraphQLView.as_view(schema=_schema(), multipart_uploads_enabled=True, graphql_ide=graphiql))


class GraphQLSocket(GraphQLWSConsumer[Context, None]):
    """graphql-transport-ws (and legacy graphql-ws) on /graphql/.

    The consumer itself listens to no channel layer: subscriptions hear their rooms through
    the process's chat.realtime.RoomHub, so a broken Redis cannot kill the socket.
    """

    channel_layer_alias = "parley.socket-has-no-layer"
    graphql_ws_handler_class = LegacyGraphQLWSHandler

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Frames read but not yet handled. When it is full, receive() waits: the consumer stops
        # reading, the server's own bounded queue fills, and TCP slows the client down.
        self.message_queue = asyncio.Queue(maxsize=settings.PARLEY["SOCKET_FRAME_QUEUE"])

    async def get_context(self, request, response) -> Context:
        return Context(request=request)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None and len(text_data) > settings.PARLEY["SOCKET_FRAME_MAX_BYTES"]:
            # The server caps frames already (project.serve); this holds under any other server.
            await self.close(code=1009, reason="Message too big")
            return
        # Both protocols' handlers index every message as an object; valid JSON that is not
        # one (a list, a string, null) would crash the handler and leave the socket mute.
        if text_data is not None:
            try:
                is_object = isinstance(json.loads(text_data), dict)
            except ValueError:
                is_object = True  # the handler itself answers malformed JSON with 4400
            if not is_object:
                await self.close(code=4400, reason="A message must be a JSON object")
                return
        await self.message_queue.put({"message": text_data or None, "disconnected": False})

    async def on_ws_connect(self, context: Context):
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        supplied = next((v for k, v in params.items() if k.lower() in ("authorization", "token")), None)
        if isinstance(supplied, str) and supplied:
            token = bearer_token(supplied) or supplied.strip()
            user, error = await _authenticate(token)
        else:
            token = self.scope.get("auth_token")
            user, error = self.scope.get("user"), self.scope.get("auth_error")
        if user is None:
            logger.info("socket refused", extra={"reason": error or "no token"})
            raise ConnectionRejectionError({"message": error or "Sign in first."})
        if presence_tracker().sockets.get(user.pk, 0) >= settings.PARLEY["SOCKETS_PER_USER"]:
            # Each socket holds memory and subscriptions; one user does not get to hold them all.
            logger.info("socket refused", extra={"reason": "too many sockets", "user_id": user.pk})
            raise ConnectionRejectionError({"message": "Too many open sockets for this user; close one first."})
        context.user = user
        self._present: int | None = user.pk
        presence_tracker().opened(user.pk)
        metrics.SOCKETS_OPEN.inc()
        # The socket lives no longer than its token: the client reconnects with a fresh one
        # and resumes with `after`, so nothing is lost.
        delay = max(0.0, access_token_expiry(token) - time.time())
        self._expiry = asyncio.get_running_loop().call_later(delay, self._token_expired)
        # A sign-out (or a replayed refresh token) ends the socket too, within the check interval.
        socket_watch().watch(self, user_id=user.pk, claims=access_token_claims(token), close=self._session_revoked)
        return UNSET

    def _session_revoked(self) -> None:
        logger.info("socket session revoked", extra={"user_id": getattr(self.scope.get("user"), "pk", None)})
        self._expiry_close = asyncio.ensure_future(self.close(code=4403, reason="Signed out"))

    def _token_expired(self) -> None:
        logger.info("socket token expired", extra={"user_id": getattr(self.scope.get("user"), "pk", None)})
        self._expiry_close = asyncio.ensure_future(self.close(code=4403, reason="Token expired"))

    async def disconnect(self, code: int) -> None:
        if expiry := getattr(self, "_expiry", None):
            expiry.cancel()
        socket_watch().forget(self)
        if (user_id := getattr(self, "_present", None)) is not None:
            self._present = None
            presence_tracker().closed(user_id)
            metrics.SOCKETS_OPEN.dec()
        # The client is gone: frames it left unhandled no longer matter, and the queue must
        # have room for the handler's stop signal.
        while self.message_queue.full():
            self.message_queue.get_nowait()
        await super().disconnect(code)


def graphql_socket():
    return GraphQLSocket.as_asgi(
        schema=_schema(),
        max_subscriptions_per_connection=settings.PARLEY["SUBSCRIPTIONS_PER_SOCKET"],
        connection_init_wait_timeout=timedelta(seconds=settings.PARLEY["CONNECTION_INIT_TIMEOUT_SECONDS"]),
    )


class SocketTokenMiddleware:
    """Reads `?token=` or `Authorization: Bearer` of a WebSocket handshake into the scope;
    a token in `connection_init` still wins, and no token at all is refused there."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            token = _handshake_token(scope)
            user, error = await _authenticate(token)
            scope = {**scope, "user": user, "auth_error": error, "auth_token": token}
        return await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


# The one endpoint that takes a request body; every other method and path takes none.
BODY_PATHS = ("/graphql/", "/graphql")


class BodySizeLimit:
    """Caps every request body, on every method and path, while it streams in: by its
    Content-Length before a byte is read, or by counting the bytes of a chunked body, so none
    is held whole (Django reads a body to a temporary file before any view can refuse it).
    Only `POST /graphql/` takes a body at all; anywhere else a body is refused."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers", []))
        limit = 0
        if scope["method"] == "POST" and scope["path"] in BODY_PATHS:
            limit = settings.PARLEY["BODY_MAX_BYTES"]
            if headers.get(b"content-type", b"").startswith(b"multipart/"):
                limit += settings.PARLEY["ATTACHMENT_MAX_BYTES"]
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await self._refuse(send, limit)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except BodyTooLarge:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send, limit: int) -> None:
        logger.info("request body too large", extra={"limit": limit})
        message = f"The request body is larger than {limit} bytes." if limit else "This request takes no body."
        error = error_payload(message, "BAD_USER_INPUT")
        body = json.dumps({"errors": [error]}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            # Answered before Django's middleware runs: the headers it would have added.
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", settings.X_FRAME_OPTIONS.encode()),
            (b"referrer-policy", settings.SECURE_REFERRER_POLICY.encode()),
            (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) origin, the port made explicit; None if it is not one."""
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    host, port = split_domain_port(netloc.lower())
    if not host:
        return None
    try:
        return scheme, host, int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None


def _socket_own_origin(scope) -> tuple[str, str, int] | None:
    """The origin of the page a socket opened on this server would come from: the socket's
    own scheme (wss: https), its Host header, which must be one of ALLOWED_HOSTS."""
    host = next((value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"host"), "")
    own = _origin("https" if scope.get("scheme") == "wss" else "http", host)
    if own is None or not validate_host(own[1], settings.ALLOWED_HOSTS):
        return None
    return own


class SocketOriginValidator:
    """Browser sockets must come from the app's own origin, scheme, host and port alike (or
    one listed in CORS_ALLOWED_ORIGINS): a page of another site, or of another app on this
    host's other ports, cannot use a visitor's browser to open one. A client that sends no
    Origin at all is not a browser (no cross-site risk) and is let in."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        header = next((value for name, value in scope.get("headers", []) if name == b"origin"), None)
        if header is not None and not self._allowed(scope, header.decode("latin-1")):
            logger.info("socket refused", extra={"reason": "foreign origin", "origin": header.decode("latin-1")[:200]})
            return await WebsocketDenier()(scope, receive, send)
        return await self.app(scope, receive, send)

    @staticmethod
    def _allowed(scope, value: str) -> bool:
        parsed = urlsplit(value.strip())
        origin = _origin(parsed.scheme, parsed.netloc)
        if origin is None:
            return False
        if origin == _socket_own_origin(scope):
            return True
        listed = (urlsplit(o) for o in settings.CORS_ALLOWED_ORIGINS)
        return origin in {_origin(o.scheme, o.netloc) for o in listed}


def _handshake_token(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return bearer_token(value.decode("latin-1"))
    return None


def _schema():
    from schema import schema

    return schema


__all__ = [
    "GraphQLView",
    "GraphQLSocket",
    "SocketOriginValidator",
    "SocketTokenMiddleware",
    "graphql_http_view",
    "graphql_socket",
]
