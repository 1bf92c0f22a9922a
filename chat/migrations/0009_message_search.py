"""Message search's index (chat.search has the design): on PostgreSQL a tsvector column kept
by the write path, under a GIN index; on SQLite an external-content FTS5 table kept by
triggers. Either is filled from the messages already stored."""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "ALTER TABLE chat_message ADD COLUMN search_vector tsvector",
    "UPDATE chat_message SET search_vector = to_tsvector('english', text)",
    "CREATE INDEX message_search ON chat_message USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX message_search",
    "ALTER TABLE chat_message DROP COLUMN search_vector",
]

# The triggers of SQLite's documentation for an external-content table: an entry is removed
# with the exact text it was made from (old.text), for every writer of chat_message.
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE chat_message_search USING fts5("
    "text, content='chat_message', content_rowid='id', tokenize='porter unicode61')",
    """CREATE TRIGGER chat_message_search_insert AFTER INSERT ON chat_message BEGIN
        INSERT INTO chat_message_search(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER chat_message_search_delete AFTER DELETE ON chat_message BEGIN
        INSERT INTO chat_message_search(chat_message_search, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER chat_message_search_update AFTER UPDATE OF text ON chat_message BEGIN
        INSERT INTO chat_message_search(chat_message_search, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO chat_message_search(rowid, text) VALUES (new.id, new.text);
    END""",
    "INSERT INTO chat_message_search(chat_message_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER chat_message_search_update",
    "DROP TRIGGER chat_message_search_delete",
    "DROP TRIGGER chat_message_search_insert",
    "DROP TABLE chat_message_search",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements[schema_editor.connection.vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0008_block"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
