"""Full text in the database: what differs between SQLite FTS5 and PostgreSQL (matching,
ranking, highlighting, and keeping SQLite's FTS5 table in step with the document rows).

The structures (the FTS5 table, the stored tsvector and its GIN index) are made by migration
0002 and later for the database in use; `full_text_of_connection()` picks the matching class.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import batched

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from search.documents import Visibility
from search.engines.text import marked_html, prefixed
from search.models import IndexedDocument, IndexedFacetValue

# Highlight markers: control characters that `clean_text` removes from every indexed text, so
# they can only come from the highlighter and survive HTML escaping unchanged.
MARK_START = "\x02"
MARK_END = "\x03"


class FullText:
    """What differs between SQLite and PostgreSQL: building, matching, ranking, highlighting
    and (for SQLite) keeping the FTS5 table in step with the document rows."""

    def match_ids(self, words: Sequence[str]) -> RawSQL:
        """A subquery of the IndexedDocument ids whose text matches every word."""
        raise NotImplementedError

    def ranked_page(
        self, filtered: QuerySet, words: Sequence[str], *, limit: int, offset: int
    ) -> tuple[list[tuple[int, float]], int]:
        """(id, score) of one page of `filtered` matching `words`, best first, and how many
        documents match in all (0 when the page is empty: past the end, or nothing matches).

        Ranking reads every match anyway, so it counts them in the same pass (a window
        count) rather than in a query of its own."""
        raise NotImplementedError

    def highlights(self, ids: Sequence[int], words: Sequence[str]) -> dict[int, dict[str, str]]:
        """Marked-up title, summary and body excerpts for the given documents."""
        raise NotImplementedError

    def title_matches(
        self, words: Sequence[str], *, prefix: bool, any_word: bool, limit: int
    ) -> list[tuple[int, float]]:
        """(id, score) of public documents whose title holds the words, best first."""
        raise NotImplementedError

    def on_insert(self, rows: Sequence[IndexedDocument]) -> None:
        """Index the text of freshly inserted rows (nothing to do on PostgreSQL)."""

    def on_delete(self, ids: Sequence[int]) -> None:
        """Forget the text of rows about to be deleted (nothing to do on PostgreSQL)."""

    def on_clear(self) -> None:
        """Forget all text (nothing to do on PostgreSQL)."""

    def analyze(self) -> None:
        """Refresh the planner's statistics of the index tables (after a bulk load)."""
        with connection.cursor() as cursor:
            for model in (IndexedDocument, IndexedFacetValue):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def vacuum(self) -> None:
        """Tidy the index tables after a committed bulk load (nothing to do on SQLite)."""


def document_table() -> str:
    """The quoted name of IndexedDocument's table."""
    return connection.ops.quote_name(IndexedDocument._meta.db_table)


def id_subquery(queryset: QuerySet) -> tuple[str, tuple]:
    """The SQL and parameters of a subquery of the ids of `queryset`."""
    sql, params = queryset.values("id").query.sql_with_params()
    return sql, tuple(params)


class SqliteFullText(FullText):
    # bm25 column weights: title, summary, body.
    BM25 = "bm25(search_fts, 10.0, 4.0, 1.0)"

    @staticmethod
    def expression(
        words: Sequence[str], *, prefix: bool = True, column: str = "", any_word: bool = False
    ) -> str:
        # Every word is a quoted FTS5 string, so AND, NEAR, *, ^ or column names typed by a user
        # are plain words; _WORD already keeps double quotes out.
        scope = f"{column} : " if column else ""
        terms = [
            f'{scope}"{word}"' + ("*" if is_prefix else "")
            for word, is_prefix in zip(words, prefixed(words, prefix=prefix), strict=True)
        ]
        return (" OR " if any_word else " AND ").join(terms)

    def match_ids(self, words: Sequence[str]) -> RawSQL:
        return RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", (self.expression(words),)
        )

    def ranked_page(self, filtered, words, *, limit, offset):
        inner, params = id_subquery(filtered)
        sql = (
            # FTS5 refuses bm25() beside a window function: it is computed in a subquery.
            "SELECT id, score, COUNT(*) OVER () FROM ("
            f"SELECT d.id, -{self.BM25} AS score, d.date, d.doc_id FROM search_fts "
            f"JOIN {document_table()} d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND d.id IN ({inner})) "
            "ORDER BY score DESC, date DESC NULLS LAST, doc_id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (self.expression(words), *params, limit, offset))
            return _page_and_total(cursor.fetchall())

    def highlights(self, ids, words):
        if not ids:
            return {}
        placeholders = ", ".join(["%s"] * len(ids))
        marks = (MARK_START, MARK_END)
        sql = (
            "SELECT rowid, highlight(search_fts, 0, %s, %s), highlight(search_fts, 1, %s, %s), "
            "snippet(search_fts, 2, %s, %s, '…', 32) "
            f"FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (*marks, *marks, *marks, self.expression(words), *ids))
            return {row[0]: _marked_fields(row[1:]) for row in cursor.fetchall()}

    def title_matches(self, words, *, prefix, any_word, limit):
        expression = self.expression(words, prefix=prefix, column="title", any_word=any_word)
        sql = (
            f"SELECT d.id, -{self.BM25} AS score FROM search_fts "
            f"JOIN {document_table()} d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND d.visibility = %s "
            "ORDER BY score DESC, d.title LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (expression, Visibility.PUBLIC, limit))
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def on_insert(self, rows):
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                [(row.id, row.title, row.summary, row.body) for row in rows],
            )

    def on_delete(self, ids):
        with connection.cursor() as cursor:
            for chunk in batched(ids, 500):
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({placeholders})", chunk)

    def on_clear(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


class PostgresFullText(FullText):
    # ts_rank_cd weights for D, C, B, A: body (C) counts a tenth of title (A).
    WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
    HEADLINE_WHOLE = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
    HEADLINE_EXCERPT = (
        f'MaxFragments=2, MaxWords=24, MinWords=10, FragmentDelimiter=" … ", '
        f"StartSel={MARK_START}, StopSel={MARK_END}"
    )

    @staticmethod
    def expression(
        words: Sequence[str], *, prefix: bool = True, weights: str = "", any_word: bool = False
    ) -> str:
        # Quoted tsquery lexemes; _WORD keeps quotes and backslashes out, so the input of
        # to_tsquery is always well formed.
        terms = [
            f"'{word}'" + (":*" if is_prefix else "")
            for word, is_prefix in zip(words, prefixed(words, prefix=prefix), strict=True)
        ]
        if weights:
            terms = [
                f"{term}{weights}" if term.endswith("*") else f"{term}:{weights}" for term in terms
            ]
        return (" | " if any_word else " & ").join(terms)

    def match_ids(self, words):
        return RawSQL(
            f"SELECT id FROM {document_table()} WHERE search_vector @@ to_tsquery('simple', %s)",
            (self.expression(words),),
        )

    def ranked_page(self, filtered, words, *, limit, offset):
        inner, params = id_subquery(filtered)
        sql = (
            f"SELECT d.id, ts_rank_cd(%s::float4[], d.search_vector, q.query) AS score, "
            f"COUNT(*) OVER () FROM {document_table()} d "
            "CROSS JOIN to_tsquery('simple', %s) AS q(query) "
            f"WHERE d.search_vector @@ q.query AND d.id IN ({inner}) "
            "ORDER BY score DESC, d.date DESC NULLS LAST, d.doc_id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (self.WEIGHTS, self.expression(words), *params, limit, offset))
            return _page_and_total(cursor.fetchall())

    def highlights(self, ids, words):
        if not ids:
            return {}
        sql = (
            "SELECT d.id, ts_headline('simple', d.title, q.query, %s), "
            "ts_headline('simple', d.summary, q.query, %s), "
            "ts_headline('simple', d.body, q.query, %s) "
            f"FROM {document_table()} d CROSS JOIN to_tsquery('simple', %s) AS q(query) "
            "WHERE d.id = ANY(%s)"
        )
        params = (
            self.HEADLINE_WHOLE,
            self.HEADLINE_WHOLE,
            self.HEADLINE_EXCERPT,
            self.expression(words),
            list(ids),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: _marked_fields(row[1:]) for row in cursor.fetchall()}

    def title_matches(self, words, *, prefix, any_word, limit):
        expression = self.expression(words, prefix=prefix, weights="A", any_word=any_word)
        sql = (
            f"SELECT d.id, ts_rank_cd(%s::float4[], d.search_vector, q.query) AS score "
            f"FROM {document_table()} d CROSS JOIN to_tsquery('simple', %s) AS q(query) "
            "WHERE d.search_vector @@ q.query AND d.visibility = %s "
            "ORDER BY score DESC, d.title LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (self.WEIGHTS, expression, Visibility.PUBLIC, limit))
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def vacuum(self) -> None:
        """VACUUM (ANALYZE) the index tables; only outside a transaction (PostgreSQL refuses
        it inside one). A bulk load leaves every row not yet known to be visible to all, so
        the covering indexes cannot be read alone (each row costs a heap visit), and the GIN
        index's pending list unmerged, which every text search would then scan."""
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (IndexedDocument, IndexedFacetValue)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")


def _page_and_total(rows: Sequence[tuple]) -> tuple[list[tuple[int, float]], int]:
    """Rows of (id, score, count of all matches) as a page of (id, score) and that count."""
    return [(row[0], float(row[1])) for row in rows], (rows[0][2] if rows else 0)


def _marked_fields(values: Sequence[str | None]) -> dict[str, str]:
    # Only fields where something matched: the caller shows the plain field otherwise.
    return {
        name: marked_html(value, start=MARK_START, end=MARK_END)
        for name, value in zip(("title", "summary", "body"), values, strict=True)
        if value and MARK_START in value
    }


def full_text_of_connection() -> FullText:
    """The full-text support of the default database."""
    if connection.vendor == "sqlite":
        return SqliteFullText()
    if connection.vendor == "postgresql":
        return PostgresFullText()
    raise ImproperlyConfigured(
        f"The database search engine supports SQLite and PostgreSQL, not {connection.vendor}."
    )
