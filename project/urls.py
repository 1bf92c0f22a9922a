"""HTTP routes: the GraphQL endpoint, attachment and unsubscribe links, and the web client's pages."""

from django.urls import path, re_path

from chat.views import attachment_download, email_unsubscribe
from project.frontend import app_page
from schema.transport import graphql_http_view

urlpatterns = [
    path("graphql/", graphql_http_view()),
    path("attachments/<str:token>", attachment_download, name="attachment-download"),
    path("email/unsubscribe/<str:token>", email_unsubscribe, name="email-unsubscribe"),
    # Client routes (/, /login, /dm/12): the single-page app. Anything with a dot is a file.
    re_path(r"^(?P<path>[^.]*)$", app_page, name="app"),
]
