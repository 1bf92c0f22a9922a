"""Parley's GraphQL schema: the per-concern Query, Mutation and Subscription merged into one."""

from django.conf import settings
from strawberry.extensions import QueryDepthLimiter
from strawberry.tools import merge_types

from schema.auth import AuthMutation
from schema.errors import ParleySchema
from schema.mutations import Mutation as ChatMutation
from schema.queries import Query
from schema.subscriptions import Subscription

Mutation = merge_types("Mutation", (AuthMutation, ChatMutation))

schema = ParleySchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[lambda: QueryDepthLimiter(max_depth=settings.PARLEY["QUERY_DEPTH"])],
)
