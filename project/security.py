"""Response headers that no view should have to remember: a Content-Security-Policy for the
app's pages (Django's SecurityMiddleware and XFrameOptionsMiddleware add the rest)."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.deprecation import MiddlewareMixin


def content_security_policy(request) -> str:
    """The policy, with the page's own WebSocket origin as the only socket it may open."""
    try:
        host = request.get_host()
    except DisallowedHost:
        host = None  # answered with 400 anyway: 'self' alone then
    return content_security_policy_for(secure=request.is_secure(), host=host)


def content_security_policy_for(*, secure: bool, host: str | None) -> str:
    origin = f" {'wss' if secure else 'ws'}://{host}" if host else ""
    return settings.CONTENT_SECURITY_POLICY.replace(" {socket_origin}", origin)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    # MiddlewareMixin runs in the event loop as well as in a thread: a sync-only middleware
    # would send every request through a thread and back (two hops per request).
    def process_response(self, request, response):
        # A view with a stricter policy of its own (attachment downloads) keeps it.
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = content_security_policy(request)
        return response
