"""The database search engine: SQLite FTS5 or PostgreSQL full text, from the same models.

Documents live in `IndexedDocument` (plus one `IndexedFacetValue` row per facet value); text
matching and ranking use the structures migration 0002 created for the database in use
(`full_text`). Both databases use the same rules so that they pass the same contract tests:

- words are letters and digits, indexed as written and by their stem in the document's
  language (Finnish, Swedish or English; see `stemming`): PostgreSQL's own configurations
  beside 'simple', Snowball stems beside each word in SQLite's FTS5 table;
- every word must match (AND): as written, or by its stem in the query's language (in each
  of the three when the query's language is unknown); stop words of the query's language are
  left out unless nothing else is left; the last word, and every long word, also matches as
  a prefix ("experim" finds "experiment"); user text never reaches the query syntax except as
  quoted words;
- title weighs more than summary, which weighs more than body.

Facets are disjunctive and counted in one query; without text, counts of a large index are
cached under a token every write replaces (`facet_counts`). A rebuild refreshes the planner
statistics, so that the first queries after a bulk load are planned for its real size, and on
PostgreSQL, once committed, vacuums the tables (see `PostgresFullText.vacuum`). A ranked text
search counts its matches in the ranking query, which reads every match anyway.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import batched

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.utils import translation

from search.documents import SearchDocument, Visibility
from search.engines.base import SearchEngine
from search.engines.facet_counts import (
    FacetCounts,
    Selections,
    cache_counts,
    cached_counts,
    counts_cache_key,
    facet_counts,
    index_changed,
)
from search.engines.full_text import FullText, full_text_of_connection
from search.engines.syntax import Clause, parsed_query
from search.engines.text import MAX_BODY_LENGTH, clean_text, query_words
from search.engines.time_limit import search_time_limit
from search.facets import FACETS, FACETS_BY_NAME, facet_values
from search.models import IndexedDocument, IndexedFacetValue
from search.query import FacetValue, Hit, SearchQuery, SearchResults, Sort

INDEX_BATCH_SIZE = 500
# Facets that say what a document is about, for `related()` (not kind, year, cost, ...).
_TOPICAL_FACETS = tuple(facet.name for facet in FACETS if facet.topical)
_RELATED_TITLE_WORD_MIN = 4


def _shown(doc: SearchDocument) -> bool:
    """Is `doc` the version of its page that a reader of the active language is shown?"""
    return (translation.get_language() or "").split("-")[0] not in doc.hidden_for


def _significant_words(text: str) -> set[str]:
    return {word for word in query_words(text) if len(word) >= _RELATED_TITLE_WORD_MIN}


class DatabaseEngine(SearchEngine):
    """Search in the project's own database (SQLite FTS5 or PostgreSQL full text)."""

    name = "database"

    # -- writing ---------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id, in one transaction; return how many were written."""
        written = 0
        full_text = full_text_of_connection()
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
                index_changed()
        return written

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Return how many were removed."""
        ids = list(ids)
        if not ids:
            return 0
        with transaction.atomic():
            removed = self._delete_rows(full_text_of_connection(), ids)
            if removed:
                index_changed()
            return removed

    def clear(self) -> None:
        """Remove every document."""
        full_text = full_text_of_connection()
        with transaction.atomic():
            full_text.on_clear()
            IndexedFacetValue.objects.all().delete()
            IndexedDocument.objects.all().delete()
            index_changed()

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Replace the whole index in one transaction: readers see the old index until the new
        one is complete."""
        full_text = full_text_of_connection()
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
            hidden_for=f" {' '.join(doc.hidden_for)} " if doc.hidden_for else None,
            visibility=doc.visibility,
            data=data,
        )

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """How many documents the index holds."""
        return IndexedDocument.objects.count()

    def search(self, query: SearchQuery) -> SearchResults:
        """Ranked hits, highlights, total and disjunctive facet counts (see the module doc);
        SearchTooSlow past the time limit (`time_limit`)."""
        if not query.text.strip():
            return self._search(query)  # filters and counts only: bounded by their indexes
        with search_time_limit():
            return self._search(query)

    def _search(self, query: SearchQuery) -> SearchResults:
        full_text = full_text_of_connection()
        parsed = parsed_query(query)
        selections = self._selections(query)
        base = self._base(query)
        if parsed.excluded:
            base = base.exclude(id__in=full_text.match_ids([Clause(parsed.excluded)]))
        candidates = (
            base.filter(id__in=full_text.match_ids(parsed.clauses, any_clause=query.any_word))
            if parsed.clauses
            else base
        )
        matched = self._select(candidates, selections)
        offset = (query.page - 1) * query.page_size
        scores: dict[int, float] = {}
        cache_key = cached = None
        if parsed.clauses and query.sort == Sort.RELEVANCE:
            # Rank in SQL over the filtered set; the text filter is applied by the join. The
            # ranking query counts the matches too; only a page past the end needs a count.
            ranked, total = full_text.ranked_page(
                self._select(base, selections),
                parsed.clauses,
                limit=query.page_size,
                offset=offset,
                any_clause=query.any_word,
            )
            if not ranked and offset:
                total = matched.count()
            ids = [pk for pk, _ in ranked]
            scores = dict(ranked)
        else:
            # Without text, the total and the counts depend only on the filters: cached.
            cache_key = counts_cache_key(query, selections) if not parsed else None
            cached = cached_counts(cache_key, with_facets=query.with_facets)
            total = cached["total"] if cached is not None else matched.count()
            ids = self._ordered_page(matched, query, offset=offset, total=total)

        highlights = (
            full_text.highlights(ids, parsed.phrases())
            if parsed.clauses and query.with_highlights
            else {}
        )
        if cached is not None and query.with_facets:
            counts = cached["facets"]
        else:
            counts = facet_counts(candidates, selections) if query.with_facets else None
            if cache_key and cached is None:
                cache_counts(cache_key, total=total, facets=counts)
        return SearchResults(
            query=query,
            total=total,
            hits=self._hits(ids, scores, highlights),
            facets=self._facets(counts, selections),
            engine=self.name,
        )

    def suggest(self, prefix: str, *, limit: int = 8) -> list[SearchDocument]:
        """Public documents with a title word starting with `prefix` (every earlier word of
        `prefix` must be a whole title word)."""
        words = query_words(prefix)
        if not words or limit < 1:
            return []
        ranked = full_text_of_connection().title_matches(
            words, prefix=True, any_word=False, limit=limit
        )
        documents = self._documents([pk for pk, _ in ranked])
        return [documents[pk] for pk, _ in ranked if pk in documents and _shown(documents[pk])]

    def related(self, doc_id: str, *, limit: int = 6) -> list[SearchDocument]:
        """Public documents like `doc_id`: its explicit links first, in their order, then the
        documents sharing the most topical facet values, then the most title words."""
        source = IndexedDocument.objects.filter(doc_id=doc_id).values("id", "title", "data").first()
        if source is None or limit < 1:
            return []
        chosen = self._linked(source["data"].get("related", []), doc_id=doc_id)[:limit]
        candidates = self._similar(source["id"], source["title"]) if len(chosen) < limit else {}
        candidates.pop(source["id"], None)
        for pk in chosen:
            candidates.pop(pk, None)

        documents = self._documents([*chosen, *candidates])
        # Shared facet values first (the same theme, method, country or SDG); shared title
        # words only order documents that share as many values.
        source_words = _significant_words(source["title"])
        scores = {
            pk: (shared, len(source_words & _significant_words(documents[pk].title)))
            for pk, shared in candidates.items()
            if pk in documents
        }
        similar = sorted(
            (pk for pk, score in scores.items() if any(score)),
            key=lambda pk: (
                -scores[pk][0],
                -scores[pk][1],
                -(documents[pk].date or datetime.date.min).toordinal(),
                documents[pk].id,
            ),
        )
        shown = [pk for pk in [*chosen, *similar] if pk in documents and _shown(documents[pk])]
        return [documents[pk] for pk in shown[:limit]]

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _linked(related_ids: Sequence[str], *, doc_id: str) -> list[int]:
        """The rows of the public documents among `related_ids`, in their order."""
        explicit_ids = [rid for rid in related_ids if rid != doc_id]
        public = IndexedDocument.objects.filter(visibility=Visibility.PUBLIC)
        explicit = {
            row["doc_id"]: row["id"]
            for row in public.filter(doc_id__in=explicit_ids).values("doc_id", "id")
        }
        return [explicit[rid] for rid in explicit_ids if rid in explicit]

    @staticmethod
    def _similar(source_id: int, title: str) -> dict[int, float]:
        """Row -> shared topical facet values, for public documents sharing any with the
        source row, or a significant title word (0)."""
        shared = (
            IndexedFacetValue.objects.filter(
                field__in=_TOPICAL_FACETS, document__visibility=Visibility.PUBLIC
            )
            .exclude(document_id=source_id)
            .filter(
                Exists(
                    IndexedFacetValue.objects.filter(
                        document_id=source_id, field=OuterRef("field"), value=OuterRef("value")
                    )
                )
            )
            .values_list("document_id")
            .annotate(shared=Count("id"))
            .order_by("-shared", "document_id")[:50]
        )
        candidates: dict[int, float] = dict(shared)
        title_words = _significant_words(title)
        if title_words:
            for pk, _ in full_text_of_connection().title_matches(
                sorted(title_words), prefix=False, any_word=True, limit=20
            ):
                candidates.setdefault(pk, 0)
        return candidates

    @staticmethod
    def _selections(query: SearchQuery) -> Selections:
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
        if query.language:
            documents = documents.exclude(hidden_for__contains=f" {query.language} ")
        if query.kinds:
            documents = documents.filter(kind__in=query.kinds)
        if query.date_from:
            documents = documents.filter(date__gte=query.date_from)
        if query.date_to:
            documents = documents.filter(date__lte=query.date_to)
        if query.year_from is not None:
            documents = documents.filter(year__gte=query.year_from)
        if query.year_to is not None:
            documents = documents.filter(year__lte=query.year_to)
        return documents

    @staticmethod
    def _select(documents: QuerySet, selections: Selections) -> QuerySet:
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

    def _ordered_page(
        self, matched: QuerySet, query: SearchQuery, *, offset: int, total: int
    ) -> list[int]:
        if offset >= total:
            return []
        ordered = matched.order_by(*self._ordering(query.sort))
        return list(ordered.values_list("id", flat=True)[offset : offset + query.page_size])

    def _hits(
        self, ids: Sequence[int], scores: dict[int, float], highlights: dict[int, dict[str, str]]
    ) -> list[Hit]:
        documents = self._documents(ids)
        return [
            Hit(
                document=documents[pk], score=scores.get(pk, 0.0), highlights=highlights.get(pk, {})
            )
            for pk in ids
            if pk in documents
        ]

    @staticmethod
    def _facets(counts: FacetCounts | None, selections: Selections) -> dict[str, list[FacetValue]]:
        if counts is None:
            return {}
        return {
            facet.name: facet_values(facet, counts.get(facet.name, {}), selections)
            for facet in FACETS
        }

    # -- spelling ------------------------------------------------------------------------------

    def spelling(self, words: Sequence[str], *, language: str = "") -> dict[str, str]:
        """Corrections from the index's vocabulary (see search.engines.spelling)."""
        from search.engines.spelling import database_spelling

        return database_spelling(words, language=language)
