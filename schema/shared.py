"""One GraphQL result per live event and selection in a process, wherever nothing in the
selection depends on who is watching.

A message reaches every subscription of its room in this process as one layer event
(chat.realtime.RoomHub), decoded once (chat.feed: `MessageItem.origin`). Each subscription
used to execute its document for that event on its own; most selections ask only for what
is the same for everyone who can see the room, so the first subscription to reach the event
executes it and the others take its result. The key is the event's decoded message, the
document, the operation and the variables.

What a selection may ask for and still be shared is SHARED_FIELDS: the message as it was
sent, its sender, attachments and bid, the room's id and participants. The rest belongs to the
viewer: deliveredAt (stamped by the recipient's own subscription before it yields), the room's
unreadCount and block state (read per subscription), a user's presence (hidden across a block)
and email. A document that selects any of them under MessageEvent or BidEvent is executed per
subscription, as before; so is every event that is not a layer event (replays and catch-ups are
read from the database per subscription, and their items carry no origin).

graphql-core 3.2's subscribe() maps each source event through its module's `execute` and offers
no hook for it (strawberry passes 3.3's `execution_context_class` only on 3.3). `install()` puts
`execute_event` there; every root without an origin goes on to graphql-core's own execute.
tests/e2e/test_shared_results.py fails when that stops working.
"""

import asyncio
import importlib
import logging
from collections import OrderedDict
from inspect import isawaitable
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from graphql.execution.execute import execute as graphql_execute

from chat import metrics

logger = logging.getLogger(__name__)
# The module, not the function graphql.execution exports under the same name.
graphql_subscribe = importlib.import_module("graphql.execution.subscribe")

# The event types whose results can be shared: the ones a layer event's message becomes.
SHARED_EVENTS = frozenset({"MessageEvent", "BidEvent"})

# Per type, the fields whose values are the same for every subscriber of the room.
SHARED_FIELDS: dict[str, frozenset[str]] = {
    "Subscription": frozenset({"messageAdded"}),
    "MessageEvent": frozenset({"message", "cursor"}),
    "BidEvent": frozenset({"message", "bid", "cursor"}),
    "Message": frozenset(
        {
            "id",
            "text",
            "messageType",
            "readAt",
            "createdAt",
            "clientId",
            "editedAt",
            "deletedAt",
            "room",
            "sender",
            "attachments",
            "senderUsername",
            "bidDetails",
        }
    ),
    "ChatRoom": frozenset({"id", "createdAt", "organizer", "vendor", "lastMessage"}),
    "User": frozenset({"id", "username", "role"}),
    "Attachment": frozenset({"id", "size", "contentType", "originalName", "file"}),
    "Bid": frozenset({"id", "amount", "currency", "note", "status", "createdAt", "updatedAt", "createdBy"}),
}


class _ViewerFields(Visitor):
    """Finds, for each event type, whether its part of a document selects a viewer's field."""

    def __init__(self, type_info: TypeInfo, event_types: set[str]) -> None:
        super().__init__()
        self.type_info = type_info
        self.event_types = event_types
        self.conditions: list[str | None] = []
        self.unshared: set[str] = set()

    def enter_inline_fragment(self, node: InlineFragmentNode, *_args) -> None:
        self.conditions.append(node.type_condition.name.value if node.type_condition else None)

    def leave_inline_fragment(self, node: InlineFragmentNode, *_args) -> None:
        self.conditions.pop()

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_args) -> None:
        self.conditions.append(node.type_condition.name.value)

    def leave_fragment_definition(self, node: FragmentDefinitionNode, *_args) -> None:
        self.conditions.pop()

    def enter_field(self, node: FieldNode, *_args) -> Any:
        name = node.name.value
        parent = self.type_info.get_parent_type()
        if name == "__typename" or (parent is not None and name in SHARED_FIELDS.get(parent.name, ())):
            return None
        # The viewer's: it costs the event type it is under (nothing when that is never
        # shared anyway, a WarningEvent's fields say), or, outside any (a named fragment on
        # Message, say, which any event may spread), all of them.
        event = next((c for c in reversed(self.conditions) if c in self.event_types), None)
        if event is None:
            self.unshared |= SHARED_EVENTS
        elif event in SHARED_EVENTS:
            self.unshared.add(event)
        return BREAK if self.unshared == SHARED_EVENTS else None


def shared_events(schema: GraphQLSchema, document: DocumentNode) -> frozenset[str]:
    """The event types for which the document's result is the same for every subscriber."""
    type_info = TypeInfo(schema)
    room_event = schema.get_type("RoomEvent")
    assert isinstance(room_event, GraphQLUnionType), room_event
    finder = _ViewerFields(type_info, {member.name for member in room_event.types})
    visit(document, TypeInfoVisitor(type_info, finder))
    return SHARED_EVENTS - finder.unshared


def _frozen(variables: dict[str, Any] | None) -> Any:
    try:
        return tuple(sorted((variables or {}).items()))
    except TypeError:  # an unhashable value (a list, an input object): share nothing for it
        return None


class SharedResults:
    """The recent shared results of this process (an event reaches all its local subscribers
    within moments, so a few hundred cover every room busy at once) and each document's
    shareable event types."""

    MAX_RESULTS = 512
    MAX_DOCUMENTS = 256

    def __init__(self) -> None:
        self._results: OrderedDict[tuple, tuple[Any, DocumentNode, Any]] = OrderedDict()
        self._documents: OrderedDict[int, tuple[DocumentNode, frozenset[str]]] = OrderedDict()

    def execute(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        context_value: Any = None,
        variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        def own() -> Any:
            return graphql_execute(
                schema, document, root_value, context_value, variable_values, operation_name, *args, **kwargs
            )

        origin = getattr(root_value, "shared_origin", None)
        if origin is None or type(root_value).__name__ not in self._shareable(schema, document):
            return own()
        variables = _frozen(variable_values)
        if variables is None:
            return own()
        key = (id(origin), type(root_value).__name__, id(document), operation_name, variables)
        if (entry := self._results.get(key)) is not None:
            metrics.EVENT_RESULTS_SHARED.inc()
            return entry[2]
        result = own()
        if isawaitable(result):
            result = asyncio.ensure_future(result)
            result.add_done_callback(lambda done: self._forget_failed(key, done))
        elif result.errors:
            return result
        metrics.EVENT_RESULTS_EXECUTED.inc()
        # The origin and the document are held with the result: their ids in the key stay theirs.
        self._results[key] = (origin, document, result)
        if len(self._results) > self.MAX_RESULTS:
            self._results.popitem(last=False)
        return result

    def _forget_failed(self, key: tuple, done: asyncio.Future) -> None:
        if done.cancelled() or done.exception() is not None or done.result().errors:
            self._results.pop(key, None)

    def _shareable(self, schema: GraphQLSchema, document: DocumentNode) -> frozenset[str]:
        if (known := self._documents.get(id(document))) is not None and known[0] is document:
            return known[1]
        events = shared_events(schema, document)
        self._documents[id(document)] = (document, events)
        if len(self._documents) > self.MAX_DOCUMENTS:
            self._documents.popitem(last=False)
        return events


_shared = SharedResults()


def shared_results() -> SharedResults:
    return _shared


def execute_event(*args: Any, **kwargs: Any) -> ExecutionResult:
    return _shared.execute(*args, **kwargs)


def install() -> None:
    """Map subscription events through `execute_event`; idempotent."""
    current = graphql_subscribe.execute
    if current is execute_event:
        return
    if current is not graphql_execute:
        logger.warning("graphql-core's subscribe maps events through another execute: results are not shared")
        return
    graphql_subscribe.execute = execute_event  # type: ignore[attr-defined]
