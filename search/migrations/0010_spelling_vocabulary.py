"""The vocabulary that spelling corrections come from (see search.engines.spelling).

SQLite: an `fts5vocab` table over the FTS5 table: each term of the index with the number of
documents holding it, always current, nothing to maintain.

PostgreSQL: `search_spelling_term` (term, documents), the words as written of every document (the
`simple` parser; letters only), with a trigram index (pg_trgm) that finds a word's neighbours,
kept current by statement-level triggers on the document table: each statement adds what it
inserted and takes away what it deleted, as one change in word order (so that concurrent
writers wait for each other rather than deadlock). A transaction that changes many documents
(a rebuild, a clear) would update the same words statement after statement, each time a new
row version that the next must step over: past RECOUNT_ROWS documents (or a tenth of the
index) it stops counting and the vocabulary is counted again from the documents when it
commits (a deferred constraint trigger; ~5 s for 100,000 documents). The table is filled from
the documents already indexed.
"""

from django.db import migrations

SQLITE_CREATE = "CREATE VIRTUAL TABLE search_fts_vocabulary USING fts5vocab(search_fts, row)"
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts_vocabulary"

RECOUNT_ROWS = 2000

# The words of a document as the vocabulary counts them: distinct, letters only.
WORDS = (
    "SELECT DISTINCT word FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, "
    "concat_ws(' ', {row}.title, {row}.summary, {row}.body)))) AS word "
    "WHERE word ~ '^[[:alpha:]]+$' AND length(word) BETWEEN 3 AND 40"
)
COUNT_ALL = (
    "INSERT INTO search_spelling_term (term, documents) "
    "SELECT w.word, count(*) FROM search_indexeddocument AS d, "
    f"LATERAL ({WORDS.format(row='d')}) AS w GROUP BY w.word"
)

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Counts change in place (HOT updates: no index entry) while pages have room.
    "CREATE TABLE search_spelling_term (term text PRIMARY KEY, documents integer NOT NULL) "
    "WITH (fillfactor = 70)",
    "CREATE INDEX search_spelling_term_trigrams ON search_spelling_term "
    "USING gin (term gin_trgm_ops)",
    # A row here while a transaction waits to count the vocabulary again when it commits.
    "CREATE TABLE search_spelling_recount (id integer PRIMARY KEY)",
    # Adds `counts` (signed) to the words' document counts, in word order; a word at zero leaves.
    """
    CREATE FUNCTION search_spelling_apply(words text[], counts integer[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF words IS NULL OR cardinality(words) = 0 THEN
            RETURN;
        END IF;
        INSERT INTO search_spelling_term AS t (term, documents)
            SELECT c.word, c.n FROM unnest(words, counts) AS c(word, n) ORDER BY c.word
            ON CONFLICT (term) DO UPDATE SET documents = t.documents + EXCLUDED.documents;
        DELETE FROM search_spelling_term AS t USING unnest(words, counts) AS c(word, n)
            WHERE c.n < 0 AND t.term = c.word AND t.documents <= 0;
    END $$
    """,
    f"""
    CREATE FUNCTION search_spelling_recounted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_spelling_recount;
        DELETE FROM search_spelling_term;
        {COUNT_ALL};
        RETURN NULL;
    END $$
    """,
    "CREATE CONSTRAINT TRIGGER search_spelling_recount AFTER INSERT ON search_spelling_recount "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION search_spelling_recounted()",
    f"""
    CREATE FUNCTION search_spelling_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        words text[];
        counts integer[];
        changed bigint;
    BEGIN
        IF current_setting('search.spelling_recount', true) = 'on' THEN
            RETURN NULL;  -- counted again when the transaction commits
        END IF;
        IF TG_OP = 'DELETE' THEN
            SELECT count(*) INTO changed FROM removed;
        ELSE
            SELECT count(*) INTO changed FROM added;
        END IF;
        changed := changed
            + coalesce(nullif(current_setting('search.spelling_changed', true), ''), '0')::bigint;
        PERFORM set_config('search.spelling_changed', changed::text, true);
        IF changed > greatest({RECOUNT_ROWS}, (SELECT reltuples / 10 FROM pg_class
                WHERE oid = 'search_indexeddocument'::regclass)) THEN
            PERFORM set_config('search.spelling_recount', 'on', true);
            INSERT INTO search_spelling_recount (id) VALUES (1) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO words, counts
            FROM (SELECT w.word, count(*)::integer AS n FROM added,
                  LATERAL ({WORDS.format(row="added")}) AS w GROUP BY w.word) AS c;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO words, counts
            FROM (SELECT w.word, -count(*)::integer AS n FROM removed,
                  LATERAL ({WORDS.format(row="removed")}) AS w GROUP BY w.word) AS c;
        ELSE
            SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO words, counts
            FROM (
                SELECT w.word, sum(w.n)::integer AS n FROM (
                    SELECT a.word, 1 AS n FROM added JOIN removed USING (id),
                        LATERAL ({WORDS.format(row="added")}) AS a
                    WHERE (added.title, added.summary, added.body)
                        IS DISTINCT FROM (removed.title, removed.summary, removed.body)
                    UNION ALL
                    SELECT r.word, -1 AS n FROM added JOIN removed USING (id),
                        LATERAL ({WORDS.format(row="removed")}) AS r
                    WHERE (added.title, added.summary, added.body)
                        IS DISTINCT FROM (removed.title, removed.summary, removed.body)
                ) AS w GROUP BY w.word HAVING sum(w.n) <> 0
            ) AS c;
        END IF;
        PERFORM search_spelling_apply(words, counts);
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_spelling_inserted AFTER INSERT ON search_indexeddocument "
    "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_spelling_changed()",
    "CREATE TRIGGER search_spelling_deleted AFTER DELETE ON search_indexeddocument "
    "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_spelling_changed()",
    "CREATE TRIGGER search_spelling_updated AFTER UPDATE ON search_indexeddocument "
    "REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_spelling_changed()",
    COUNT_ALL,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS search_spelling_inserted ON search_indexeddocument",
    "DROP TRIGGER IF EXISTS search_spelling_deleted ON search_indexeddocument",
    "DROP TRIGGER IF EXISTS search_spelling_updated ON search_indexeddocument",
    "DROP TRIGGER IF EXISTS search_spelling_recount ON search_spelling_recount",
    "DROP FUNCTION IF EXISTS search_spelling_changed()",
    "DROP FUNCTION IF EXISTS search_spelling_recounted()",
    "DROP FUNCTION IF EXISTS search_spelling_apply(text[], integer[])",
    "DROP TABLE IF EXISTS search_spelling_recount",
    "DROP TABLE IF EXISTS search_spelling_term",
]


def create_vocabulary(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def drop_vocabulary(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        for statement in POSTGRES_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_synonym_seed")]

    operations = [migrations.RunPython(create_vocabulary, drop_vocabulary, elidable=False)]
