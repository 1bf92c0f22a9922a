"""The web client's routes: every path that is not the API or a file is a page of the
single-page app, answered with its index.html (WhiteNoise serves the assets themselves)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def app_page(request: HttpRequest, path: str = "") -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        raise Http404("The web client is not built: run `make run` (or `make frontend`).")
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    # The page names hashed assets: it must be revalidated, they can be cached for good.
    response["Cache-Control"] = "no-cache"
    return response
