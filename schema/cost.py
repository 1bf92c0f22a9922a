"""What a document costs: how many objects it may ask for, counting page sizes times nested
lists (a page of 100 messages, each with up to 10 attachments, is 1,100 objects and more),
with the page sizes its variables give. A document over PARLEY_QUERY_COST is refused before
anything runs, as GRAPHQL_VALIDATION_FAILED; depth, alias and token limits alone let one
request ask for 45,000 objects."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)
from strawberry.extensions import SchemaExtension

# Arguments that set how many items a connection's `edges` hold.
PAGE_ARGUMENTS = ("first", "last")


class _TooCostly(Exception):
    pass


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        limits = settings.PARLEY
        self.limit = limits["QUERY_COST"]
        self.page_default = limits["PAGE_SIZE_DEFAULT"]
        self.page_max = limits["PAGE_SIZE_MAX"]
        self.attachments = limits["ATTACHMENTS_PER_MESSAGE"]
        self.total = 0

    def cost(self, parent: GraphQLNamedType, selections: SelectionSetNode | None, times: int, page: int) -> None:
        for field, field_parent in self._fields(parent, selections):
            name = field.name.value
            if name.startswith("__") or not isinstance(field_parent, GraphQLObjectType):
                continue  # __typename is free; introspection is bounded by the schema itself
            definition = field_parent.fields.get(name)
            if definition is None:
                continue
            named = get_named_type(definition.type)
            if is_leaf_type(named):
                continue
            inner_page = self._page_size(field, definition) or page
            objects = times * (self._list_size(name, page) if _is_list(definition.type) else 1)
            self.total += objects
            if self.total > self.limit:
                raise _TooCostly
            self.cost(named, field.selection_set, objects, inner_page)

    def _fields(self, parent: GraphQLNamedType, selections: SelectionSetNode | None) -> Iterator[tuple[FieldNode, Any]]:
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(kind or parent, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self._fields(kind or parent, fragment.selection_set)

    def _page_size(self, field: FieldNode, definition) -> int | None:
        sizes = []
        for argument in field.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                sizes.append(int(value.value))
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                # A variable not given (or not a number) may be anything the resolver accepts.
                sizes.append(given if isinstance(given, int) else self.page_max)
        if sizes:
            return max(sizes)
        if any(name in definition.args for name in PAGE_ARGUMENTS):
            defaults = [definition.args[n].default_value for n in PAGE_ARGUMENTS if n in definition.args]
            return max([d for d in defaults if isinstance(d, int)] or [self.page_default])
        return None

    def _list_size(self, name: str, page: int) -> int:
        if name == "edges":
            return page
        if name == "attachments":
            return self.attachments
        return self.page_max


def _is_list(kind) -> bool:
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


def document_cost(schema: GraphQLSchema, document, variables: dict, operation_name: str | None = None) -> int:
    """The objects the operation may ask for (stops counting past the limit)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    walk = _Walk(schema, fragments, variables or {})
    try:
        for operation in operations:
            root = schema.get_root_type(operation.operation)
            if root is not None:
                walk.cost(root, operation.selection_set, 1, walk.page_default)
    except _TooCostly:
        pass
    return walk.total


class QueryCostLimiter(SchemaExtension):
    """Refuses, before execution, an operation that may ask for more objects than the limit.
    It runs after validation's cache, on a document known to be valid, with the variables."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            cost = document_cost(
                context.schema._schema, context.graphql_document, context.variables or {}, context.operation_name
            )
            limit = settings.PARLEY["QUERY_COST"]
            if cost > limit:
                context.pre_execution_errors = [
                    GraphQLError(
                        f"The query's cost is more than {limit} (page sizes times nested lists): "
                        "ask for smaller pages or fewer nested lists."
                    )
                ]
        yield
