"""The one translation of failures into the contract's `extensions.code`.

Domain errors keep their message; anything unexpected is logged with its traceback and shown
only as "Internal server error" (outside DEBUG), so no stack trace or SQL ever leaves.
"""

import logging
import re
from collections.abc import Iterable
from typing import Any

import strawberry
from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from graphql import GraphQLError, GraphQLSyntaxError
from graphql_jwt.exceptions import JSONWebTokenError
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from chat import errors as domain

logger = logging.getLogger("parley.graphql")

CODES: dict[type[Exception], str] = {
    domain.NotFound: "NOT_FOUND",
    domain.InvalidInput: "BAD_USER_INPUT",
    domain.Forbidden: "FORBIDDEN",
    domain.Unauthenticated: "UNAUTHENTICATED",
    domain.RateLimited: "RATE_LIMITED",
    # Input the database cannot store (a NUL character in PostgreSQL text, say).
    DataError: "BAD_USER_INPUT",
    JSONWebTokenError: "UNAUTHENTICATED",
}


SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")

DATABASE_DOWN = "The database is unavailable; nothing was written. Try again shortly."


def classify(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError) or isinstance(original, GraphQLSyntaxError):
        # The token limit aborts parsing, but the document was well-formed: just too big.
        return "GRAPHQL_VALIDATION_FAILED" if "more than" in error.message else "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    for cls, code in CODES.items():
        if isinstance(original, cls):
            return code
    if original is None and error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return "INTERNAL_SERVER_ERROR"


def error_payload(message: str, code: str) -> dict:
    return {"message": message, "extensions": {"code": code}}


class ParleySchema(strawberry.Schema):
    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # Only the WebSocket streams subscriptions; over plain HTTP one is refused up front.
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES) - {OperationType.SUBSCRIPTION}
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types=allowed,
            operation_extensions=operation_extensions,
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if not settings.PARLEY["INTROSPECTION"]:
                # graphql-core's "Did you mean 'username'?" would let a client without
                # introspection discover the schema one typo at a time.
                error.message = SUGGESTION.sub("", error.message)
            extensions = error.extensions if error.extensions is not None else {}
            if "code" in extensions:
                continue
            code = classify(error)
            extensions["code"] = code
            if isinstance(error.original_error, domain.RateLimited):
                extensions["retryAfter"] = round(error.original_error.retry_after, 3)
            error.extensions = extensions
            if isinstance(error.original_error, DataError):
                error.message = "The input contains characters or values that cannot be stored."
            elif isinstance(error.original_error, OperationalError | InterfaceError):
                logger.warning("database unavailable", extra={"error": repr(error.original_error), "path": error.path})
                error.message = DATABASE_DOWN
                extensions["retryable"] = True
            elif code == "INTERNAL_SERVER_ERROR":
                logger.error(
                    "unexpected error in a GraphQL operation",
                    exc_info=error.original_error or error,
                    extra={"path": error.path, "operation": getattr(execution_context, "operation_name", None)},
                )
                if not settings.DEBUG:
                    error.message = "Internal server error."
            else:
                logger.info("graphql error", extra={"code": code, "error_message": error.message, "path": error.path})
