"""Full text in the database: what differs between SQLite FTS5 and PostgreSQL (matching,
ranking, highlighting, and keeping SQLite's FTS5 table in step with the document rows).

The structures (the FTS5 table, the stored tsvector and its GIN index) are made by migration
0002 and later for the database in use (0007: stems of the document's language beside the words
as written); `full_text_of_connection()` picks the matching class.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import batched

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from search.documents import Visibility
from search.engines.stemming import (
    POSTGRES_CONFIGURATIONS,
    STEMMED_LANGUAGES,
    matches,
    query_stems,
    stemmed_words,
)
from search.engines.syntax import Clause, Phrase
from search.engines.text import marked_html, prefixed, word_spans
from search.models import IndexedDocument, IndexedFacetValue

# Highlight markers: control characters that `clean_text` removes from every indexed text, so
# they can only come from the highlighter and survive HTML escaping unchanged.
MARK_START = "\x02"
MARK_END = "\x03"


class FullText:
    """What differs between SQLite and PostgreSQL: building, matching, ranking, highlighting
    and (for SQLite) keeping the FTS5 table in step with the document rows."""

    def match_ids(self, clauses: Sequence[Clause], *, any_clause: bool = False) -> RawSQL:
        """A subquery of the IndexedDocument ids whose text matches every clause (see
        `syntax`), or at least one with `any_clause`: a word as written, as a prefix, or by its
        stem in any of the three languages; an exact phrase as written, its words in order."""
        raise NotImplementedError

    def ranked_page(
        self,
        filtered: QuerySet,
        clauses: Sequence[Clause],
        *,
        limit: int,
        offset: int,
        any_clause: bool = False,
    ) -> tuple[list[tuple[int, float]], int]:
        """(id, score) of one page of `filtered` matching `clauses`, best first, and how many
        documents match in all (0 when the page is empty: past the end, or nothing matches).

        Ranking reads every match anyway, so it counts them in the same pass (a window
        count) rather than in a query of its own."""
        raise NotImplementedError

    def highlights(
        self, ids: Sequence[int], phrases: Sequence[Phrase]
    ) -> dict[int, dict[str, str]]:
        """Marked-up title, summary and body excerpts for the given documents: the words of
        `phrases` as they matched."""
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
    """FTS5 over each document's words as written (title, summary, body) and their Snowball
    stems in the document's language (title_stems, summary_stems, body_stems; empty for a
    document in another language); highlights are marked in Python by the same rules."""

    # bm25 column weights: title, summary, body as written, then their stems (a word found by
    # its stem counts half as much as one found as written).
    BM25 = "bm25(search_fts, 10.0, 4.0, 1.0, 5.0, 2.0, 0.5)"
    WRITTEN = "{title summary body}"
    STEMS = "{title_stems summary_stems body_stems}"
    EXCERPT_WORDS = 32

    @staticmethod
    def expression(
        words: Sequence[str], *, prefix: bool = True, column: str = "", any_word: bool = False
    ) -> str:
        """Words as written (for titles: suggestions and related documents)."""
        # Every word is a quoted FTS5 string, so AND, NEAR, *, ^ or column names typed by a user
        # are plain words; _WORD already keeps double quotes out.
        scope = f"{column} : " if column else ""
        terms = [
            f'{scope}"{word}"' + ("*" if is_prefix else "")
            for word, is_prefix in zip(words, prefixed(words, prefix=prefix), strict=True)
        ]
        return (" OR " if any_word else " AND ").join(terms)

    @classmethod
    def query(cls, clauses: Sequence[Clause], *, any_clause: bool = False) -> str:
        """The FTS5 expression of `clauses` (see `FullText.match_ids`)."""
        return (" OR " if any_clause else " AND ").join(
            "(" + " OR ".join(cls._phrase(phrase) for phrase in clause.alternatives) + ")"
            for clause in clauses
        )

    @classmethod
    def _phrase(cls, phrase: Phrase) -> str:
        if phrase.exact:
            return f'{cls.WRITTEN} : "{" ".join(phrase.words)}"'
        terms = []
        for word, is_prefix in zip(phrase.words, phrase.prefixes(), strict=True):
            stems = " OR ".join(f'"{form}"' for form in [word, *query_stems(word)])
            written = f'"{word}"' + ("*" if is_prefix else "")
            terms.append(f"({cls.WRITTEN} : {written} OR {cls.STEMS} : ({stems}))")
        return "(" + " AND ".join(terms) + ")"

    def match_ids(self, clauses, *, any_clause=False):
        return RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
            (self.query(clauses, any_clause=any_clause),),
        )

    def ranked_page(self, filtered, clauses, *, limit, offset, any_clause=False):
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
            cursor.execute(
                sql, (self.query(clauses, any_clause=any_clause), *params, limit, offset)
            )
            return _page_and_total(cursor.fetchall())

    def highlights(self, ids, phrases):
        if not ids:
            return {}
        terms = list(
            dict.fromkeys(
                (word, is_prefix, frozenset(() if phrase.exact else query_stems(word)))
                for phrase in phrases
                for word, is_prefix in zip(phrase.words, phrase.prefixes(), strict=True)
            )
        )
        rows = IndexedDocument.objects.filter(id__in=ids).values_list(
            "id", "title", "summary", "body", "language"
        )
        found = {}
        for pk, title, summary, body, doc_language in rows:
            values = (
                _marked_words(title, terms, doc_language),
                _marked_words(summary, terms, doc_language),
                _marked_words(body, terms, doc_language, excerpt=self.EXCERPT_WORDS),
            )
            found[pk] = _marked_fields(values)
        return found

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
                f"INSERT INTO search_fts ({SQLITE_FTS_COLUMNS}) VALUES ({SQLITE_FTS_VALUES})",
                [
                    sqlite_fts_row(row.id, row.title, row.summary, row.body, row.language)
                    for row in rows
                ],
            )

    def on_delete(self, ids):
        with connection.cursor() as cursor:
            for chunk in batched(ids, 500):
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({placeholders})", chunk)

    def on_clear(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")


# The text-search configuration of a document row `d` by its language (as migration 0007's
# stored tsvector uses it, beside 'simple').
POSTGRES_DOCUMENT_CONFIGURATION = (
    "CASE d.language WHEN 'fi' THEN 'finnish'::regconfig WHEN 'sv' THEN 'swedish'::regconfig "
    "WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END"
)


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

    @classmethod
    def query(
        cls, clauses: Sequence[Clause], *, any_clause: bool = False
    ) -> tuple[str, tuple[str, ...]]:
        """SQL of a tsquery (and its parameters) of `clauses` (see `FullText.match_ids`): a
        word as written in the `simple` configuration (or a prefix), or as each language's
        configuration analyses it, which stems it (a stop word yields nothing there: it must
        then match as written); an exact phrase as written, in the `simple` configuration."""
        sql: list[str] = []
        params: list[str] = []
        for clause in clauses:
            alternatives = []
            for phrase in clause.alternatives:
                if phrase.exact:
                    alternatives.append("phraseto_tsquery('simple', %s)")
                    params.append(" ".join(phrase.words))
                    continue
                words = []
                for word, is_prefix in zip(phrase.words, phrase.prefixes(), strict=True):
                    forms = ["to_tsquery('simple', %s)"]
                    params.append(f"'{word}'" + (":*" if is_prefix else ""))
                    for code in STEMMED_LANGUAGES:
                        forms.append(f"to_tsquery('{POSTGRES_CONFIGURATIONS[code]}', %s)")
                        params.append(f"'{word}'")
                    words.append(f"({' || '.join(forms)})")
                alternatives.append(f"({' && '.join(words)})")
            sql.append(f"({' || '.join(alternatives)})")
        return (" || " if any_clause else " && ").join(sql), tuple(params)

    def match_ids(self, clauses, *, any_clause=False):
        query, params = self.query(clauses, any_clause=any_clause)
        return RawSQL(f"SELECT id FROM {document_table()} WHERE search_vector @@ ({query})", params)

    def ranked_page(self, filtered, clauses, *, limit, offset, any_clause=False):
        inner, params = id_subquery(filtered)
        query, query_params = self.query(clauses, any_clause=any_clause)
        sql = (
            f"SELECT d.id, ts_rank_cd(%s::float4[], d.search_vector, q.query) AS score, "
            f"COUNT(*) OVER () FROM {document_table()} d "
            f"CROSS JOIN (SELECT {query}) AS q(query) "
            f"WHERE d.search_vector @@ q.query AND d.id IN ({inner}) "
            "ORDER BY score DESC, d.date DESC NULLS LAST, d.doc_id LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (self.WEIGHTS, *query_params, *params, limit, offset))
            return _page_and_total(cursor.fetchall())

    def highlights(self, ids, phrases):
        if not ids or not phrases:
            return {}
        # Marked as the document's language analyses its words (stems), and as written.
        query, query_params = self.query([Clause(tuple(phrases))])
        columns = ", ".join(
            f"ts_headline(c.configuration, d.{name}, q.query, %s), "
            f"ts_headline('simple', d.{name}, q.query, %s)"
            for name in ("title", "summary", "body")
        )
        sql = (
            f"SELECT d.id, {columns} FROM {document_table()} d "
            f"CROSS JOIN (SELECT {query}) AS q(query) "
            f"CROSS JOIN LATERAL (SELECT {POSTGRES_DOCUMENT_CONFIGURATION}) AS c(configuration) "
            "WHERE d.id = ANY(%s)"
        )
        options = (self.HEADLINE_WHOLE,) * 4 + (self.HEADLINE_EXCERPT,) * 2
        with connection.cursor() as cursor:
            cursor.execute(sql, (*options, *query_params, list(ids)))
            return {
                row[0]: _marked_fields(
                    [
                        # whichever marks more words (ties: the stems, which find more)
                        max((stemmed or "", written or ""), key=lambda text: text.count(MARK_START))
                        for stemmed, written in batched(row[1:], 2)
                    ]
                )
                for row in cursor.fetchall()
            }

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


SQLITE_FTS_COLUMNS = "rowid, title, summary, body, title_stems, summary_stems, body_stems"
SQLITE_FTS_VALUES = ", ".join(["%s"] * 7)


def sqlite_fts_row(
    pk: int, title: str, summary: str, body: str, language: str
) -> tuple[int, str, str, str, str, str, str]:
    """The row of the SQLite FTS5 table for a document (also used by migration 0007)."""
    title, summary, body = title or "", summary or "", body or ""
    return (
        pk,
        title,
        summary,
        body,
        stemmed_words(title, language),
        stemmed_words(summary, language),
        stemmed_words(body, language),
    )


def _marked_words(
    text: str,
    terms: Sequence[tuple[str, bool, frozenset[str]]],
    language: str,
    *,
    excerpt: int = 0,
) -> str:
    """`text` with the words matching any of `terms` (word, is prefix, stems) between MARK_START
    and MARK_END; with `excerpt`, only that many words around the best group of matches, with
    "…" where text was cut. Nothing when no word matches."""
    if not text:
        return ""
    spans = word_spans(text)
    marked = [
        n
        for n, (start, end) in enumerate(spans)
        if any(
            matches(
                text[start:end].lower(),
                word=word,
                is_prefix=is_prefix,
                stems=stems,
                language=language,
            )
            for word, is_prefix, stems in terms
        )
    ]
    if not marked:
        return ""
    first, last = 0, len(spans)
    if excerpt and len(spans) > excerpt:
        # The window holding the most matches, starting a few words before one of them.
        starts = [max(0, min(n - 4, len(spans) - excerpt)) for n in marked]
        first = max(starts, key=lambda s: (sum(s <= n < s + excerpt for n in marked), -s))
        last = first + excerpt
    begin = spans[first][0] if first else 0
    end = spans[last - 1][1] if last < len(spans) else len(text)
    pieces = ["…" if first else ""]
    position = begin
    chosen = set(marked)
    for n in range(first, last):
        start, stop = spans[n]
        if n in chosen:
            pieces += [text[position:start], MARK_START, text[start:stop], MARK_END]
            position = stop
    pieces.append(text[position:end])
    if last < len(spans):
        pieces.append("…")
    return "".join(pieces)


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
