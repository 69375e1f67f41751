"""The database search engine: SQLite FTS5 or PostgreSQL full text, from the same models.

Documents live in `IndexedDocument` (plus one `IndexedFacetValue` row per facet value); text
matching and ranking use the structures migration 0002 created for the database in use. Both
databases use the same rules so that they pass the same contract tests:

- words are letters and digits; no stemming and no stop words ('simple' configuration on
  PostgreSQL, the unicode61 tokenizer on SQLite), so Finnish and English behave alike;
- every word must match (AND); the last word also matches as a prefix ("experim" finds
  "experiment"); user text never reaches the query syntax except as quoted words;
- title weighs more than summary, which weighs more than body.

Facets are disjunctive: each facet is counted with the text, the base filters and every other
facet's selections applied, but not its own. All facets are counted in one query, whatever the
number of selections or results (see `_facet_counts_sql`). Without text, the total and the
facet counts of an index of COUNTS_CACHE_MIN_DOCUMENTS or more are cached (Django's default
cache) under a token that every write replaces in the same transaction (`IndexState`): browsing
without text (the empty search page, the listings) does not count the whole index on every
request, and never sees an older index's counts. A rebuild refreshes the planner statistics,
so that the first queries after a bulk load are planned for its real size, and on PostgreSQL,
once committed, vacuums the tables (see `PostgresFullText.vacuum`). A ranked text search
counts its matches in the ranking query, which reads every match anyway.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import batched

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.safestring import mark_safe

from search.documents import SearchDocument, Visibility
from search.engines.base import SearchEngine
from search.facets import FACETS, FACETS_BY_NAME, facet_values
from search.models import IndexedDocument, IndexedFacetValue, IndexState
from search.query import MAX_QUERY_LENGTH, Hit, SearchQuery, SearchResults, Sort

MAX_TERMS = 32  # more words than this add cost, not precision
MAX_BODY_LENGTH = 200_000  # PostgreSQL refuses tsvectors over 1 MB
INDEX_BATCH_SIZE = 500
COUNTS_CACHE_SECONDS = 3600  # counts are keyed by the index token: this only bounds memory
# Smaller indexes are counted in a few milliseconds: caching them would buy nothing.
COUNTS_CACHE_MIN_DOCUMENTS = 5_000

# Highlight markers: control characters that `clean_text` removes from every indexed text, so
# they can only come from the highlighter and survive HTML escaping unchanged.
MARK_START = "\x02"
MARK_END = "\x03"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A word is a run of letters and digits, as both the FTS5 unicode61 tokenizer and the
# PostgreSQL parser see it; everything else (quotes, operators, punctuation) separates words.
_WORD = re.compile(r"[^\W_]+")
# Facets that say what a document is about, for `related()` (not kind, year, cost, ...).
_TOPICAL_FACETS = tuple(facet.name for facet in FACETS if facet.topical)
_RELATED_TITLE_WORD_MIN = 4
# Words this long also match as prefixes, so "citizen" finds "citizens" and "experiment" finds
# "experimentation" without a language-specific stemmer (which would break partial words).
PREFIX_WORD_MIN = 4


def _prefixed(words: Sequence[str], *, prefix: bool) -> list[bool]:
    """Which words match as prefixes: the last one while typing, and every long word."""
    last = len(words) - 1
    return [(prefix and n == last) or len(word) >= PREFIX_WORD_MIN for n, word in enumerate(words)]


def clean_text(value: str) -> str:
    """Text without control characters (which would break PostgreSQL or the highlighter)."""
    return _CONTROL_CHARACTERS.sub(" ", value or "")


def query_words(text: str) -> list[str]:
    """The words of a user's query, lower-cased, at most MAX_TERMS, from at most
    MAX_QUERY_LENGTH characters: nothing else of the text reaches the database."""
    return [word.lower() for word in _WORD.findall(text[:MAX_QUERY_LENGTH])][:MAX_TERMS]


def marked_html(text: str) -> str:
    """Escape a highlighter's output, then turn its markers into <mark> elements."""
    escaped = html.escape(text, quote=True)
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


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


def _table() -> str:
    return connection.ops.quote_name(IndexedDocument._meta.db_table)


def _subquery(queryset: QuerySet) -> tuple[str, tuple]:
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
            for word, is_prefix in zip(words, _prefixed(words, prefix=prefix), strict=True)
        ]
        return (" OR " if any_word else " AND ").join(terms)

    def match_ids(self, words: Sequence[str]) -> RawSQL:
        return RawSQL(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", (self.expression(words),)
        )

    def ranked_page(self, filtered, words, *, limit, offset):
        inner, params = _subquery(filtered)
        sql = (
            # FTS5 refuses bm25() beside a window function: it is computed in a subquery.
            "SELECT id, score, COUNT(*) OVER () FROM ("
            f"SELECT d.id, -{self.BM25} AS score, d.date, d.doc_id FROM search_fts "
            f"JOIN {_table()} d ON d.id = search_fts.rowid "
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
            f"JOIN {_table()} d ON d.id = search_fts.rowid "
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
            for word, is_prefix in zip(words, _prefixed(words, prefix=prefix), strict=True)
        ]
        if weights:
            terms = [
                f"{term}{weights}" if term.endswith("*") else f"{term}:{weights}" for term in terms
            ]
        return (" | " if any_word else " & ").join(terms)

    def match_ids(self, words):
        return RawSQL(
            f"SELECT id FROM {_table()} WHERE search_vector @@ to_tsquery('simple', %s)",
            (self.expression(words),),
        )

    def ranked_page(self, filtered, words, *, limit, offset):
        inner, params = _subquery(filtered)
        sql = (
            f"SELECT d.id, ts_rank_cd(%s::float4[], d.search_vector, q.query) AS score, "
            f"COUNT(*) OVER () FROM {_table()} d CROSS JOIN to_tsquery('simple', %s) AS q(query) "
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
            f"FROM {_table()} d CROSS JOIN to_tsquery('simple', %s) AS q(query) "
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
            f"FROM {_table()} d CROSS JOIN to_tsquery('simple', %s) AS q(query) "
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
        name: marked_html(value)
        for name, value in zip(("title", "summary", "body"), values, strict=True)
        if value and MARK_START in value
    }


def _full_text() -> FullText:
    if connection.vendor == "sqlite":
        return SqliteFullText()
    if connection.vendor == "postgresql":
        return PostgresFullText()
    raise ImproperlyConfigured(
        f"The database search engine supports SQLite and PostgreSQL, not {connection.vendor}."
    )


def _significant_words(text: str) -> set[str]:
    return {word for word in query_words(text) if len(word) >= _RELATED_TITLE_WORD_MIN}


class DatabaseEngine(SearchEngine):
    """Search in the project's own database (SQLite FTS5 or PostgreSQL full text)."""

    name = "database"

    # -- writing ---------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id, in one transaction; return how many were written."""
        written = 0
        full_text = _full_text()
        with transaction.atomic():
            for chunk in batched(docs, INDEX_BATCH_SIZE):
                # The last version of a document wins when one batch holds it twice.
                unique = list({doc.id: doc for doc in chunk}.values())
                self._delete_rows(full_text, [doc.id for doc in unique])
                rows = IndexedDocument.objects.bulk_create([self._row(doc) for doc in unique])
                IndexedFacetValue.objects.bulk_create(
                    IndexedFacetValue(document_id=row.id, field=facet.name, value=value)
                    for row, doc in zip(rows, unique, strict=True)
                    for facet in FACETS
                    for value in dict.fromkeys(doc.facet_values(facet.field))
                )
                full_text.on_insert(rows)
                written += len(rows)
            if written:
                _index_changed()
        return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Return how many were removed."""
        ids = list(ids)
        if not ids:
            return 0
        with transaction.atomic():
            removed = self._delete_rows(_full_text(), ids)
            if removed:
                _index_changed()
            return removed

    def clear(self) -> None:
        """Remove every document."""
        full_text = _full_text()
        with transaction.atomic():
            full_text.on_clear()
            IndexedFacetValue.objects.all().delete()
            IndexedDocument.objects.all().delete()
            _index_changed()

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index in one transaction: readers see the old index until the new
        one is complete."""
        full_text = _full_text()
        with transaction.atomic():
            self.clear()
            written = self.index(docs)
            full_text.analyze()
            # After the outermost transaction commits (at once when this one is outermost).
            transaction.on_commit(full_text.vacuum, robust=True)
        return written

    @staticmethod
    def _delete_rows(full_text: FullText, doc_ids: Sequence[str]) -> int:
        removed = 0
        for chunk in batched(doc_ids, INDEX_BATCH_SIZE):
            pks = list(
                IndexedDocument.objects.filter(doc_id__in=chunk).values_list("id", flat=True)
            )
            if pks:
                full_text.on_delete(pks)
                IndexedFacetValue.objects.filter(document_id__in=pks).delete()
                IndexedDocument.objects.filter(id__in=pks).delete()
                removed += len(pks)
        return removed

    @staticmethod
    def _row(doc: SearchDocument) -> IndexedDocument:
        doc = replace(
            doc,
            title=clean_text(doc.title),
            summary=clean_text(doc.summary),
            body=clean_text(doc.body)[:MAX_BODY_LENGTH],
        )
        data = doc.to_dict()
        del data["body"]  # stored once, in its column
        return IndexedDocument(
            doc_id=doc.id,
            kind=doc.kind,
            url=doc.url,
            title=doc.title,
            summary=doc.summary,
            body=doc.body,
            image=doc.image,
            date=doc.date,
            year=doc.year,
            language=doc.language,
            visibility=doc.visibility,
            data=data,
        )

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """How many documents the index holds."""
        return IndexedDocument.objects.count()

    def search(self, query: SearchQuery) -> SearchResults:
        """Ranked hits, highlights, total and disjunctive facet counts (see the module doc)."""
        full_text = _full_text()
        words = query_words(query.text)
        selections = self._selections(query)
        base = self._base(query)
        candidates = base.filter(id__in=full_text.match_ids(words)) if words else base
        matched = self._select(candidates, selections)

        offset = (query.page - 1) * query.page_size
        scores: dict[int, float] = {}
        cache_key = cached = None
        if words and query.sort == Sort.RELEVANCE:
            # Rank in SQL over the filtered set; the text filter is applied by the join. The
            # ranking query counts the matches too; only a page past the end needs a count.
            ranked, total = full_text.ranked_page(
                self._select(base, selections), words, limit=query.page_size, offset=offset
            )
            if not ranked and offset:
                total = matched.count()
            ids = [pk for pk, _ in ranked]
            scores = dict(ranked)
        else:
            # Without text, the total and the counts depend only on the filters: cached.
            cache_key = _counts_cache_key(query, selections) if not words else None
            cached = cache.get(cache_key) if cache_key else None
            if cached is not None and (cached["facets"] is not None or not query.with_facets):
                total = cached["total"]
            else:
                cached = None
                total = matched.count()
            ids = []
            if offset < total:
                ordered = matched.order_by(*self._ordering(query.sort))
                ids = list(ordered.values_list("id", flat=True)[offset : offset + query.page_size])

        documents = self._documents(ids)
        highlights = full_text.highlights(ids, words) if words and query.with_highlights else {}
        hits = [
            Hit(
                document=documents[pk], score=scores.get(pk, 0.0), highlights=highlights.get(pk, {})
            )
            for pk in ids
            if pk in documents
        ]
        if cached is not None and query.with_facets:
            counts = cached["facets"]
        else:
            counts = self._facet_counts(candidates, selections) if query.with_facets else None
            if cache_key and cached is None:
                cache.set(
                    cache_key, {"total": total, "facets": counts}, timeout=COUNTS_CACHE_SECONDS
                )
        facets = (
            {
                facet.name: facet_values(facet, counts.get(facet.name, {}), selections)
                for facet in FACETS
            }
            if counts is not None
            else {}
        )
        return SearchResults(query=query, total=total, hits=hits, facets=facets, engine=self.name)

    def suggest(self, prefix: str, *, limit: int = 8) -> list[SearchDocument]:
        """Public documents with a title word starting with `prefix` (every earlier word of
        `prefix` must be a whole title word)."""
        words = query_words(prefix)
        if not words or limit < 1:
            return []
        ranked = _full_text().title_matches(words, prefix=True, any_word=False, limit=limit)
        documents = self._documents([pk for pk, _ in ranked])
        return [documents[pk] for pk, _ in ranked if pk in documents]

    def related(self, doc_id: str, *, limit: int = 6) -> list[SearchDocument]:
        """Public documents like `doc_id`: its explicit links first, in their order, then the
        documents sharing the most topical facet values and title words."""
        source = IndexedDocument.objects.filter(doc_id=doc_id).values("id", "title", "data").first()
        if source is None or limit < 1:
            return []
        public = IndexedDocument.objects.filter(visibility=Visibility.PUBLIC)
        explicit_ids = [rid for rid in source["data"].get("related", []) if rid != doc_id]
        explicit = {
            row["doc_id"]: row["id"]
            for row in public.filter(doc_id__in=explicit_ids).values("doc_id", "id")
        }
        chosen = [explicit[rid] for rid in explicit_ids if rid in explicit][:limit]

        candidates: dict[int, float] = {}
        if len(chosen) < limit:
            shared = (
                IndexedFacetValue.objects.filter(
                    field__in=_TOPICAL_FACETS, document__visibility=Visibility.PUBLIC
                )
                .exclude(document_id=source["id"])
                .filter(
                    Exists(
                        IndexedFacetValue.objects.filter(
                            document_id=source["id"],
                            field=OuterRef("field"),
                            value=OuterRef("value"),
                        )
                    )
                )
                .values_list("document_id")
                .annotate(shared=Count("id"))
                .order_by("-shared", "document_id")[:50]
            )
            candidates.update(shared)
            title_words = _significant_words(source["title"])
            if title_words:
                for pk, _ in _full_text().title_matches(
                    sorted(title_words), prefix=False, any_word=True, limit=20
                ):
                    candidates.setdefault(pk, 0)
        candidates.pop(source["id"], None)
        for pk in chosen:
            candidates.pop(pk, None)

        documents = self._documents([*chosen, *candidates])
        # A shared title word counts twice as much as a shared facet value.
        source_words = _significant_words(source["title"])
        scores = {
            pk: shared + 2 * len(source_words & _significant_words(documents[pk].title))
            for pk, shared in candidates.items()
            if pk in documents
        }
        similar = sorted(
            (pk for pk, score in scores.items() if score > 0),
            key=lambda pk: (
                -scores[pk],
                -(documents[pk].date or datetime.date.min).toordinal(),
                documents[pk].id,
            ),
        )
        return [documents[pk] for pk in [*chosen, *similar][:limit] if pk in documents]

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _selections(query: SearchQuery) -> dict[str, tuple[str, ...]]:
        unknown = set(query.selections) - set(FACETS_BY_NAME)
        if unknown:
            raise ValueError(f"unknown facets: {', '.join(sorted(unknown))}")
        return {
            name: tuple(dict.fromkeys(str(value) for value in values))
            for name, values in query.selections.items()
            if values
        }

    @staticmethod
    def _base(query: SearchQuery) -> QuerySet:
        documents = IndexedDocument.objects.filter(visibility__in=query.visibility)
        if query.kinds:
            documents = documents.filter(kind__in=query.kinds)
        if query.date_from:
            documents = documents.filter(date__gte=query.date_from)
        if query.date_to:
            documents = documents.filter(date__lte=query.date_to)
        return documents

    @staticmethod
    def _select(documents: QuerySet, selections: dict[str, tuple[str, ...]]) -> QuerySet:
        # OR within a facet (value IN ...), AND across facets (one id set per facet). Each set
        # comes from the covering (field, value, document) index, so a rare value is found
        # without walking the documents (as a correlated EXISTS per document made SQLite do).
        for name, values in selections.items():
            documents = documents.filter(
                id__in=IndexedFacetValue.objects.filter(field=name, value__in=values).values(
                    "document_id"
                )
            )
        return documents

    @staticmethod
    def _ordering(sort: str) -> list:
        if sort == Sort.OLDEST:
            return [F("date").asc(nulls_last=True), "doc_id"]
        if sort == Sort.TITLE:
            return [Lower("title"), "doc_id"]
        if sort == Sort.YEAR:
            return [F("year").desc(nulls_last=True), F("date").desc(nulls_last=True), "doc_id"]
        # newest, and relevance without text
        return [F("date").desc(nulls_last=True), "doc_id"]

    @staticmethod
    def _documents(ids: Sequence[int]) -> dict[int, SearchDocument]:
        if not ids:
            return {}
        rows = IndexedDocument.objects.filter(id__in=ids).values_list("id", "data", "body")
        return {pk: SearchDocument.from_dict({**data, "body": body}) for pk, data, body in rows}

    @staticmethod
    def _facet_counts(
        candidates: QuerySet, selections: dict[str, tuple[str, ...]]
    ) -> dict[str, dict[str, int]]:
        """facet -> value -> count, disjunctive, in one GROUP BY query (`_facet_counts_sql`)."""
        sql, params = _facet_counts_sql(candidates, selections)
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for name, value, n in cursor.fetchall():
                if n:
                    counts[name][value] = int(n)
        return dict(counts)


def _index_changed() -> None:
    """Give the index a new token (in the caller's transaction): cached counts are stale."""
    state = {"token": uuid.uuid4().hex, "documents": IndexedDocument.objects.count()}
    if not IndexState.objects.filter(pk=1).update(**state):
        IndexState.objects.create(pk=1, **state)


def _counts_cache_key(query: SearchQuery, selections: dict[str, tuple[str, ...]]) -> str | None:
    """The cache key of a text-less query's total and facet counts under the current index,
    or None when they are not worth caching (a small index) or the index has no token yet
    (nothing written since the tables were made)."""
    state = IndexState.objects.filter(pk=1).values_list("token", "documents").first()
    if state is None or not state[0] or state[1] < COUNTS_CACHE_MIN_DOCUMENTS:
        return None
    token = state[0]
    filters = repr(
        (
            sorted(query.visibility),
            sorted(query.kinds),
            query.date_from,
            query.date_to,
            sorted((name, sorted(values)) for name, values in selections.items()),
        )
    )
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    return f"search:counts:{connection.alias}:{token}:{digest}"


def _facet_counts_sql(
    candidates: QuerySet, selections: dict[str, tuple[str, ...]]
) -> tuple[str, tuple]:
    """One query that counts every facet under every other facet's selections.

    A facet value row of document d counts for its facet f when d satisfies every selection
    except possibly f's own. So each candidate document needs only how many selections it
    misses, and which: documents missing two or more never count and are left out early.

    - No selection: every candidate's rows count (one join and GROUP BY).
    - One selection: every candidate may count (for the selected facet itself), so the
      candidates are joined with a flag saying whether they satisfy it.
    - Two or more: the documents satisfying at least all but one selection are found from the
      (field, value) index alone, as a small set, before joining the candidates and the rows.
    """
    table = connection.ops.quote_name(IndexedFacetValue._meta.db_table)
    inner, inner_params = _subquery(candidates)
    names = [facet.name for facet in FACETS]
    known = ", ".join(["%s"] * len(names))
    if not selections:
        sql = (
            f"SELECT fv.field, fv.value, COUNT(*) FROM {table} fv "
            f"WHERE fv.document_id IN ({inner}) AND fv.field IN ({known}) "
            "GROUP BY fv.field, fv.value"
        )
        return sql, (*inner_params, *names)

    selected = list(selections.items())
    # hit_<n> is 1 when the document holds a selected value of selection n. One range of the
    # covering (field, value, document) index per selection, read without the table's rows
    # (an OR of the selections would make PostgreSQL visit them for a bitmap recheck).
    matches = " UNION ALL ".join(
        f"SELECT document_id, field FROM {table} WHERE field = %s AND value IN ("
        + ", ".join(["%s"] * len(values))
        + ")"
        for _, values in selected
    )
    match_params: list = []
    for name, values in selected:
        match_params += [name, *values]
    hits = ", ".join(
        f"MAX(CASE WHEN s.field = %s THEN 1 ELSE 0 END) AS hit_{n}" for n in range(len(selected))
    )
    hit_params = [name for name, _ in selected]
    hits_sql = f"SELECT s.document_id AS id, {hits} FROM ({matches}) s GROUP BY s.document_id"
    total_hits = " + ".join(f"COALESCE(h.hit_{n}, 0)" for n in range(len(selected)))
    missing = len(selected)
    # A row counts when its document misses nothing, or misses only the row's own facet.
    own_miss = " OR ".join(
        f"(fv.field = %s AND COALESCE(h.hit_{n}, 0) = 0)" for n in range(len(selected))
    )
    counted = (
        f"CASE WHEN {total_hits} = %s THEN 1 WHEN {total_hits} = %s AND ({own_miss}) "
        "THEN 1 ELSE 0 END"
    )
    counted_params = [missing, missing - 1, *hit_params]
    if len(selected) == 1:
        source = (
            f"FROM {table} fv LEFT JOIN ({hits_sql}) h ON h.id = fv.document_id "
            f"WHERE fv.document_id IN ({inner}) AND fv.field IN ({known})"
        )
        params = (*counted_params, *hit_params, *match_params, *inner_params, *names)
    else:
        source = (
            f"FROM ({hits_sql}) h JOIN {table} fv ON fv.document_id = h.id "
            f"WHERE {total_hits} >= %s AND h.id IN ({inner}) AND fv.field IN ({known})"
        )
        params = (
            *counted_params,
            *hit_params,
            *match_params,
            missing - 1,
            *inner_params,
            *names,
        )
    sql = f"SELECT fv.field, fv.value, SUM({counted}) {source} GROUP BY fv.field, fv.value"
    return sql, params
