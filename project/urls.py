"""HTTP routes: the GraphQL endpoint; the web client's routes are added by the front end."""

from django.urls import path

from chat.views import attachment_download
from schema.transport import graphql_http_view

urlpatterns = [
    path("graphql/", graphql_http_view()),
    path("attachments/<str:token>", attachment_download, name="attachment-download"),
]
