"""The middleware chain stays asynchronous: one sync-only middleware would send every request
through a thread and back to the event loop for the async GraphQL view."""

import logging

from django.core.handlers.asgi import ASGIHandler


def test_no_middleware_is_adapted_to_run_in_a_thread(caplog, settings):
    settings.DEBUG = True  # Django reports each adaptation only then
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        ASGIHandler()
    adapted = [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]
    assert adapted == []
