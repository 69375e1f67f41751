"""Facet counts of the database engine, and the cache of a text-less query's counts.

Facets are disjunctive: each facet is counted with the text, the base filters and every other
facet's selections applied, but not its own, and all facets are counted in one query, whatever
the number of selections or results (see `facet_counts_sql`). Without text, the total and the
facet counts of an index of COUNTS_CACHE_MIN_DOCUMENTS or more are cached (Django's default
cache) under a token that every write replaces in the same transaction (`IndexState`):
browsing without text does not count the whole index on every request, and never sees an older
index's counts.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from typing import TypedDict

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from search.engines.full_text import id_subquery
from search.facets import FACETS
from search.models import IndexedDocument, IndexedFacetValue, IndexState
from search.query import SearchQuery

COUNTS_CACHE_SECONDS = 3600  # counts are keyed by the index token: this only bounds memory
# Smaller indexes are counted in a few milliseconds: caching them would buy nothing.
COUNTS_CACHE_MIN_DOCUMENTS = 5_000

Selections = dict[str, tuple[str, ...]]
FacetCounts = dict[str, dict[str, int]]  # facet -> value -> count


class CachedCounts(TypedDict):
    total: int
    facets: FacetCounts | None  # None: the query that cached them asked for no facets


def facet_counts(candidates: QuerySet, selections: Selections) -> FacetCounts:
    """facet -> value -> count, disjunctive, in one GROUP BY query (`facet_counts_sql`)."""
    sql, params = facet_counts_sql(candidates, selections)
    counts: FacetCounts = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, value, n in cursor.fetchall():
            if n:
                counts[name][value] = int(n)
    return dict(counts)


def cached_counts(key: str | None, *, with_facets: bool) -> CachedCounts | None:
    """The total and facet counts cached under `key`, if they answer a query that does (or
    does not) ask for facets."""
    cached = cache.get(key) if key else None
    if cached is not None and (cached["facets"] is not None or not with_facets):
        return cached
    return None


def cache_counts(key: str, *, total: int, facets: FacetCounts | None) -> None:
    """Keep a text-less query's total and facet counts under `key` (see `counts_cache_key`)."""
    cache.set(key, CachedCounts(total=total, facets=facets), timeout=COUNTS_CACHE_SECONDS)


def index_changed() -> None:
    """Give the index a new token (in the caller's transaction): cached counts are stale."""
    state = {"token": uuid.uuid4().hex, "documents": IndexedDocument.objects.count()}
    if not IndexState.objects.filter(pk=1).update(**state):
        IndexState.objects.create(pk=1, **state)


def counts_cache_key(query: SearchQuery, selections: Selections) -> str | None:
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
            query.language,
            sorted(query.kinds),
            query.date_from,
            query.date_to,
            query.year_from,
            query.year_to,
            sorted((name, sorted(values)) for name, values in selections.items()),
        )
    )
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    return f"search:counts:{connection.alias}:{token}:{digest}"


def facet_counts_sql(candidates: QuerySet, selections: Selections) -> tuple[str, tuple]:
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
    inner, inner_params = id_subquery(candidates)
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
