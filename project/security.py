"""Response headers that no view should have to remember: a Content-Security-Policy for the
app's pages (Django's SecurityMiddleware and XFrameOptionsMiddleware add the rest)."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view with a stricter policy of its own (attachment downloads) keeps it.
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
