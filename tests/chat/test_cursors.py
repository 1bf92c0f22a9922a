from datetime import UTC, datetime

import pytest

from chat.cursors import Cursor
from chat.errors import InvalidInput


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
