"""Parley's GraphQL schema: the per-concern Query, Mutation and Subscription merged into one,
with the contract's limits on what a document may ask for."""

from django.conf import settings
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types

from schema.auth import AuthMutation
from schema.errors import ParleySchema
from schema.mutations import Mutation as ChatMutation
from schema.queries import Query
from schema.subscriptions import Subscription

Mutation = merge_types("Mutation", (AuthMutation, ChatMutation))


def _extensions() -> list:
    limits = settings.PARLEY
    extensions = [
        lambda: MaxTokensLimiter(max_token_count=limits["QUERY_TOKENS"]),
        lambda: MaxAliasesLimiter(max_alias_count=limits["QUERY_ALIASES"]),
        lambda: QueryDepthLimiter(max_depth=limits["QUERY_DEPTH"]),
    ]
    if not limits["INTROSPECTION"]:
        extensions.append(DisableIntrospection)
    return extensions


schema = ParleySchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=_extensions())
