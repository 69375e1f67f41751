"""The behaviour every search engine promises, on the same ten documents (see documents.py)."""

import datetime
from dataclasses import replace

import pytest

from search.documents import SearchDocument, Visibility
from search.engines.text import query_words
from search.facets import FACETS
from search.query import MAX_QUERY_LENGTH, SearchQuery, Sort
from tests.search_contract.documents import CONTRACT_DOCUMENTS, PUBLIC_IDS

DOCUMENTS = {doc.id: doc for doc in CONTRACT_DOCUMENTS}


def ids(results) -> list[str]:
    return [hit.document.id for hit in results.hits]


def counts(results, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[facet]}


def selected(results, facet: str) -> set[str]:
    return {value.value for value in results.facets[facet] if value.selected}


# -- matching and ranking --------------------------------------------------------------------


def test_empty_query_finds_every_public_document(engine):
    results = engine.search(SearchQuery())

    assert results.total == len(PUBLIC_IDS)
    assert set(ids(results)) == PUBLIC_IDS
    assert results.engine == engine.name


def test_title_match_ranks_above_body_match(engine):
    results = engine.search(SearchQuery(text="bicycle"))

    assert ids(results) == ["case:1", "case:3"]
    assert results.hits[0].score > results.hits[1].score


def test_every_word_must_match(engine):
    assert ids(engine.search(SearchQuery(text="digital identity"))) == ["case:3"]
    assert engine.search(SearchQuery(text="digital bicycle housing")).total == 0


def test_last_word_matches_as_a_prefix(engine):
    results = engine.search(SearchQuery(text="experim"))

    assert set(ids(results)) == {"case:3", "tool:1", "story:2"}


def test_long_words_and_the_last_word_match_as_prefixes(engine):
    # "experim" is long enough to stand for "experiment(s)"; "exp" is too short unless last
    assert ids(engine.search(SearchQuery(text="experim canvas"))) == ["tool:1"]
    assert ids(engine.search(SearchQuery(text="experiment canv"))) == ["tool:1"]
    assert ids(engine.search(SearchQuery(text="canvas exp"))) == ["tool:1"]
    assert engine.search(SearchQuery(text="exp canvas")).total == 0


def test_matching_ignores_case(engine):
    assert ids(engine.search(SearchQuery(text="HELSINKI"))) == ["case:1"]


def test_summary_and_body_are_searched(engine):
    assert ids(engine.search(SearchQuery(text="nudges"))) == ["tool:2"]
    assert ids(engine.search(SearchQuery(text="hypothesis"))) == ["tool:1"]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        '"bicycle',
        "AND",
        "bicycle AND",
        "OR NOT NEAR",
        "*",
        "bicycle*",
        "-bicycle",
        "(",
        ")",
        "title:bicycle",
        "{title}: x",
        "^bicycle",
        "a & b | !c <-> d",
        "\\",
        "'; DROP TABLE search_indexeddocument; --",
        "\x00\x02\x03",
        "Hämeenlinna kokeilu ✓ 🚲",
        "x" * 10_000,
        "bicycle " * 2_000,
    ],
)
def test_user_text_never_breaks_the_query(engine, text):
    results = engine.search(SearchQuery(text=text))

    assert results.total >= 0
    assert len(results.hits) <= results.total


def test_the_engines_own_operators_in_user_text_are_plain_words(engine):
    # As an operator NOT would break the syntax; as a word it matches "was not part of it".
    assert ids(engine.search(SearchQuery(text="pupils NOT"))) == ["pb_project:1"]
    # AND, NEAR, a column name and a prefix star are words (the documents lack "near").
    assert ids(engine.search(SearchQuery(text="bicycle NEAR helsinki"))) == []
    assert ids(engine.search(SearchQuery(text="title: bicycle* AND lanes"))) == []


def test_text_beyond_the_maximum_length_is_ignored(engine):
    text = "x" * MAX_QUERY_LENGTH + " bicycle"

    assert engine.search(SearchQuery(text=text)).total == 0


def test_punctuation_only_text_finds_everything(engine):
    assert engine.search(SearchQuery(text=' * - " ')).total == len(PUBLIC_IDS)


# -- highlights ------------------------------------------------------------------------------


def test_highlights_mark_matches_in_title(engine):
    hit = engine.search(SearchQuery(text="bicycle")).hits[0]

    assert hit.highlights["title"] == "<mark>Bicycle</mark> lanes for Helsinki"


def test_highlights_mark_matches_in_body_excerpt(engine):
    hit = engine.search(SearchQuery(text="bicycle")).hits[1]

    assert "<mark>bicycle</mark>" in hit.highlights["body"]
    assert "title" not in hit.highlights


def test_highlights_escape_html_and_mark_matches(engine):
    hit = engine.search(SearchQuery(text="bike")).hits[0]

    assert hit.document.id == "pb_project:1"
    assert (
        hit.highlights["title"] == "Safe routes &amp; &lt;b&gt;<mark>bike</mark>&lt;/b&gt; parking"
    )
    assert hit.document.title == "Safe routes & <b>bike</b> parking"


def test_highlights_of_summary_are_escaped(engine):
    hit = engine.search(SearchQuery(text="racks")).hits[0]

    assert hit.highlights["summary"].startswith("<mark>Racks</mark> at &lt;school&gt; gates &amp;")
    assert "<school>" not in hit.highlights["summary"]


def test_body_highlight_never_contains_raw_markup(engine):
    hit = engine.search(SearchQuery(text="pupils")).hits[0]

    assert "<mark>pupils</mark>" in hit.highlights["body"]
    assert "<script>" not in hit.highlights["body"]


def test_highlights_can_be_turned_off(engine):
    hit = engine.search(SearchQuery(text="bicycle", with_highlights=False)).hits[0]

    assert hit.highlights == {}


def test_no_highlights_without_text(engine):
    assert all(hit.highlights == {} for hit in engine.search(SearchQuery()).hits)


# -- facets ----------------------------------------------------------------------------------


def test_facet_counts_without_selection(engine):
    results = engine.search(SearchQuery())

    assert counts(results, "country") == {"fi": 4, "br": 1, "ee": 1, "gb": 1, "se": 1}
    assert counts(results, "kind") == {
        "case": 3,
        "tool": 2,
        "story": 2,
        "workshop": 1,
        "pb_project": 1,
    }
    assert counts(results, "outcome") == {"slip-up": 1, "success": 1}
    assert not selected(results, "country")


def test_facet_values_are_ordered_by_count_then_value(engine):
    results = engine.search(SearchQuery())

    assert [v.value for v in results.facets["country"]] == ["fi", "br", "ee", "gb", "se"]


def test_year_facet_is_ordered_by_year_newest_first(engine):
    results = engine.search(SearchQuery())

    assert [v.value for v in results.facets["year"]] == [
        "2024",
        "2023",
        "2022",
        "2021",
        "2020",
        "2019",
        "2018",
    ]
    assert counts(results, "year")["2021"] == 2


def test_facet_counts_apply_the_text(engine):
    results = engine.search(SearchQuery(text="experiment"))

    assert counts(results, "kind") == {"case": 1, "tool": 1, "story": 1}
    assert counts(results, "country") == {"ee": 1, "se": 1}


def test_facet_counts_ignore_own_selection(engine):
    unselected = engine.search(SearchQuery())
    results = engine.search(SearchQuery(selections={"country": ("fi",)}))

    assert counts(results, "country") == counts(unselected, "country")
    assert selected(results, "country") == {"fi"}


def test_facet_counts_apply_other_facets_selections(engine):
    results = engine.search(SearchQuery(selections={"country": ("fi",)}))

    assert counts(results, "kind") == {"case": 1, "story": 1, "workshop": 1, "pb_project": 1}
    assert counts(results, "theme") == {"transport": 2, "health": 1}


def test_selections_within_a_facet_are_ored(engine):
    results = engine.search(SearchQuery(selections={"country": ("br", "ee")}))

    assert set(ids(results)) == {"case:2", "case:3"}
    assert selected(results, "country") == {"br", "ee"}
    assert counts(results, "theme") == {"democracy": 1, "digital": 1}


def test_selections_across_facets_are_anded(engine):
    results = engine.search(
        SearchQuery(selections={"country": ("fi",), "theme": ("transport", "health")})
    )

    assert set(ids(results)) == {"case:1", "story:1", "pb_project:1"}
    # Theme counts keep country=fi but not the theme selection; country counts the reverse.
    assert counts(results, "theme") == {"transport": 2, "health": 1}
    assert counts(results, "country") == {"fi": 3, "gb": 1}


def test_selected_value_is_listed_even_when_nothing_matches(engine):
    results = engine.search(SearchQuery(selections={"country": ("fi",), "theme": ("housing",)}))

    assert results.total == 0
    assert results.hits == []
    housing = next(v for v in results.facets["theme"] if v.value == "housing")
    assert housing.count == 0
    assert housing.selected


def test_selected_unknown_value_is_listed_with_zero(engine):
    results = engine.search(SearchQuery(selections={"country": ("zz",)}))

    assert results.total == 0
    assert [(v.value, v.count, v.selected) for v in results.facets["country"]][-1] == (
        "zz",
        0,
        True,
    )


def test_year_selection_filters_by_year(engine):
    results = engine.search(SearchQuery(selections={"year": ("2021",)}))

    assert set(ids(results)) == {"case:1", "story:2"}


def test_facets_can_be_turned_off(engine):
    assert engine.search(SearchQuery(with_facets=False)).facets == {}


# -- base filters ----------------------------------------------------------------------------


def test_members_only_documents_are_hidden_by_default(engine):
    results = engine.search(SearchQuery(text="grants"))

    assert results.total == 0
    assert "fi" not in counts(engine.search(SearchQuery(text="experiment")), "country")


def test_members_see_members_only_documents(engine):
    query = SearchQuery(text="grants", visibility=(Visibility.PUBLIC, Visibility.MEMBERS))

    assert ids(engine.search(query)) == ["member:1"]


def test_kinds_restrict_hits_and_counts(engine):
    results = engine.search(SearchQuery(kinds=("case",)))

    assert set(ids(results)) == {"case:1", "case:2", "case:3"}
    assert counts(results, "kind") == {"case": 3}


def test_date_range_restricts_hits(engine):
    results = engine.search(
        SearchQuery(date_from=datetime.date(2021, 1, 1), date_to=datetime.date(2022, 12, 31))
    )

    assert set(ids(results)) == {"case:1", "case:3", "story:2"}


def test_year_range_restricts_hits_and_every_count(engine):
    results = engine.search(SearchQuery(year_from=2019, year_to=2021))

    assert set(ids(results)) == {"case:1", "case:2", "tool:1", "story:2"}
    # a range is a filter, not a facet selection: the year facet only counts years within it
    assert counts(results, "year") == {"2021": 2, "2020": 1, "2019": 1}
    assert counts(results, "kind") == {"case": 2, "tool": 1, "story": 1}


def test_open_ended_year_ranges_leave_undated_documents_out(engine):
    assert set(ids(engine.search(SearchQuery(year_from=2023)))) == {"story:1", "workshop:1"}
    assert set(ids(engine.search(SearchQuery(year_to=2018)))) == {"tool:2"}


# -- sort and pagination ---------------------------------------------------------------------


def test_sort_newest_puts_undated_documents_last(engine):
    results = engine.search(SearchQuery(sort=Sort.NEWEST))

    assert ids(results)[:3] == ["workshop:1", "story:1", "case:3"]
    assert ids(results)[-1] == "pb_project:1"


def test_sort_oldest(engine):
    results = engine.search(SearchQuery(sort=Sort.OLDEST))

    assert ids(results)[:3] == ["tool:2", "case:2", "tool:1"]
    assert ids(results)[-1] == "pb_project:1"


def test_sort_title_ignores_case(engine):
    results = engine.search(SearchQuery(sort=Sort.TITLE))

    titles = [hit.document.title.lower() for hit in results.hits]
    assert titles == sorted(titles)


def test_relevance_without_text_is_newest_first(engine):
    assert ids(engine.search(SearchQuery())) == ids(engine.search(SearchQuery(sort=Sort.NEWEST)))


def test_sort_by_date_with_text_keeps_the_text_filter(engine):
    results = engine.search(SearchQuery(text="experiment", sort=Sort.OLDEST))

    assert ids(results) == ["tool:1", "story:2", "case:3"]
    assert "<mark>" in results.hits[0].highlights["title"]


def test_pages_split_the_results_without_overlap(engine):
    pages = [engine.search(SearchQuery(page=page, page_size=4)) for page in (1, 2, 3)]

    assert [len(p.hits) for p in pages] == [4, 4, 1]
    assert all(p.total == len(PUBLIC_IDS) for p in pages)
    assert pages[0].page_count == 3
    assert {doc_id for p in pages for doc_id in ids(p)} == PUBLIC_IDS


def test_pages_of_ranked_results_do_not_overlap(engine):
    first = engine.search(SearchQuery(text="experiment", page_size=2))
    second = engine.search(SearchQuery(text="experiment", page_size=2, page=2))

    assert len(first.hits) == 2
    assert len(second.hits) == 1
    assert not set(ids(first)) & set(ids(second))


def test_page_past_the_end_is_empty_with_the_right_total(engine):
    results = engine.search(SearchQuery(page=50, page_size=4))

    assert results.hits == []
    assert results.total == len(PUBLIC_IDS)
    assert counts(results, "country")["fi"] == 4


# -- suggest and related ---------------------------------------------------------------------


def test_suggest_finds_titles_with_a_word_starting_with_the_prefix(engine):
    assert [doc.id for doc in engine.suggest("bic")] == ["case:1"]
    assert {doc.id for doc in engine.suggest("Exp")} == {"case:3", "tool:1", "story:2"}


def test_suggest_ignores_body_text_and_members_only_titles(engine):
    assert engine.suggest("hypoth") == []
    assert engine.suggest("grant") == []


def test_suggest_respects_the_limit_and_odd_input(engine):
    assert len(engine.suggest("e", limit=2)) == 2
    assert engine.suggest("") == []
    assert engine.suggest('" AND *') == []


def test_related_lists_explicit_links_first(engine):
    related = [doc.id for doc in engine.related("case:1")]

    assert related[:2] == ["tool:1", "story:1"]
    assert "case:1" not in related
    assert "case:404" not in related


def _shares_something(doc_id: str, other_id: str) -> bool:
    source, other = DOCUMENTS[doc_id], DOCUMENTS[other_id]
    topical = [facet.field for facet in FACETS if facet.topical]
    shared_values = any(set(source.facet_values(f)) & set(other.facet_values(f)) for f in topical)
    words = {word for word in query_words(source.title) if len(word) >= 4}
    return shared_values or bool(words & set(query_words(f"{other.title} {other.body}")))


def test_related_then_lists_documents_sharing_facets(engine):
    related = [doc.id for doc in engine.related("case:1", limit=4)]

    assert related[:2] == ["tool:1", "story:1"]
    assert len(related) == 4
    assert all(_shares_something("case:1", doc_id) for doc_id in related[2:])
    # Shared vocabulary: pb_project:1 shares fi, transport and local; workshop:1 shares fi
    # and prototyping.
    assert related[2:] == ["pb_project:1", "workshop:1"]


def test_related_puts_shared_facets_before_shared_title_words(engine):
    related = [doc.id for doc in engine.related("tool:1", limit=8)]

    # case:3 shares digital and prototyping (and "experiment" in the title); story:2 shares
    # only the title word "experiment", so it comes after every document sharing a value
    assert related[0] == "case:3"
    assert "story:2" in related
    sharing = [doc_id for doc_id in related if _shares_facet_value("tool:1", doc_id)]
    assert related.index("story:2") > max(related.index(doc_id) for doc_id in sharing)


def _shares_facet_value(doc_id: str, other_id: str) -> bool:
    source, other = DOCUMENTS[doc_id], DOCUMENTS[other_id]
    topical = [facet.field for facet in FACETS if facet.topical]
    return any(set(source.facet_values(f)) & set(other.facet_values(f)) for f in topical)


def test_related_never_lists_members_only_documents(engine):
    assert "member:1" not in [doc.id for doc in engine.related("case:1", limit=20)]


def test_related_of_an_unknown_document_is_empty(engine):
    assert engine.related("case:999") == []


# -- writing ---------------------------------------------------------------------------------


def test_search_returns_the_documents_as_indexed(engine):
    hit = engine.search(SearchQuery(text="helsinki")).hits[0]

    assert hit.document == DOCUMENTS["case:1"]


def test_delete_removes_documents_and_ignores_unknown_ids(engine):
    removed = engine.delete(["case:1", "case:999"])

    assert removed == 1
    assert engine.count() == len(CONTRACT_DOCUMENTS) - 1
    assert ids(engine.search(SearchQuery(text="bicycle"))) == ["case:3"]
    assert counts(engine.search(SearchQuery()), "country")["fi"] == 3


def test_index_replaces_a_document_with_the_same_id(engine):
    changed = replace(DOCUMENTS["case:1"], title="Cargo lanes for Helsinki", countries=("se",))

    assert engine.index([changed]) == 1
    assert engine.count() == len(CONTRACT_DOCUMENTS)
    assert ids(engine.search(SearchQuery(text="bicycle"))) == ["case:3"]
    assert ids(engine.search(SearchQuery(text="cargo"))) == ["case:1"]
    assert counts(engine.search(SearchQuery()), "country")["se"] == 2


def test_index_keeps_the_last_version_of_a_repeated_id(empty_engine):
    first = SearchDocument(id="tool:9", kind="tool", url="/t/", title="First title")
    second = replace(first, title="Second title")

    empty_engine.index([first, second])

    assert empty_engine.count() == 1
    assert ids(empty_engine.search(SearchQuery(text="second"))) == ["tool:9"]
    assert empty_engine.search(SearchQuery(text="first")).total == 0


def test_rebuild_replaces_everything(engine):
    only = SearchDocument(id="tool:9", kind="tool", url="/t/", title="Only one")

    engine.rebuild([only])

    assert engine.count() == 1
    assert ids(engine.search(SearchQuery())) == ["tool:9"]


def test_clear_empties_the_index(engine):
    engine.clear()

    assert engine.count() == 0
    assert engine.search(SearchQuery(text="bicycle")).total == 0


# -- exact titles, typos and languages -------------------------------------------------------


# pb_project:1's title holds markup, which PostgreSQL's text parser reads as a tag.
@pytest.mark.parametrize("doc_id", sorted(PUBLIC_IDS - {"pb_project:1"}))
def test_an_exact_title_finds_its_document_first(engine, doc_id):
    results = engine.search(SearchQuery(text=DOCUMENTS[doc_id].title))

    assert ids(results)[0] == doc_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [("bicylce", "case:1"), ("helsinky lanes", "case:1"), ("behavioral insights", "tool:2")],
)
def test_typos_in_long_words_are_tolerated(engine, text, expected):
    if not engine.typo_tolerant:
        pytest.skip(f"the {engine.name} engine matches words as written")

    assert ids(engine.search(SearchQuery(text=text)))[0] == expected


def test_typo_tolerance_leaves_short_words_exact(engine):
    # "bike" is one letter from "bake", "like" or "bikes": short words must match as written
    # (or as the prefix they are), or every search would drown in near misses.
    assert engine.search(SearchQuery(text="bake")).total == 0


def test_documents_are_stemmed_in_their_own_language(empty_engine):
    # Finnish is analysed too (kokeilu_finnish), but osmem 0.1.6 turns a Finnish-stemmed query
    # into an empty term that matches every document: the osmem URLs leave Finnish out.
    empty_engine.index(
        [
            SearchDocument(
                id="case:21", kind="case", url="/sv/", title="Försök i städerna", language="sv"
            ),
            SearchDocument(
                id="case:22", kind="case", url="/en/", title="Trials in cities", language="en"
            ),
        ]
    )

    # Inflected forms find each other through the stem of the document's language.
    assert ids(empty_engine.search(SearchQuery(text="städer"))) == ["case:21"]
    assert ids(empty_engine.search(SearchQuery(text="city"))) == ["case:22"]
    hit = empty_engine.search(SearchQuery(text="city")).hits[0]
    assert hit.highlights["title"] == "Trials in <mark>cities</mark>"
