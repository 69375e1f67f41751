"""Misspelt searches: a search that finds nothing answers its correction and says so, with a link
to the words as typed; results beside a likely misspelling offer "Did you mean"; the search API
says the same; the words typed stay in the search box."""

import datetime
import html
from urllib.parse import parse_qs, urlsplit

from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from search import selectors
from search.documents import SearchDocument
from search.forms import listing_query_from_params
from search.listing import listing_run
from search.osmem import osmem_free_port
from search.query import SearchQuery
from tests.search_contract.documents import CONTRACT_DOCUMENTS


def document(number: int, title: str) -> SearchDocument:
    return SearchDocument(
        id=f"tool:{100 + number}",
        kind="tool",
        url=f"/en/toolkit/{number}/",
        title=title,
        date=datetime.date(2024, 1, number % 28 + 1),
    )


# Fifty documents say "kaleidoscope"; one misspells it "kaleidoskope" (so a search for
# "kaleidoskope" finds it, and "kaleidoscope" is fifty times as frequent).
KALEIDOSCOPES = tuple(document(n, f"Kaleidoscope for cities {n}") for n in range(1, 51))
MISSPELT = document(99, "Kaleidoskope canvas")


@pytest.fixture
def spelled(database_engine):
    database_engine.rebuild([*CONTRACT_DOCUMENTS, *KALEIDOSCOPES, MISSPELT])
    return database_engine


@pytest.fixture(autouse=True)
def fresh_outage(monkeypatch):
    monkeypatch.setattr(selectors, "_outage", selectors._Outage())


def page(client, **params) -> str:
    response = client.get("/en/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def hit_ids(response) -> list[str]:
    return [hit["document"].id for hit in response.context["hits"]]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(html.unescape(url)).query)


def spelling_paragraph(text: str) -> str:
    start = text.index('<p class="search-spelling">')
    return text[start : text.index("</p>", start)]


# -- the search page -------------------------------------------------------------------------


def test_a_misspelt_search_shows_the_corrected_results_and_says_so(client, spelled):
    response = client.get("/en/search/", {"q": "Particpatory budgeting"})
    text = response.content.decode()

    notice = spelling_paragraph(text)
    assert "Showing results for <strong>Participatory budgeting</strong>." in notice
    assert "Search instead for" in notice
    assert hit_ids(response) == ["case:2"]  # the corrected search's results
    assert "result for “Participatory budgeting”" in text


def test_search_instead_links_to_the_words_as_typed(client, spelled):
    notice = spelling_paragraph(page(client, q="particpatory", country="br"))

    href = notice.split('href="', 1)[1].split('"', 1)[0]
    assert query_of(href) == {"q": ["particpatory"], "country": ["br"], "exact": ["1"]}
    assert ">particpatory</a>" in notice


def test_the_search_box_keeps_the_words_as_typed(client, spelled):
    text = page(client, q="particpatory")

    assert 'name="q" value="particpatory"' in text


def test_exact_searches_the_words_as_typed(client, spelled):
    text = page(client, q="particpatory", exact="1")

    assert "search-spelling" not in text
    assert "No results for “particpatory”" in text


def test_exact_is_kept_by_the_page_links(client, spelled):
    response = client.get("/en/search/", {"q": "particpatory", "exact": "1"})

    assert response.context["spelling"] is None
    assert query_of(response.context["clear_url"])["exact"] == ["1"]


def test_exact_must_be_1_or_0(client, spelled):
    response = client.get("/en/search/", {"q": "particpatory", "exact": "yes"})

    assert response.status_code == 400


def test_results_beside_a_likely_misspelling_offer_did_you_mean(client, spelled):
    response = client.get("/en/search/", {"q": "kaleidoskope"})
    text = response.content.decode()

    assert hit_ids(response) == ["tool:199"]  # the results of the words as typed
    notice = spelling_paragraph(text)
    assert "Did you mean:" in notice
    href = notice.split('href="', 1)[1].split('"', 1)[0]
    assert query_of(href) == {"q": ["kaleidoscope"]}
    assert ">kaleidoscope</a>?" in notice


def test_words_the_index_holds_get_no_suggestion(client, spelled):
    response = client.get("/en/search/", {"q": "bicycle"})

    assert response.context["spelling"] is None
    assert "search-spelling" not in response.content.decode()


def test_gibberish_finds_nothing_and_suggests_nothing(client, spelled):
    text = page(client, q="xqzvwkpl")

    assert "search-spelling" not in text
    assert "No results for “xqzvwkpl”" in text


def test_a_correction_from_a_members_only_document_is_not_offered_to_visitors(client, spelled):
    # "grants" is only in a members-only document (member:1).
    text = page(client, q="grantz")

    assert "search-spelling" not in text
    assert "grants" not in text


def test_the_notice_is_translated(client, spelled):
    text = client.get("/fi/search/", {"q": "particpatory"}).content.decode()

    assert "Näytetään tulokset haulle <strong>participatory</strong>." in text


# -- the API -----------------------------------------------------------------------------------


def test_api_answers_the_correction_and_says_so(client, spelled):
    data = client.get("/en/api/search/", {"q": "particpatory"}).json()

    assert data["q"] == "participatory"
    assert data["corrected_from"] == "particpatory"
    assert data["did_you_mean"] == ""
    assert [hit["id"] for hit in data["hits"]] == ["case:2"]


def test_api_offers_did_you_mean_beside_results(client, spelled):
    data = client.get("/en/api/search/", {"q": "kaleidoskope"}).json()

    assert data["q"] == "kaleidoskope"
    assert data["corrected_from"] == ""
    assert data["did_you_mean"] == "kaleidoscope"
    assert [hit["id"] for hit in data["hits"]] == ["tool:199"]


def test_api_exact_answers_the_words_as_typed(client, spelled):
    data = client.get("/en/api/search/", {"q": "particpatory", "exact": "1"}).json()

    assert (data["q"], data["total"], data["corrected_from"]) == ("particpatory", 0, "")


def test_a_cluster_outage_still_corrects_from_the_database(client, spelled, settings):
    settings.SEARCH_URL = f"opensearch://127.0.0.1:{osmem_free_port()}/kokeilu?timeout=1"

    data = client.get("/en/api/search/", {"q": "particpatory"}).json()

    assert (data["engine"], data["degraded"]) == ("database", True)
    assert data["corrected_from"] == "particpatory"
    assert [hit["id"] for hit in data["hits"]] == ["case:2"]


# -- the selector and listings ---------------------------------------------------------------


def test_search_run_corrects_only_when_asked(spelled):
    assert selectors.search_run(SearchQuery(text="particpatory")).total == 0

    results = selectors.search_run(SearchQuery(text="particpatory"), correct_spelling=True)

    assert (results.query.text, results.corrected_from, results.total) == (
        "participatory",
        "particpatory",
        1,
    )


def test_a_correction_keeps_the_case_and_the_other_words_as_typed(spelled):
    results = selectors.search_run(SearchQuery(text="Particpatory in PORTO"), correct_spelling=True)

    assert results.query.text == "Participatory in PORTO"


def test_listings_correct_too_and_say_so(spelled):
    request = RequestFactory().get("/en/toolkit/", {"q": "particpatory"})

    def build_query(request):
        return listing_query_from_params(
            request.GET,
            kind_label_plural="cases",
            facets=("country",),
            sorts=("relevance",),
            kinds=("case",),
        )

    listing = listing_run(request, build_query=build_query, facet_names=("country",))

    assert listing.results.corrected_from == "particpatory"
    assert [hit.document.id for hit in listing.results.hits] == ["case:2"]
    rendered = render_to_string(
        "components/spelling_notice.html", {"spelling": listing.links["spelling"]}
    )
    assert "Showing results for <strong>participatory</strong>." in rendered
    assert "exact=1" in rendered


def test_the_notice_escapes_what_was_typed(client, spelled):
    text = page(client, q="particpatory <&>")

    notice = spelling_paragraph(text)
    assert "<strong>participatory &lt;&amp;&gt;</strong>" in notice
    assert ">particpatory &lt;&amp;&gt;</a>" in notice


@pytest.mark.django_db
def test_a_misspelt_term_of_the_synonym_groups_finds_what_the_group_finds(client, spelled):
    from search.models import SynonymGroup

    # no document is in Finnish: the index alone cannot correct "budjetionti"
    SynonymGroup.objects.create(terms="participatory budgeting\nosallistuva budjetointi")

    response = client.get("/fi/search/", {"q": "osallistuva budjetionti"})

    assert response.context["results"].corrected_from == "osallistuva budjetionti"
    assert response.context["results"].query.text == "osallistuva budjetointi"
    assert hit_ids(response) == ["case:2"]  # "Participatory budgeting in Porto Alegre"
