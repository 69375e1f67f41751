"""Request and response bodies shared by the Elasticsearch and OpenSearch engines.

Both engines send exactly these plain dicts (the Elasticsearch engine through
`elasticsearch.dsl.Search.update_from_dict`, the OpenSearch engine through opensearch-py), so
what the contract suite runs against osmem is what runs against Elasticsearch.

Index design:

- `dynamic: strict`; every field is declared, and the facet fields are derived from FACETS, so a
  new facet needs no change here (each facet is a keyword field `facets.<name>`);
- `title`, `summary` and `body` use the standard analyzer (lower-cased words, no stemming, no
  stop words: the database engine's words as written); `title.prefix` holds edge n-grams for
  autocomplete;
- the same texts are copied into `i18n.<language>.*`, analysed with that language's stemmer and
  stop words, only for documents in English, Finnish or Swedish; every query word is matched
  in the analyses of all of them (a match in the query's own language counts double), so a
  query in an unknown language searches all three; the query language of `syntax` (exact
  phrases, OR, exclusions, the editors' synonyms, stop words left out) becomes bool queries;
- `doc` keeps the document itself (not indexed) so that hits come back as `SearchDocument`s.

Queries follow Elasticsearch DSL's FacetedSearch: base filters (visibility, kinds, dates, years) and
the text go into `query`, facet selections into `post_filter`, and each facet is aggregated in a
`filter` aggregation holding every other facet's selection, with an explicit bucket `size`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import translation

from search.documents import SearchDocument, Visibility
from search.engines.syntax import Clause, Phrase, parsed_query
from search.engines.text import MAX_BODY_LENGTH, clean_text, marked_html, query_words
from search.facets import FACETS, FACETS_BY_NAME, Facet, facet_values
from search.query import FacetValue, Hit, SearchQuery, SearchResults, Sort

# Document `language` -> analyzer; other languages are searched through the standard fields only.
LANGUAGE_ANALYZERS = {"en": "kokeilu_english", "fi": "kokeilu_finnish", "sv": "kokeilu_swedish"}
# The languages stemmed by default (SEARCH_URL ?languages=en,sv narrows them: see distributed).
LANGUAGES = tuple(LANGUAGE_ANALYZERS)
TEXT_FIELDS = ("title", "summary", "body")
TEXT_BOOSTS = {"title": 10, "summary": 4, "body": 1}
# Highlight markers: private-use characters removed from every indexed text, so they can only
# come from the highlighter and survive HTML escaping unchanged.
MARK_START = "\ue000"
MARK_END = "\ue001"
MAX_RESULT_WINDOW = 100_000  # deep pages (MAX_PAGE x a large page size) stay answerable
# Words this long tolerate typos (one edit from 5 letters, two from 9), as "AUTO:5,9".
FUZZINESS = "AUTO:5,9"
BODY_FRAGMENT_SIZE = 160
RELATED_CANDIDATES = 50


def _language_analyzers() -> dict:
    analyzers = {
        "kokeilu_prefix": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "kokeilu_edge_ngram"],
        }
    }
    filters: dict = {"kokeilu_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20}}
    for code, language in (("english", "english"), ("finnish", "finnish"), ("swedish", "swedish")):
        filters[f"kokeilu_{code}_stop"] = {"type": "stop", "stopwords": f"_{language}_"}
        filters[f"kokeilu_{code}_stemmer"] = {"type": "stemmer", "language": language}
        analyzers[f"kokeilu_{code}"] = {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", f"kokeilu_{code}_stop", f"kokeilu_{code}_stemmer"],
        }
    return {"analyzer": analyzers, "filter": filters}


def index_body(*, shards: int = 1, replicas: int = 0) -> dict:
    """Settings and explicit mappings of a new index (see the module docstring)."""
    facet_properties = {facet.name: {"type": "keyword"} for facet in FACETS}
    i18n = {
        language: {
            "properties": {name: {"type": "text", "analyzer": analyzer} for name in TEXT_FIELDS}
        }
        for language, analyzer in LANGUAGE_ANALYZERS.items()
    }
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "max_result_window": MAX_RESULT_WINDOW,
            "analysis": _language_analyzers(),
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "doc_id": {"type": "keyword"},
                "kind": {"type": "keyword"},
                "visibility": {"type": "keyword"},
                "language": {"type": "keyword"},
                "hidden_for": {"type": "keyword"},
                "date": {"type": "date", "format": "strict_date"},
                "year": {"type": "integer"},
                "title": {
                    "type": "text",
                    "analyzer": "standard",
                    "fields": {
                        "prefix": {
                            "type": "text",
                            "analyzer": "kokeilu_prefix",
                            "search_analyzer": "standard",
                        }
                    },
                },
                "title_sort": {"type": "keyword"},
                "summary": {"type": "text", "analyzer": "standard"},
                "body": {"type": "text", "analyzer": "standard"},
                "i18n": {"properties": i18n},
                "facets": {"properties": facet_properties},
                "related": {"type": "keyword"},
                "doc": {"type": "object", "enabled": False},
            },
        },
    }


def _indexed_text(value: str) -> str:
    return clean_text(value).replace(MARK_START, " ").replace(MARK_END, " ")


def document_source(doc: SearchDocument, languages: Sequence[str] = LANGUAGES) -> dict:
    """What the index stores for a document: indexed fields plus the document itself (and a
    copy of its texts for its language's analyzer, when `languages` holds it)."""
    texts = {
        "title": _indexed_text(doc.title),
        "summary": _indexed_text(doc.summary),
        "body": _indexed_text(doc.body)[:MAX_BODY_LENGTH],
    }
    stored = doc.to_dict()
    stored.update(title=texts["title"], summary=texts["summary"])
    del stored["body"]  # kept once, in the indexed field
    source = {
        "doc_id": doc.id,
        "kind": doc.kind,
        "visibility": doc.visibility,
        "language": doc.language,
        "hidden_for": list(doc.hidden_for),
        "date": doc.date.isoformat() if doc.date else None,
        "year": doc.year,
        **texts,
        "title_sort": texts["title"].lower(),
        "facets": {
            facet.name: list(dict.fromkeys(doc.facet_values(facet.field))) for facet in FACETS
        },
        "related": list(doc.related),
        "doc": stored,
    }
    if doc.language in languages:
        source["i18n"] = {doc.language: texts}
    return source


def document_from_source(source: dict) -> SearchDocument:
    """The SearchDocument a hit's `_source` holds."""
    return SearchDocument.from_dict({**source["doc"], "body": source.get("body", "")})


# -- searching -------------------------------------------------------------------------------


# how much more a match counts in the analysis of the query's own language
QUERY_LANGUAGE_BOOST = 2


def _text_fields(*, languages: Sequence[str] = (), query_language: str = "") -> list[str]:
    if languages:
        return [
            f"i18n.{language}.{name}^{TEXT_BOOSTS[name] * boost}"
            for language in languages
            for boost in (QUERY_LANGUAGE_BOOST if language == query_language else 1,)
            for name in TEXT_FIELDS
        ]
    return [f"{name}^{TEXT_BOOSTS[name]}" for name in TEXT_FIELDS]


def text_clause(
    clauses: Sequence[Clause],
    languages: Sequence[str] = LANGUAGES,
    query_language: str = "",
    *,
    any_clause: bool = False,
) -> dict:
    """Every clause must match (at least one with `any_clause`, those matching more of them
    first), by one of its alternatives (see `syntax`). A plain word matches in any text field:
    as written (typos tolerated for long words), by its stem in the
    document's language, or as a prefix (the last word while typing, and every long word); a
    stem match in the query's own language counts double. An exact phrase matches as written,
    its words next to each other. User text only ever reaches `match`-type queries."""
    matches = [
        {
            "bool": {
                "should": [
                    phrase_clause(phrase, languages, query_language)
                    for phrase in clause.alternatives
                ],
                "minimum_should_match": 1,
            }
        }
        for clause in clauses
    ]
    if any_clause:
        return {"bool": {"should": matches, "minimum_should_match": 1}}
    return {"bool": {"must": matches}}


def phrase_clause(
    phrase: Phrase,
    languages: Sequence[str] = LANGUAGES,
    query_language: str = "",
    *,
    fuzzy: bool = True,
) -> dict:
    """One alternative of a clause: an exact phrase, or words that must all match."""
    if phrase.exact:
        return {
            "multi_match": {
                "query": " ".join(phrase.words),
                "type": "phrase",
                "fields": _text_fields(),
            }
        }
    must = []
    for word, is_prefix in zip(phrase.words, phrase.prefixes(), strict=True):
        written: dict = {"query": word, "fields": _text_fields()}
        if fuzzy:
            written |= {"fuzziness": FUZZINESS, "prefix_length": 1}
        should: list[dict] = [{"multi_match": written}]
        if languages:
            # A stop word yields no term here and matches nothing: it must match as written.
            should.append(
                {
                    "multi_match": {
                        "query": word,
                        "fields": _text_fields(languages=languages, query_language=query_language),
                    }
                }
            )
        if is_prefix:
            should += [
                {"prefix": {name: {"value": word, "boost": TEXT_BOOSTS[name] / 2}}}
                for name in TEXT_FIELDS
            ]
        must.append({"bool": {"should": should, "minimum_should_match": 1}})
    return must[0] if len(must) == 1 else {"bool": {"must": must}}


def base_filters(query: SearchQuery) -> list[dict]:
    """Filters applied before counting: visibility, the versions of a page that another
    version stands for in the reader's language, kinds, dates and the year range."""
    filters: list[dict] = [{"terms": {"visibility": list(query.visibility)}}]
    if query.language:
        filters.append(shown_in(query.language))
    if query.kinds:
        filters.append({"terms": {"kind": list(query.kinds)}})
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append({"range": {"date": bounds}})
    year_bounds = {}
    if query.year_from is not None:
        year_bounds["gte"] = query.year_from
    if query.year_to is not None:
        year_bounds["lte"] = query.year_to
    if year_bounds:
        filters.append({"range": {"year": year_bounds}})
    return filters


def shown_in(language: str) -> dict:
    """Documents that are the result for a reader of `language` (see `hidden_for`)."""
    return {"bool": {"must_not": {"term": {"hidden_for": language}}}}


def public_for_reader() -> list[dict]:
    """Suggestions and related documents: public ones, each page once in the reader's
    language (the active one)."""
    filters: list[dict] = [{"term": {"visibility": Visibility.PUBLIC}}]
    language = (translation.get_language() or "").split("-")[0]
    if language:
        filters.append(shown_in(language))
    return filters


def selections_of(query: SearchQuery) -> dict[str, tuple[str, ...]]:
    """The query's facet selections without empty ones or repeats; unknown facets refused."""
    unknown = set(query.selections) - set(FACETS_BY_NAME)
    if unknown:
        raise ValueError(f"unknown facets: {', '.join(sorted(unknown))}")
    return {
        name: tuple(dict.fromkeys(str(value) for value in values))
        for name, values in query.selections.items()
        if values
    }


def _selection_filter(selections: dict[str, tuple[str, ...]], names: Iterable[str]) -> dict:
    clauses = [{"terms": {f"facets.{name}": list(selections[name])}} for name in names]
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def _sort(query: SearchQuery, *, has_text: bool) -> list:
    newest = {"date": {"order": "desc", "missing": "_last"}}
    tie = {"doc_id": {"order": "asc"}}
    if query.sort == Sort.RELEVANCE and has_text:
        return [{"_score": {"order": "desc"}}, newest, tie]
    if query.sort == Sort.OLDEST:
        return [{"date": {"order": "asc", "missing": "_last"}}, tie]
    if query.sort == Sort.TITLE:
        return [{"title_sort": {"order": "asc"}}, tie]
    if query.sort == Sort.YEAR:
        return [{"year": {"order": "desc", "missing": "_last"}}, newest, tie]
    return [newest, tie]


def facet_groups(selections: dict[str, tuple[str, ...]]) -> dict[tuple[str, ...], list[Facet]]:
    """Facets grouped by the selections their counts apply (every selection but their own):
    all unselected facets share one filter aggregation, each selected facet has its own."""
    groups: dict[tuple[str, ...], list[Facet]] = defaultdict(list)
    for facet in FACETS:
        groups[tuple(name for name in selections if name != facet.name)].append(facet)
    return groups


def _terms_aggregation(facet: Facet) -> dict:
    order = [{"_key": "desc"}] if facet.sort == "value" else [{"_count": "desc"}, {"_key": "asc"}]
    return {"terms": {"field": f"facets.{facet.name}", "size": facet.size, "order": order}}


def search_body(query: SearchQuery, languages: Sequence[str] = LANGUAGES) -> dict:
    """The search request for `query`: text and base filters in `query`, selections in
    `post_filter`, disjunctive facet counts in filter aggregations, highlights, sort, page."""
    parsed = parsed_query(query)
    selections = selections_of(query)
    bool_query: dict = {"filter": base_filters(query)}
    if parsed.clauses:
        bool_query["must"] = [
            text_clause(parsed.clauses, languages, query.language, any_clause=query.any_word)
        ]
    if parsed.excluded:
        # What a word finds is left out, but not its near misses ("-bike" keeps "bake").
        bool_query["must_not"] = [
            phrase_clause(phrase, languages, query.language, fuzzy=False)
            for phrase in parsed.excluded
        ]
    body: dict = {
        "query": {"bool": bool_query},
        "sort": _sort(query, has_text=bool(parsed.clauses)),
        "from": (query.page - 1) * query.page_size,
        "size": query.page_size,
        "track_total_hits": True,
        "_source": ["doc", "body"],
    }
    if selections:
        body["post_filter"] = _selection_filter(selections, selections)
    if query.with_facets:
        body["aggs"] = {
            f"facets_{number}": {
                "filter": _selection_filter(selections, applied),
                "aggs": {facet.name: _terms_aggregation(facet) for facet in facets},
            }
            for number, (applied, facets) in enumerate(facet_groups(selections).items())
        }
    if parsed.clauses and query.with_highlights:
        body["highlight"] = highlight_body(languages)
    return body


def highlight_body(languages: Sequence[str] = LANGUAGES) -> dict:
    whole = {"number_of_fragments": 0}
    excerpt = {"fragment_size": BODY_FRAGMENT_SIZE, "number_of_fragments": 2}
    highlighted = {}
    for name in TEXT_FIELDS:
        settings = excerpt if name == "body" else whole
        highlighted[name] = settings
        for language in languages:
            highlighted[f"i18n.{language}.{name}"] = settings
    return {
        "pre_tags": [MARK_START],
        "post_tags": [MARK_END],
        "require_field_match": True,
        "fields": highlighted,
    }


def _highlights(hit: dict, language: str) -> dict[str, str]:
    found = hit.get("highlight") or {}
    highlights: dict[str, str] = {}
    for name in TEXT_FIELDS:
        # Words as written and words found by their stem, in the stemmed copy: merged when
        # both mark the same text (whole fields), else the words as written first.
        written = " … ".join(found.get(name) or [])
        stemmed = " … ".join(found.get(f"i18n.{language}.{name}") or [])
        text = _merged_marks(written, stemmed) if written and stemmed else written or stemmed
        if text:
            highlights[name] = marked_html(text, start=MARK_START, end=MARK_END)
    return highlights


def _marks(text: str) -> tuple[str, set[int]]:
    """The text without markers, and the positions in it of the marked characters."""
    plain: list[str] = []
    marked: set[int] = set()
    inside = False
    for character in text:
        if character == MARK_START:
            inside = True
        elif character == MARK_END:
            inside = False
        else:
            if inside:
                marked.add(len(plain))
            plain.append(character)
    return "".join(plain), marked


def _merged_marks(first: str, second: str) -> str:
    """`first` also marking what `second` marks, when both are the same text; else `first`."""
    plain, marked = _marks(first)
    other_plain, other_marked = _marks(second)
    if plain != other_plain:
        return first
    marked |= other_marked
    pieces = []
    for position, character in enumerate(plain):
        if position in marked and position - 1 not in marked:
            pieces.append(MARK_START)
        pieces.append(character)
        if position in marked and position + 1 not in marked:
            pieces.append(MARK_END)
    return "".join(pieces)


def results_from_response(query: SearchQuery, response: dict, *, engine: str) -> SearchResults:
    """Turn a search response (for `search_body(query)`) into SearchResults."""
    selections = selections_of(query)
    hits = []
    for hit in response["hits"]["hits"]:
        document = document_from_source(hit["_source"])
        hits.append(
            Hit(
                document=document,
                score=float(hit.get("_score") or 0.0),
                highlights=_highlights(hit, document.language),
            )
        )
    total = response["hits"]["total"]
    total = total["value"] if isinstance(total, dict) else int(total)
    facets: dict[str, list[FacetValue]] = {}
    if query.with_facets:
        counts: dict[str, dict[str, int]] = {}
        for group in (response.get("aggregations") or {}).values():
            for name, aggregation in group.items():
                if isinstance(aggregation, dict) and "buckets" in aggregation:
                    counts[name] = {
                        str(bucket.get("key_as_string", bucket["key"])): bucket["doc_count"]
                        for bucket in aggregation["buckets"]
                    }
        facets = {
            facet.name: facet_values(facet, counts.get(facet.name, {}), selections)
            for facet in FACETS
        }
    return SearchResults(query=query, total=total, hits=hits, facets=facets, engine=engine)


def suggest_body(prefix: str, *, limit: int) -> dict | None:
    """Public documents whose title has a word starting with the last word of `prefix`, every
    earlier word being a whole title word; None when `prefix` holds no word."""
    words = query_words(prefix)
    if not words or limit < 1:
        return None
    must: list[dict] = [{"match": {"title": {"query": word}}} for word in words[:-1]]
    must.append({"match": {"title.prefix": {"query": words[-1]}}})
    return {
        "query": {"bool": {"must": must, "filter": public_for_reader()}},
        "sort": [{"_score": {"order": "desc"}}, {"title_sort": {"order": "asc"}}],
        "size": limit,
        "_source": ["doc"],
    }


# A shared topical facet value outweighs any title match: "related" means the same theme,
# method, country or SDG first, and a shared title word only orders what shares as much.
RELATED_FACET_BOOST = 100


def related_body(*, source: dict, doc_id: str, exclude: Sequence[str]) -> dict:
    """Public documents most like the one whose stored `source` is given: each topical facet
    value they share with it scores RELATED_FACET_BOOST, words of its title score as a match
    on their titles; a document sharing neither is not related."""
    facets = source.get("facets") or {}
    should: list[dict] = [
        {
            "constant_score": {
                "filter": {"term": {f"facets.{facet.name}": value}},
                "boost": RELATED_FACET_BOOST,
            }
        }
        for facet in FACETS
        if facet.topical
        for value in facets.get(facet.name) or []
    ]
    if source.get("title"):
        should.append({"match": {"title": {"query": source["title"], "operator": "or"}}})
    return {
        "query": {
            "bool": {
                "should": should or [{"match_none": {}}],
                "minimum_should_match": 1,
                "filter": public_for_reader(),
                "must_not": [{"ids": {"values": [doc_id, *exclude]}}],
            }
        },
        "sort": [
            {"_score": {"order": "desc"}},
            {"date": {"order": "desc", "missing": "_last"}},
            {"doc_id": {"order": "asc"}},
        ],
        "size": RELATED_CANDIDATES,
        "_source": ["doc"],
    }


def explicit_related_body(ids: Sequence[str]) -> dict:
    """The public documents among `ids` (a document's explicit links)."""
    return {
        "query": {"bool": {"filter": [{"ids": {"values": list(ids)}}, *public_for_reader()]}},
        "size": len(ids),
        "_source": ["doc"],
    }


def bulk_operations(
    index: str,
    docs: Iterable[SearchDocument] = (),
    deletes: Iterable[str] = (),
    *,
    languages: Sequence[str] = LANGUAGES,
) -> list[dict]:
    """Bulk request lines: index actions (the last version of a repeated id wins) and deletes."""
    unique = {doc.id: doc for doc in docs}
    operations: list[dict] = []
    for doc in unique.values():
        operations += [{"index": {"_index": index, "_id": doc.id}}, document_source(doc, languages)]
    for doc_id in dict.fromkeys(deletes):
        operations.append({"delete": {"_index": index, "_id": doc_id}})
    return operations


def new_index_name(alias: str) -> str:
    """A concrete index name for a rebuild: the alias plus a sortable time stamp."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    return f"{alias}-{stamp}"
