"""Response headers that no view should have to remember: a Content-Security-Policy for the
app's pages (Django's SecurityMiddleware and XFrameOptionsMiddleware add the rest)."""

from django.conf import settings
from django.utils.deprecation import MiddlewareMixin


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    # MiddlewareMixin runs in the event loop as well as in a thread: a sync-only middleware
    # would send every request through a thread and back (two hops per request).
    def process_response(self, request, response):
        # A view with a stricter policy of its own (attachment downloads) keeps it.
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
