"""Parley's GraphQL schema: the per-concern Query, Mutation and Subscription merged into one,
with the contract's limits on what a document may ask for."""

from django.conf import settings
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.tools import merge_types

from schema import shared
from schema.auth import AuthMutation
from schema.cost import QueryCostLimiter
from schema.errors import ParleySchema
from schema.mutations import Mutation as ChatMutation
from schema.queries import Query
from schema.subscriptions import Subscription

Mutation = merge_types("Mutation", (AuthMutation, ChatMutation))


def _extensions() -> list:
    limits = settings.PARLEY
    # The rule classes are made once, so that ValidationCache's key (schema, document, rules)
    # repeats: a client's documents are then parsed and validated once per process.
    rules: list[type[ASTValidationRule]] = [
        aliases_rule(limits["QUERY_ALIASES"]),
        depth_rule(limits["QUERY_DEPTH"], None, None),
    ]
    extensions = [
        lambda: MaxTokensLimiter(max_token_count=limits["QUERY_TOKENS"]),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        # After validation (it counts a document known to be valid), before execution.
        QueryCostLimiter,
    ]
    if not limits["INTROSPECTION"]:
        extensions.append(DisableIntrospection)
    return extensions


schema = ParleySchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=_extensions())
# A live message's result, executed once per process for every subscription whose selection
# shows nothing of its viewer's.
shared.install()
