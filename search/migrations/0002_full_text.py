"""Full-text structures the ORM cannot describe, created for the database in use.

SQLite: an FTS5 table whose rowid is IndexedDocument.id; the engine writes it alongside the
document rows (no triggers, so Django's table rebuilds on later migrations cannot drop them).
PostgreSQL: a stored generated tsvector column weighted title A, summary B, body C, with a GIN
index; PostgreSQL keeps it current on every insert and update.
Other databases get nothing: the database engine refuses to start on them.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"

POSTGRES_CREATE = [
    "ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX search_indexeddocument_search_vector "
    "ON search_indexeddocument USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_indexeddocument_search_vector",
    "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
]


def create_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create_full_text, drop_full_text, elidable=False)]
