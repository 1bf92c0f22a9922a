"""Message search in the domain (chat.search), on whichever database the run uses: stemming,
the caller's rooms only, the index following edits and deletes, keyset paging, user input
that is never syntax, and the snippet."""

import random

import pytest
from django.db import connection

from chat.cursors import Cursor, MessageIdCursor, message_cursor
from chat.errors import InvalidInput, NotFound
from chat.models import MessageType
from chat.search import (
    CLOSE,
    OPEN,
    QUERY_MAX,
    SNIPPET_MAX,
    fts5_query,
    messages_matching,
    snippet_around_first_match,
)
from chat.services.message_edits import message_delete, message_edit
from chat.services.messages import message_append
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(room, text, *, sender=None):
    """A message through the write path (message_append: no send budget to run out of)."""
    return message_append(room=room, sender=sender or room.vendor, message_type=MessageType.TEXT, text=text)


def found(user, query, **kwargs) -> list[str]:
    return [hit.message.text for hit in messages_matching(user=user, query=query, **kwargs).items]


@pytest.fixture
def room():
    return RoomFactory()


@pytest.mark.parametrize(
    "query, text",
    [
        ("quotes", "Here is the quote for the venue"),
        ("negotiating", "Happy to negotiate on the price"),
        ("negotiate", "We are negotiating with the caterer"),
        ("QUOTE", "quotes attached"),
    ],
)
def test_a_word_finds_its_other_forms_whatever_the_case(room, query, text):
    send(room, text)
    send(room, "nothing to see here")
    assert found(room.organizer, query) == [text]


def test_every_word_of_the_query_must_be_in_the_message(room):
    send(room, "the venue quote")
    send(room, "the catering quote")
    assert found(room.vendor, "quote venue") == ["the venue quote"]


def test_results_are_newest_first(room):
    other_room = RoomFactory(organizer=room.organizer)
    for i, where in enumerate([room, other_room, room, other_room]):
        send(where, f"deposit {i}")
    assert found(room.organizer, "deposit") == ["deposit 3", "deposit 2", "deposit 1", "deposit 0"]


def test_another_rooms_words_never_appear(room):
    send(room, "our budget is tight")
    strangers = RoomFactory()
    send(strangers, "their budget is huge")
    assert found(room.organizer, "budget") == ["our budget is tight"]
    assert found(strangers.vendor, "budget") == ["their budget is huge"]
    assert found(UserFactory(), "budget") == []


def test_with_a_room_only_that_rooms_messages(room):
    mine_elsewhere = RoomFactory(organizer=room.organizer)
    send(room, "invoice for the stage")
    send(mine_elsewhere, "invoice for the lights")
    assert found(room.organizer, "invoice", room_id=room.pk) == ["invoice for the stage"]
    assert found(room.organizer, "invoice", room_id=str(mine_elsewhere.pk)) == ["invoice for the lights"]


@pytest.mark.parametrize("room_id", ["someone else's", "absent"])
def test_a_room_that_is_not_the_callers_is_not_found(room, room_id):
    send(room, "secret plans")
    outsider = UserFactory()
    with pytest.raises(NotFound):
        messages_matching(user=outsider, query="secret", room_id=room.pk if room_id != "absent" else 10**9)


def test_an_edited_message_is_found_by_its_new_text_only(room):
    message = send(room, "the price is firm")
    message_edit(message_id=message.pk, editor=room.vendor, text="the cost is flexible")
    assert found(room.organizer, "firm") == []
    assert found(room.organizer, "price") == []
    assert found(room.organizer, "flexible") == ["the cost is flexible"]


def test_a_deleted_message_is_never_found(room):
    kept = send(room, "the contract draft, version two")
    deleted = send(room, "the contract draft, version one")
    message_delete(message_id=deleted.pk, deleter=room.vendor)
    hits = messages_matching(user=room.organizer, query="contract draft").items
    assert [hit.message.pk for hit in hits] == [kept.pk]
    assert found(room.organizer, "one") == []


def test_paging_walks_every_match_once_newest_first(room):
    other_room = RoomFactory(vendor=room.vendor)
    matches = []
    for i in range(23):
        matches.append(send(room if i % 3 else other_room, f"catering option {i}", sender=room.vendor))
        send(room, f"unrelated {i}")
    seen, after, pages = [], None, 0
    while True:
        page = messages_matching(user=room.vendor, query="catering", first=5, after=after)
        seen += [hit.message.pk for hit in page.items]
        pages += 1
        assert page.has_previous == (after is not None)
        if not page.has_next:
            break
        after = page.items[-1].cursor
    assert seen == [m.pk for m in reversed(matches)]
    assert pages == 5


def test_a_new_match_does_not_shift_a_later_page(room):
    for i in range(6):
        send(room, f"lighting rig {i}")
    first = messages_matching(user=room.vendor, query="lighting", first=3)
    later = [
        hit.message.text
        for hit in messages_matching(user=room.vendor, query="lighting", first=3, after=first.items[-1].cursor).items
    ]
    send(room, "lighting rig, newest")
    again = messages_matching(user=room.vendor, query="lighting", first=3, after=first.items[-1].cursor).items
    assert [hit.message.text for hit in again] == later == ["lighting rig 2", "lighting rig 1", "lighting rig 0"]


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\x00", "a" * (QUERY_MAX + 1), " " + "b" * (QUERY_MAX + 1)])
def test_a_blank_or_too_long_query_is_invalid(room, query):
    with pytest.raises(InvalidInput):
        messages_matching(user=room.vendor, query=query)


def test_a_query_of_the_longest_length_is_fine(room):
    send(room, "marquee")
    assert found(room.vendor, ("marquee " * 40)[:QUERY_MAX]) == ["marquee"]


@pytest.mark.parametrize("query", ["the", "to be or not to be", "The AND of", "it's"])
def test_a_query_of_only_stop_words_is_an_empty_page(room, query):
    send(room, "to be or not to be, the question it's")
    assert found(room.vendor, query) == []


SYNTAX = [
    ('"', False),
    ('""', False),
    ('"price', True),
    ('price"', True),
    ("AND", False),
    ("NEAR", False),
    ("*", False),
    ("price*", True),
    ("(", False),
    ("(price", True),
    ("price)", True),
    (":", False),
    ("text:price", False),
    ("nosuchcolumn:price", False),
    ("{text}: price", False),
    ("NEAR(price quote)", False),
    ("-price", True),
    ("^price", True),
    ("+", False),
    ("price AND", True),
    ("AND quote", True),
    ("price OR", True),
    ("price NOT", True),
    ("'", False),
    ("\\", False),
    ("%", False),
    ("_", False),
    ("price;", True),
    ("'); DROP TABLE chat_message; --", False),
]


@pytest.mark.parametrize("query, matches", SYNTAX, ids=[query for query, _ in SYNTAX])
def test_search_syntax_in_a_query_is_only_words(room, query, matches):
    send(room, "the price quote")
    assert found(room.vendor, query) == (["the price quote"] if matches else [])


@pytest.mark.parametrize(
    "query, expected",
    [
        # Unquoted, FTS5 would read each of these as operators and find the other message.
        ("north NOT pole", ["the north pole"]),
        ("north OR star", ["the north star"]),
        ("nort*", []),
        ('"north pole" OR star', []),
        ("nosuchcolumn:star", []),
    ],
)
def test_search_syntax_never_changes_what_a_query_means(room, query, expected):
    send(room, "the north star")
    send(room, "the north pole")
    assert found(room.vendor, query) == expected


def test_the_fts5_query_quotes_every_chunk_and_drops_what_has_no_word():
    assert fts5_query('say "hi" * ( NEAR x:y the') == '"say" AND """hi""" AND "NEAR" AND "x:y"'
    assert fts5_query("the * (") == ""


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "=", "bXwtMQ", "bXwx" * 60, "eHwx"])
def test_a_bad_cursor_is_invalid(room, cursor):
    with pytest.raises(InvalidInput):
        messages_matching(user=room.vendor, query="price", after=cursor)


def test_a_history_cursor_is_refused_and_a_search_cursor_is_not_a_history_cursor(room):
    message = send(room, "price")
    with pytest.raises(InvalidInput):
        messages_matching(user=room.vendor, query="price", after=message_cursor(message).encode())
    with pytest.raises(InvalidInput):
        Cursor.decode(MessageIdCursor(message.pk).encode())


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_follows_the_limit(room, first):
    with pytest.raises(InvalidInput):
        messages_matching(user=room.vendor, query="price", first=first)


def test_the_default_page_is_twenty(room):
    for i in range(21):
        send(room, f"banner {i}")
    page = messages_matching(user=room.vendor, query="banner")
    assert (len(page.items), page.has_next) == (20, True)


def test_the_snippet_is_plain_text_around_the_first_match_within_the_limit(room):
    words = ["alpha", "beta", "gamma", "delta", "epsilon"]
    long = " ".join(random.Random(7).choice(words) for _ in range(300))
    text = f"{long} the <b>deposit</b> is due\nfriday {long}"
    send(room, text)
    (hit,) = messages_matching(user=room.vendor, query="deposits").items
    assert len(hit.snippet) <= SNIPPET_MAX
    assert "deposit" in hit.snippet and "friday" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert OPEN not in hit.snippet and CLOSE not in hit.snippet and "\n" not in hit.snippet
    # The text's own characters stay as they are: plain text, nothing added but the ellipses.
    assert "<b>deposit</b>" in hit.snippet


def test_a_short_message_is_its_own_snippet(room):
    send(room, "Deposit received, thanks!")
    assert [hit.snippet for hit in messages_matching(user=room.vendor, query="deposit").items] == [
        "Deposit received, thanks!"
    ]


def test_the_snippet_of_a_match_at_the_very_end_keeps_it(room):
    text = "word " * 100 + "ultimatum"
    send(room, text)
    (hit,) = messages_matching(user=room.vendor, query="ultimatum").items
    assert hit.snippet.endswith("ultimatum") and len(hit.snippet) <= SNIPPET_MAX


@pytest.mark.parametrize("seed", range(200))
def test_a_snippet_never_exceeds_the_limit_and_holds_its_match(seed):
    rng = random.Random(seed)
    tokens = [
        "".join(rng.choice("abcdefghij") for _ in range(rng.choice([1, 3, 8, 30, 200])))
        for _ in range(rng.randint(1, 80))
    ]
    at = rng.randrange(len(tokens))
    match = tokens[at]
    tokens[at] = OPEN + match + CLOSE
    if rng.random() < 0.5:  # later matches are marked too
        tokens = [t if i <= at or rng.random() < 0.8 else OPEN + t + CLOSE for i, t in enumerate(tokens)]
    snippet = snippet_around_first_match(rng.choice([" ", "\n", "  "]).join(tokens))
    assert len(snippet) <= SNIPPET_MAX
    assert OPEN not in snippet and CLOSE not in snippet
    assert match[: SNIPPET_MAX - 2] in snippet


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_the_sqlite_index_triggers_survive_every_migration():
    # Django remakes a SQLite table for many schema changes, and its triggers go with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'chat_message'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"chat_message_search_insert", "chat_message_search_update", "chat_message_search_delete"} <= names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_the_sqlite_index_agrees_with_the_stored_texts_after_edits_and_deletes(room):
    messages = [send(room, f"schedule item {i}") for i in range(5)]
    message_edit(message_id=messages[1].pk, editor=room.vendor, text="moved item")
    message_delete(message_id=messages[2].pk, deleter=room.vendor)
    room.delete()  # a cascade, which no write path sees
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO chat_message_search(chat_message_search, rank) VALUES ('integrity-check', 1)")
        cursor.execute("SELECT count(*) FROM chat_message_search WHERE chat_message_search MATCH 'item'")
        assert cursor.fetchone() == (0,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvector column")
def test_the_postgresql_vectors_agree_with_the_stored_texts_after_edits_and_deletes(room):
    messages = [send(room, f"schedule item {i}") for i in range(5)]
    message_edit(message_id=messages[1].pk, editor=room.vendor, text="moved item")
    message_delete(message_id=messages[2].pk, deleter=room.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM chat_message WHERE room_id = %s"
            " AND search_vector IS DISTINCT FROM to_tsvector('english', text)",
            [room.pk],
        )
        assert cursor.fetchone() == (0,)
