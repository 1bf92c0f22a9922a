"""Message search: which of the caller's messages hold the words of a query, newest first,
each with a plain-text snippet around its first match; and the upkeep of the index it reads.

The index, one per backend (migration 0009_message_search):
- PostgreSQL: a `tsvector` column `chat_message.search_vector` (`to_tsvector('english', text)`:
  stemmed, stop words dropped) under a GIN index, `message_search`. The column is not a model
  field, so no ORM read ever carries it. The write path keeps it: `search_index_refresh`
  recomputes it from the stored text, in the writer's transaction, after each of the two
  writes of a message's text (chat.services.messages.message_append, which sends, and
  chat.services.message_edits._message_rewrite, which edits and deletes). A deleted message's
  text is "", so its vector is empty and no query finds it. Rows written any other way (a bulk
  load, a test factory) are not searchable until `search_index_rebuild`.
- SQLite: an external-content FTS5 table `chat_message_search(text)` over chat_message (the
  text is stored once, in chat_message), tokenizer `porter unicode61` (stemmed, case- and
  accent-insensitive). It is kept by triggers the migration created, not by the write path:
  an external-content table must be told the exact old text to forget a row's entry, and a
  trigger always has it (`old.text`), for every writer (a cascade delete of a room or user,
  a bulk load, a test factory); a wrong old text would corrupt the index silently. A
  migration that makes SQLite remake chat_message (Django's AlterField) drops the triggers
  with the old table, so tests/chat/test_search.py fails until that migration re-creates them.

The query. The caller's words, all of them (AND), in any order, case-insensitive:
`plainto_tsquery('english', ...)` on PostgreSQL, which no input can make fail; on SQLite each
whitespace-separated chunk becomes one quoted FTS5 phrase (`"` doubled), so `AND`, `*`, `(`,
`NEAR` or `col:` are words, never syntax. PostgreSQL's English stop words are dropped on
SQLite too (FTS5 has none), so a query of only stop words is an empty page on both.

Newest first by message id, the keyset of the page cursor (MessageIdCursor). Ids of a room's
messages grow with their createdAt (message_append stamps and inserts under the room lock),
and across rooms they order sends as they happened, to within the instant two concurrent
sends raced. Ordering by id rather than (createdAt, id) is what lets either index stop early:
FTS5 walks its doclists in rowid order (`ORDER BY rowid DESC` costs no sort), and PostgreSQL
can walk the primary key backwards, filtering by `@@`, until the page is full. So a page of a
common word costs the same however many messages the caller has (docs/benchmarks.md); a rare
word is found through the inverted index and only its few matches are sorted.

The snippet: the index marks every match in the current text (ts_headline with
HighlightAll, FTS5 highlight()) with two private-use characters; `snippet_around_first_match`
cuts at most SNIPPET_MAX characters around the first marked one and drops the marks. Those
two characters are replaced in the text first on PostgreSQL; a message containing them on
SQLite may get its snippet around the wrong place, never markup.

A page costs the same number of queries at any size: the matching ids and marked texts (one
statement, computed for the page's rows only), then the messages with everything their
payload shows (chat.selectors.messages_with_payload), and the room check with `roomId`.
"""

import re
from dataclasses import dataclass

from django.db import connection

from chat.cursors import MessageIdCursor
from chat.errors import InvalidInput
from chat.models import Message, User
from chat.selectors import Page, messages_with_payload, page_size, room_for_participant

QUERY_MAX = 200
SNIPPET_MAX = 160
PAGE_SIZE_DEFAULT = 20
# Context kept before the first match when the text is longer than a snippet.
SNIPPET_LEAD = 40
ELLIPSIS = "…"
OPEN, CLOSE = "\ue000", "\ue001"

TSVECTOR_SQL = "to_tsvector('english', text)"
_TSQUERY_SQL = "plainto_tsquery('english', %s)"
_HEADLINE_OPTIONS = f'StartSel="{OPEN}", StopSel="{CLOSE}", HighlightAll=true'

# PostgreSQL's English stop words (share/tsearch_data/english.stop), for SQLite's FTS5.
_ENGLISH_STOP = """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_ENGLISH_STOP.split())
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class SearchHit:
    message: Message
    snippet: str

    @property
    def cursor(self) -> str:
        return MessageIdCursor(self.message.pk).encode()


def messages_matching(
    *,
    user: User,
    query: str,
    room_id: str | int | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[SearchHit]:
    """The user's messages (in one room of theirs with `room_id`) holding every word of
    `query`, newest first. InvalidInput for a blank query or one over QUERY_MAX characters, a
    bad page size or cursor; NotFound for a room that is not the user's."""
    text = _CONTROL.sub(" ", query).strip()
    if not text:
        raise InvalidInput("A search needs at least one word.")
    if len(text) > QUERY_MAX:
        raise InvalidInput(f"A search can be at most {QUERY_MAX} characters long.")
    limit = page_size(first, default=PAGE_SIZE_DEFAULT)
    before = MessageIdCursor.decode(after).id if after else None
    room = room_for_participant(room_id=room_id, user=user) if room_id is not None else None
    scope = ("m.room_id = %s", [room.pk]) if room else _callers_rooms(user)
    if connection.vendor == "postgresql":
        rows = _matches_postgresql(text, scope=scope, before=before, limit=limit + 1)
    else:
        rows = _matches_sqlite(text, scope=scope, before=before, limit=limit + 1)
    has_next = len(rows) > limit
    rows = rows[:limit]
    found = {m.pk: m for m in messages_with_payload(Message.objects.filter(pk__in=[pk for pk, _ in rows]))}
    hits = [SearchHit(found[pk], snippet_around_first_match(marked)) for pk, marked in rows if pk in found]
    return Page(items=hits, has_next=has_next, has_previous=after is not None)


def _callers_rooms(user: User) -> tuple[str, list]:
    # Per candidate message, one lookup of its room by primary key: a list of the caller's
    # rooms would be scanned per message (PostgreSQL) or built whole first (SQLite), a cost
    # that grows with their number.
    return (
        "EXISTS (SELECT 1 FROM chat_chatroom r WHERE r.id = m.room_id AND (r.organizer_id = %s OR r.vendor_id = %s))",
        [user.pk, user.pk],
    )


def _matches_postgresql(text: str, *, scope: tuple[str, list], before: int | None, limit: int) -> list[tuple]:
    where, params = scope
    keyset = "AND m.id < %s" if before is not None else ""
    # The page is chosen first (LIMIT inside), so ts_headline runs on its rows only.
    sql = f"""
        SELECT page.id, ts_headline('english', translate(page.text, %s, '  '), {_TSQUERY_SQL}, %s)
        FROM (
            SELECT m.id, m.text FROM chat_message m
            WHERE m.search_vector @@ {_TSQUERY_SQL} AND {where} {keyset}
            ORDER BY m.id DESC
            LIMIT %s
        ) page
        ORDER BY page.id DESC
    """
    args = [OPEN + CLOSE, text, _HEADLINE_OPTIONS, text, *params, *([before] if before is not None else []), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _matches_sqlite(text: str, *, scope: tuple[str, list], before: int | None, limit: int) -> list[tuple]:
    match = fts5_query(text)
    if not match:
        return []
    where, params = scope
    keyset = "AND s.rowid < %s" if before is not None else ""
    # FTS5 hands its matches over in rowid order, so LIMIT stops the walk early.
    sql = f"""
        SELECT s.rowid, highlight(chat_message_search, 0, %s, %s)
        FROM chat_message_search s JOIN chat_message m ON m.id = s.rowid
        WHERE chat_message_search MATCH %s AND {where} {keyset}
        ORDER BY s.rowid DESC
        LIMIT %s
    """
    args = [OPEN, CLOSE, match, *params, *([before] if before is not None else []), limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def fts5_query(text: str) -> str:
    """The FTS5 query for a user's text: each chunk between spaces one quoted phrase, all of
    them required. A chunk with no word in it (punctuation, a lone `"`) would be an empty
    phrase, which matches nothing, and a chunk of stop words only is dropped as PostgreSQL
    drops them; "" when nothing is left."""
    phrases = []
    for chunk in text.split():
        words = [word.lower() for word in _WORD.findall(chunk)]
        if words and not all(word in STOP_WORDS for word in words):
            phrases.append('"' + chunk.replace('"', '""') + '"')
    return " AND ".join(phrases)


def snippet_around_first_match(marked: str) -> str:
    """Plain text of at most SNIPPET_MAX characters around the first match of `marked` (a
    text whose matches are enclosed in OPEN and CLOSE), on one line; an ellipsis stands for
    what was cut at either end."""
    marked = " ".join(marked.split())
    start = marked.find(OPEN)
    end = marked.find(CLOSE, start) - 1 if start >= 0 else -1  # in the text without marks
    plain = marked.replace(OPEN, "").replace(CLOSE, "")
    if len(plain) <= SNIPPET_MAX:
        return plain
    start = max(start, 0)
    end = max(end, start)
    # Less context before a long match, so that as much of the match as can fit does.
    lead = max(0, min(SNIPPET_LEAD, SNIPPET_MAX - 2 * len(ELLIPSIS) - (end - start)))
    begin = max(0, start - lead)
    # A text whose rest fits: start earlier rather than waste the room.
    begin = min(begin, len(plain) - (SNIPPET_MAX - 1))
    if begin > 0 and (space := plain.find(" ", begin, start)) != -1:
        begin = space + 1
    room = SNIPPET_MAX - (len(ELLIPSIS) if begin > 0 else 0)
    stop = begin + room
    if stop < len(plain):
        stop -= len(ELLIPSIS)
        # End between words when the match still fits.
        if (space := plain.rfind(" ", end, stop + 1)) > begin:
            stop = space
    head = ELLIPSIS if begin > 0 else ""
    tail = ELLIPSIS if stop < len(plain) else ""
    return head + plain[begin:stop].strip() + tail


def search_index_refresh(*, message_id: int) -> None:
    """Bring the index up to the message's stored text, inside the writer's transaction: call
    it after every write of a message's text. PostgreSQL recomputes the row's vector; on
    SQLite the migration's triggers have done it already (see the module's docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE chat_message SET search_vector = {TSVECTOR_SQL} WHERE id = %s", [message_id])


def search_index_rebuild() -> None:
    """The whole index from the stored texts, in bulk: after rows were written without the
    write path (a bulk load). One statement, as long as the table is big."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE chat_message SET search_vector = {TSVECTOR_SQL}")
        else:
            cursor.execute("INSERT INTO chat_message_search(chat_message_search) VALUES ('rebuild')")
