"""Property-based fuzzing of the running server's GraphQL API: queries and mutations generated
from schema.graphql by hypothesis-graphql, valid ones (every argument of the right type, most
of them nonsense) and invalid ones (one schema violation each), POSTed with a valid token.
Whatever comes in, the answer is a clean GraphQL answer: no 5xx, no INTERNAL_SERVER_ERROR,
no stack trace."""

from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings

from chat.models import ChatRoom, MessageType
from chat.services.messages import message_append
from tests.factories import BidFactory, MessageFactory

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install hypothesis)")
hypothesis_graphql = pytest.importorskip(
    "hypothesis_graphql", reason="hypothesis-graphql is not installed (pip install hypothesis-graphql)"
)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis_graphql import Mode, from_schema, nodes  # noqa: E402

pytestmark = pytest.mark.e2e

SDL = (Path(django_settings.BASE_DIR) / "schema.graphql").read_text()

# Values for the custom scalars, mostly wrong on purpose.
DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(nodes.String),
    st.text(max_size=30).map(nodes.String),
    st.integers().map(nodes.Int),
    st.floats().map(nodes.Float),
)
CUSTOM_SCALARS = {
    "Decimal": DECIMALS,
    "DateTime": st.one_of(
        st.datetimes().map(lambda d: nodes.String(d.isoformat())), st.text(max_size=30).map(nodes.String)
    ),
    # A JSON body cannot carry a file: whatever stands in for one must be refused cleanly.
    "Upload": st.one_of(st.text(max_size=20).map(nodes.String), st.integers().map(nodes.Int)),
}
# Sign-in and registration hash a password (~0.5 s each with the production hasher): fuzzed
# on their own, with fewer examples.
PASSWORD_FIELDS = ["tokenAuth", "register"]
OTHER_FIELDS = [
    "me",
    "rooms",
    "room",
    "messages",
    "refreshToken",
    "revokeToken",
    "ensureRoom",
    "createRoom",
    "sendMessage",
    "uploadAttachment",
    "createBid",
    "updateBid",
    "markRead",
]


def fuzz(max_examples: int):
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,  # no .hypothesis/ folder in the work tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


class Poster:
    """POSTs each generated operation and checks the answer."""

    def __init__(self, server, token: str) -> None:
        self.server = server
        self.client = httpx.Client(timeout=15, headers={"Authorization": f"Bearer {token}"})
        self.count = 0

    def check(self, query: str) -> None:
        self.count += 1
        response = self.client.post(self.server.http, json={"query": query})
        context = f"query:\n{query}\nanswer {response.status_code}:\n{response.text[:2000]}"
        assert response.status_code < 500, context
        assert "Traceback" not in response.text, context
        body = response.json()
        codes = [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
        assert "INTERNAL_SERVER_ERROR" not in codes, context
        assert None not in codes, context  # every error carries a contract code


def with_ids(ids: list[str]) -> dict:
    """The custom scalars, and IDs that are often real ones (the caller's room, its users,
    messages and bid) so that operations get past the lookups, and often not."""
    some_id = st.one_of(
        st.sampled_from(ids).map(nodes.String),
        st.sampled_from(ids).map(lambda i: nodes.Int(int(i))),
        st.text(max_size=12).map(nodes.String),
        st.integers().map(nodes.Int),
    )
    return {**CUSTOM_SCALARS, "ID": some_id}


@pytest.fixture
def real_ids(pair) -> list[str]:
    room = ChatRoom.objects.get(pk=pair.room_id)
    message = MessageFactory(room=room, sender=room.vendor)
    bid = BidFactory(message__room=room)
    ids = {room.pk, room.organizer_id, room.vendor_id, message.pk, bid.pk, bid.message_id}
    return [str(pk) for pk in sorted(ids)]


@pytest.fixture
def poster(server, pair):
    log_start = len(server.log())
    poster = Poster(server, pair.organizer_token)
    yield poster
    poster.client.close()
    assert server.process.poll() is None, "the server died"
    # Every failure the server logs itself (an unexpected exception, with its traceback) is
    # an ERROR line; the answers were checked above, this catches what never reached one.
    logged = server.log()[log_start:].splitlines()
    errors = [line for line in logged if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line]
    assert not errors, "\n".join(errors[:5])
    assert poster.count > 0


def test_valid_operations_never_fail_internally(poster, real_ids):
    @fuzz(150)
    @given(from_schema(SDL, fields=OTHER_FIELDS, custom_scalars=with_ids(real_ids)))
    def run(query):
        poster.check(query)

    run()


def test_operations_with_a_schema_violation_are_refused_cleanly(poster, real_ids):
    @fuzz(75)
    @given(from_schema(SDL, fields=OTHER_FIELDS, custom_scalars=with_ids(real_ids), mode=Mode.NEGATIVE))
    def run(query):
        poster.check(query)

    run()


def test_searches_never_fail_internally(poster, real_ids, pair):
    # Fuzzed on their own, so that the search text gets examples of its own: any text is a
    # query (FTS5 syntax, stop words, control characters), never an error but a bad length.
    room = ChatRoom.objects.get(pk=pair.room_id)
    for text in ("the quote, with a (deposit) and a * or two", "NEAR negotiating: prices AND quotes"):
        message_append(room=room, sender=room.vendor, message_type=MessageType.TEXT, text=text)

    @fuzz(100)
    @given(from_schema(SDL, fields=["searchMessages"], custom_scalars=with_ids(real_ids)))
    def run(query):
        poster.check(query)

    run()


def test_sign_in_and_registration_never_fail_internally(poster):
    @fuzz(25)
    @given(from_schema(SDL, fields=PASSWORD_FIELDS, custom_scalars=CUSTOM_SCALARS))
    def run(query):
        poster.check(query)

    run()
