"""Full text that knows Finnish, Swedish and English words (stems and stop words), re-derived from
the stored document rows, so no rebuild of the index is needed.

SQLite: the FTS5 table gains a column of stems beside each text (`title_stems`, ...), holding the
Snowball stems of the document language's words (`search.engines.full_text.sqlite_fts_row`); it
is made again and filled from the document rows.
PostgreSQL: the stored tsvector holds each text analysed by the document language's configuration
(`finnish`, `swedish`, `english`; `simple` for others) beside the `simple` one (words as written,
for prefixes and exact phrases); the column is added again, which computes it for every row.
"""

from django.db import migrations

from search.engines.full_text import SQLITE_FTS_COLUMNS, SQLITE_FTS_VALUES, sqlite_fts_row

BATCH = 500
SQLITE_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 0'"
SQLITE_STEMMED = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, body, "
    f"title_stems, summary_stems, body_stems, {SQLITE_TOKENIZER})"
)
SQLITE_PLAIN = f"CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, body, {SQLITE_TOKENIZER})"


def _vector(configuration: str) -> str:
    return " || ".join(
        f"setweight({configuration.format(column=column)}, '{weight}')"
        for column, weight in (("title", "A"), ("summary", "B"), ("body", "C"))
    )


LANGUAGE_CONFIGURATION = (
    "CASE language WHEN 'fi' THEN 'finnish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig "
    "WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END"
)
STEMMED = _vector(
    f"(to_tsvector({LANGUAGE_CONFIGURATION}, coalesce({{column}}, '')) || "
    "to_tsvector('simple'::regconfig, coalesce({column}, '')))"
)
SIMPLE = _vector("to_tsvector('simple'::regconfig, coalesce({column}, ''))")


def _postgres_statements(vector: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS search_indexeddocument_search_vector",
        "ALTER TABLE search_indexeddocument DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE search_indexeddocument ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({vector}) STORED",
        "ALTER TABLE search_indexeddocument ALTER COLUMN search_vector SET STORAGE MAIN",
        "CREATE INDEX search_indexeddocument_search_vector "
        "ON search_indexeddocument USING GIN (search_vector)",
    ]


def _sqlite_rewrite(apps, schema_editor, *, stemmed: bool) -> None:
    IndexedDocument = apps.get_model("search", "IndexedDocument")
    rows = IndexedDocument.objects.values_list("id", "title", "summary", "body", "language")
    if stemmed:
        columns, values = SQLITE_FTS_COLUMNS, SQLITE_FTS_VALUES
    else:
        columns, values = "rowid, title, summary, body", "%s, %s, %s, %s"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS search_fts")
        cursor.execute(SQLITE_STEMMED if stemmed else SQLITE_PLAIN)
        insert = f"INSERT INTO search_fts ({columns}) VALUES ({values})"
        batch = []
        for pk, title, summary, body, language in rows.order_by("id").iterator(BATCH):
            row = sqlite_fts_row(pk, title, summary, body, language)
            batch.append(row if stemmed else row[:4])
            if len(batch) >= BATCH:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)


def _apply(apps, schema_editor, *, stemmed: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite_rewrite(apps, schema_editor, stemmed=stemmed)
    elif vendor == "postgresql":
        for statement in _postgres_statements(STEMMED if stemmed else SIMPLE):
            schema_editor.execute(statement)


def stem(apps, schema_editor):
    _apply(apps, schema_editor, stemmed=True)


def unstem(apps, schema_editor):
    _apply(apps, schema_editor, stemmed=False)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_document_hidden_for")]

    operations = [migrations.RunPython(stem, unstem, elidable=False)]
