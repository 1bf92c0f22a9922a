"""The web client: every path that is not the API or a file is a page of the single-page
app, answered with its index.html; WhiteNoise serves the built assets themselves."""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from whitenoise.middleware import WhiteNoiseMiddleware


@require_safe
def app_page(request: HttpRequest, path: str = "") -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        raise Http404("The web client is not built: run `make run` (or `make frontend`).")
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    # The page names hashed assets: it must be revalidated, they can be cached for good.
    response["Cache-Control"] = "no-cache"
    return response


class FrontendFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise for the built web client, usable in the event loop: WhiteNoise's own
    middleware is sync-only, so Django would run every request, GraphQL included, in a
    thread and hop back to the loop for the async view (measured: ~30 % of server CPU went
    to the loop, the thread pool and asgiref)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response=None, settings=settings) -> None:
        super().__init__(get_response, settings)
        self.is_async = iscoroutinefunction(self.get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request):
        # Finding a file is a dict lookup (or a stat with autorefresh): no need for a thread.
        static_file = self.find_file(request.path_info) if self.autorefresh else self.files.get(request.path_info)
        if static_file is not None:
            return self.serve(static_file, request)
        return await self.get_response(request)
