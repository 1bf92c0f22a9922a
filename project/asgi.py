"""The one ASGI application: the operators' endpoints (/healthz, /readyz, /metrics) and the
JSON POST to /graphql/ (schema.http) ahead of Django for HTTP, GraphQL over WebSocket on
/graphql/, and the lifespan that runs a process's background work (project.lifespan)."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django_asgi = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware  # noqa: E402

from project.lifespan import lifespan  # noqa: E402
from project.operations import OperatorEndpoints  # noqa: E402
from schema.http import FastGraphQLRoute  # noqa: E402
from schema.transport import BodySizeLimit, SocketOriginValidator, SocketTokenMiddleware, graphql_socket  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Probes and scrapes skip Django's middleware stack: a few microseconds, not a request's;
        # so does a JSON POST to /graphql/ (schema.http), the API's every write.
        "http": OperatorEndpoints(BodySizeLimit(FastGraphQLRoute(django_asgi))),
        "lifespan": lifespan,
        "websocket": SocketOriginValidator(
            SocketTokenMiddleware(URLRouter([re_path(r"^graphql/?$", graphql_socket())]))
        ),
    }
)
if settings.TRUSTED_PROXIES:
    # Behind a proxy named in PARLEY_TRUSTED_PROXIES: the client's address and scheme are the
    # ones it forwards (the rightmost X-Forwarded-For hop it did not add itself).
    application = ProxyHeadersMiddleware(application, trusted_hosts=settings.TRUSTED_PROXIES)

# A server holding thousands of sockets keeps about a million long-lived objects; a full
# collection then stalls every socket for hundreds of milliseconds (measured: up to 863 ms).
# What startup made is frozen out of collection, and collections run less often.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
