"""POST /graphql/ with a JSON body, served by strawberry's own ASGI app ahead of Django.

That request is every client's write and most of its reads, and Django's request handler buys
it nothing: it would build an HttpRequest, open a ThreadSensitiveContext (a new thread, so a
new database connection, for every request), send request_started and request_finished
through a thread each, and run seven middlewares. Here the request is parsed by strawberry's
ASGI view (the same AsyncBaseHTTPView as the Django view, so the same parsing, status codes
and batching), executed on the event loop, and each resolver's ORM work goes to the process's
database thread (asgiref's single thread, shared with the subscriptions): one hop per write,
on a connection that stays open.

What Django did for this request is done here, and tests/project/test_http_fast_path.py
compares both answers header by header:
- the response headers of SecurityMiddleware, XFrameOptionsMiddleware, the CSP middleware and
  django-cors-headers (whose own origin check is used);
- a Host outside ALLOWED_HOSTS, an HTTP request under PARLEY_HTTPS (the redirect), a
  multipart upload, GET (GraphiQL) and every other path still go to Django, which answers them
  as before;
- the body limit (schema.transport.BodySizeLimit) wraps both.
A database connection that an error left broken is closed after the response that failed, so
the next request opens a new one (Django's per-request connection did that by itself).
"""

import logging
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from corsheaders.middleware import CorsMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from project.security import content_security_policy_for
from schema import threads
from schema.context import Context
from schema.transport import REFUSALS, http_context, refusal

logger = logging.getLogger(__name__)

PATH = "/graphql/"


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def takes(scope) -> bool:
    """Whether this path answers the request; the rest goes to Django."""
    if scope["method"] != "POST" or scope["path"] != PATH:
        return False
    if (_header(scope, b"content-type") or "").startswith("multipart/"):
        return False  # uploads: Django's file handling (chat.services.attachments reads its files)
    secure = scope.get("scheme") == "https"
    if settings.SECURE_SSL_REDIRECT and not secure:
        return False
    host = _header(scope, b"host")
    return host is not None and validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS)


class ApiHeaders:
    """The headers Django's middleware puts on a /graphql/ response, for a scope."""

    def __init__(self) -> None:
        # Only its origin check is used: the response it would wrap is never made.
        self.cors = CorsMiddleware(get_response=lambda request: HttpResponse())
        self.fixed: list[tuple[str, str]] = [("vary", "origin")]
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.fixed.append(("x-content-type-options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            self.fixed.append(("referrer-policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            self.fixed.append(("cross-origin-opener-policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        self.fixed.append(("x-frame-options", settings.X_FRAME_OPTIONS))
        self.hsts = None
        if settings.SECURE_HSTS_SECONDS:
            self.hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                self.hsts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                self.hsts += "; preload"

    def apply(self, response: Response, scope) -> None:
        secure = scope.get("scheme") == "https"
        headers = response.headers
        for name, value in self.fixed:
            headers.setdefault(name, value)
        if secure and self.hsts:
            headers.setdefault("strict-transport-security", self.hsts)
        headers.setdefault(
            "content-security-policy", content_security_policy_for(secure=secure, host=_header(scope, b"host"))
        )
        origin = _header(scope, b"origin")
        if origin and self._cors_allowed(origin):
            headers["access-control-allow-origin"] = origin

    def _cors_allowed(self, origin: str) -> bool:
        try:
            url = urlsplit(origin)
        except ValueError:
            return False
        return self.cors.origin_found_in_white_lists(origin, url)


class GraphQLHTTP(GraphQL[Context, None]):
    """strawberry.asgi.GraphQL with Parley's context, JSON refusals and headers."""

    def __init__(self, schema) -> None:
        super().__init__(schema, graphql_ide=None, multipart_uploads_enabled=False)
        self.headers = ApiHeaders()

    async def __call__(self, scope, receive, send) -> None:
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except REFUSALS as error:
            status, body = refusal(error)
            response = JSONResponse(body, status_code=status)
        self.headers.apply(response, scope)
        await response(scope, receive, send)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return await http_context(request, request.headers.get("authorization"))

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if any(isinstance(error.original_error, OperationalError | InterfaceError) for error in result.errors or ()):
            await sync_to_async(_close_if_broken)()
        return await super().process_result(request, result)


def _close_if_broken() -> None:
    """On the database thread: drop a connection that an error left unusable (a database
    restart kills every open one), so the next request opens a new one."""
    if connection.connection is not None and connection.errors_occurred and not connection.in_atomic_block:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            logger.info("closing a broken database connection")
            connection.close()
            threads.generations.failed()  # the write threads' connections died with it


class FastGraphQLRoute:
    """ASGI: the requests `takes` accepts to GraphQLHTTP, every other one to `app` (Django)."""

    def __init__(self, app) -> None:
        from schema import schema

        self.app = app
        self.graphql = GraphQLHTTP(schema)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and takes(scope):
            return await self.graphql(scope, receive, send)
        return await self.app(scope, receive, send)
