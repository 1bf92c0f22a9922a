import base64
import logging
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chat.cursors import Cursor
from chat.errors import InvalidInput
from tests.factories import RoomFactory
from tests.graphql import gql


def test_a_cursor_round_trips():
    cursor = Cursor(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), 42)
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("value", ["", "x", "%%%", "MjAyNi0wMS0wMnwx", "bm90aGluZw", "MjAyNi0wMS0wMlQwMzowNHxhYmM"])
def test_malformed_cursors_are_invalid_input(value):
    with pytest.raises(InvalidInput):
        Cursor.decode(value)


def test_cursors_order_by_time_then_id():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert Cursor(at, 1) < Cursor(at, 2) < Cursor(at.replace(second=1), 0)


def _raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-23:59|1",
        "0001-01-01T00:00:00+23:59|1",
        "2026-01-01T00:00:00+00:00|99999999999999999999999",
        "2026-01-01T00:00:00+00:00|-1",
        "2026-01-01T00:00:00+00:00|" + "9" * 5000,
        "2026-01-01T00:00:00|1",
    ],
    ids=["year-10000-in-utc", "year-0-in-utc", "id-beyond-bigint", "negative-id", "huge-id", "naive-time"],
)
def test_a_well_formed_cursor_with_values_out_of_range_is_invalid_input(text):
    with pytest.raises(InvalidInput):
        Cursor.decode(_raw_cursor(text))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cursor=st.one_of(
        st.builds(
            lambda at, pk: _raw_cursor(f"{at.isoformat()}|{pk}"),
            st.datetimes(timezones=st.timezones() | st.just(UTC)),
            st.integers(),
        ),
        st.builds(lambda at, pk: _raw_cursor(f"{at}|{pk}"), st.text(max_size=40), st.text(max_size=30)),
        st.text(max_size=80),
    ),
    field=st.sampled_from(["after", "before", "rooms"]),
)
@example(cursor=_raw_cursor("9999-12-31T23:59:59-23:59|1"), field="after")
@example(cursor=_raw_cursor("9999-12-31T23:59:59-23:59|1"), field="before")
@example(cursor=_raw_cursor("9999-12-31T23:59:59-23:59|1"), field="rooms")
@example(cursor=_raw_cursor("0001-01-01T00:00:00+23:59|1"), field="after")
@example(cursor=_raw_cursor("2026-01-01T00:00:00+00:00|99999999999999999999999"), field="after")
def test_no_cursor_is_an_internal_error(client, caplog, cursor, field):
    room = RoomFactory()
    user, room_id = room.organizer, room.pk
    if field == "rooms":
        query, variables = "query($c: String) { rooms(after: $c) { edges { cursor } } }", {"c": cursor}
    else:
        query = f"query($r: ID!, $c: String) {{ messages(roomId: $r, {field}: $c) {{ edges {{ cursor }} }} }}"
        variables = {"r": room_id, "c": cursor}
    with caplog.at_level(logging.ERROR, logger="parley.graphql"):
        result = gql(client, query, variables, user=user)
    assert set(result.codes) <= {"BAD_USER_INPUT"}, result.body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
