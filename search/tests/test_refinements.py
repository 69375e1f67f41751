"""A query that names a facet value offers that filter: "slip-up stories in Finland" offers
Outcome: Slip-up, Type: Stories and Country: Finland, each a link that selects the value and takes
its words out of the text, in the reader's language and whichever of the site's languages the
words are in."""

import datetime
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from django.template.loader import render_to_string
from django.utils import translation

import pytest

from search.documents import SearchDocument
from search.query import SearchQuery
from search.refinements import combined, facet_refinements, refined_query, text_without
from tests.search_contract.documents import CONTRACT_DOCUMENTS

# Countries that documents hold besides the contract's fi, se, ee, br and gb: their names are
# in the labels the refinements match (and some are ordinary words in another language).
ELSEWHERE = SearchDocument(
    id="case:90",
    kind="case",
    url="/en/cases/elsewhere/",
    title="Lessons from abroad",
    summary="Trials in many countries.",
    date=datetime.date(2020, 6, 1),
    countries=("is", "pe", "pl", "mt", "cn", "om", "at", "us"),
)

BUDGET = SearchDocument(
    id="pb_process:1",
    kind="pb_process",
    url="/en/budgeting/tampere/",
    title="Tampere decides",
    date=datetime.date(2024, 1, 1),
    countries=("fi",),
)


@pytest.fixture
def indexed(database_engine):
    database_engine.rebuild([*CONTRACT_DOCUMENTS, ELSEWHERE, BUDGET])
    return database_engine


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def offered(text: str, *, language: str = "en", **selections) -> list[tuple[str, str, str]]:
    """(facet, value, words) of each refinement `text` offers a reader of `language`."""
    query = SearchQuery(text=text, selections={k: tuple(v) for k, v in selections.items()})
    with translation.override(language):
        refinements = facet_refinements(query, language=language)
    return [(r.facet, r.value, r.words) for r in refinements]


def hit_ids(response) -> list[str]:
    return [hit["document"].id for hit in response.context["hits"]]


# -- what the words name ----------------------------------------------------------------------


@pytest.mark.usefixtures("indexed")
def test_the_example_query_offers_outcome_kind_and_country():
    assert offered("slip-up stories in Finland") == [
        ("outcome", "slip-up", "slip-up"),
        ("kind", "story", "stories"),
        ("country", "fi", "in Finland"),  # the preposition goes with the country
    ]


@pytest.mark.usefixtures("indexed")
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # Finnish cases of place names, which Snowball stems unevenly
        ("fi", "mokat Suomessa", [("outcome", "slip-up"), ("country", "fi")]),
        ("fi", "mokista Ruotsista", [("outcome", "slip-up"), ("country", "se")]),
        ("fi", "tarinoita Islannissa", [("kind", "story"), ("country", "is")]),
        ("fi", "Isossa-Britanniassa", [("country", "gb")]),
        ("fi", "Itävallassa ja Yhdysvalloissa", [("country", "at"), ("country", "us")]),
        ("fi", "työkaluja prototypointiin", [("kind", "tool"), ("method", "prototyping")]),
        ("fi", "terveyden edistäminen", [("theme", "health")]),
        # Swedish genitive and definite forms, English plural and possessive
        ("sv", "Sveriges snedsteg", [("country", "se"), ("outcome", "slip-up")]),
        ("sv", "berättelserna från Island", [("kind", "story"), ("country", "is")]),
        ("en", "a story from Sweden's cities", [("kind", "story"), ("country", "se")]),
        ("en", "case studies in the United Kingdom", [("kind", "case"), ("country", "gb")]),
        # every site language, whatever the reader's
        ("fi", "Sweden", [("country", "se")]),
        ("fi", "Ruotsi", [("country", "se")]),
        ("en", "berättelser", [("kind", "story")]),
    ],
)
def test_values_are_named_in_any_site_language_and_inflected(language, text, expected):
    assert [(facet, value) for facet, value, _ in offered(text, language=language)] == expected


@pytest.mark.usefixtures("indexed")
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "perustulokokeilu"),  # not Peru
        ("fi", "puolet kokeiluista"),  # halves, not Poland (Puola)
        ("fi", "mallit"),  # models, not Malta
        ("fi", "kiinteistöjen energiankulutus"),  # real estate, not China (Kiina)
        ("fi", "oman organisaation kokeilu"),  # one's own, not Oman
        ("fi", "suomeksi"),  # "in Finnish", the language
        ("en", "island communities"),  # not Iceland (Island in Swedish)
        ("en", "bicycle lanes"),
    ],
)
def test_ordinary_words_name_no_value(language, text):
    assert offered(text, language=language) == []


def test_a_value_named_by_function_words_is_never_offered(database_engine):
    from portal.models.taxonomy import Theme

    Theme.objects.create(key="other", name="Other", name_fi="Muu", name_sv="Annat")
    database_engine.rebuild([replace(ELSEWHERE, themes=("other", "health"))])

    assert offered("health and other experiments") == [("theme", "health", "health")]


@pytest.mark.usefixtures("indexed")
def test_only_values_that_documents_hold_are_offered():
    assert offered("stories in Norway") == [("kind", "story", "stories")]


@pytest.mark.usefixtures("indexed")
def test_a_selected_value_is_not_offered_again():
    assert offered("stories in Finland", country=["fi"]) == [("kind", "story", "stories")]
    assert offered("stories in Finland", kind=["story"], country=["fi"]) == []


@pytest.mark.usefixtures("indexed")
def test_a_value_inside_the_words_of_a_longer_one_is_not_offered():
    assert offered("story workshops") == [("kind", "workshop", "story workshops")]
    assert offered("story workshops", kind=["workshop"]) == []  # named, and already selected


@pytest.mark.usefixtures("indexed")
def test_values_named_by_the_same_words_are_both_offered_but_applied_one_at_a_time():
    query = SearchQuery(text="participatory budgeting in Finland")
    refinements = facet_refinements(query, language="en")

    assert [(r.facet, r.value) for r in refinements] == [
        ("kind", "pb_process"),
        ("method", "participatory-budgeting"),
        ("country", "fi"),
    ]
    together = refined_query(query, combined(refinements))
    assert together.text == ""
    assert together.selections == {"kind": ("pb_process",), "country": ("fi",)}


@pytest.mark.usefixtures("indexed")
def test_at_most_five_are_offered():
    text = "Finland Sweden Estonia Brazil Iceland Poland Malta"

    assert [value for _, value, _ in offered(text)] == ["fi", "se", "ee", "br", "is"]


def test_a_text_less_query_offers_nothing_without_searching(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert facet_refinements(SearchQuery(text="  "), language="en") == []


@pytest.mark.parametrize(
    ("text", "spans", "left"),
    [
        ("slip-up stories in Finland", [(16, 26)], "slip-up stories"),
        ("Finland, stories", [(0, 7)], "stories"),
        ("Finland/Sweden", [(0, 7), (8, 14)], ""),
        ("stories in Finland about health", [(8, 18)], "stories about health"),
    ],
)
def test_the_words_of_a_refinement_leave_the_text_tidy(text, spans, left):
    assert text_without(text, spans) == left


# -- the search page ----------------------------------------------------------------------------


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_the_page_links_each_refinement_with_its_words_out_of_the_text(client):
    response = client.get("/en/search/", {"q": "slip-up stories in Finland"})

    refinements = response.context["refinements"]
    assert [(r["facet_label"], r["label"], r["words"]) for r in refinements] == [
        ("Outcome", "Slip-up", "slip-up"),
        ("Type", "Stories", "stories"),
        ("Country", "Finland", "in Finland"),
    ]
    assert params(refinements[2]["url"]) == {"q": ["slip-up stories"], "country": ["fi"]}
    assert params(refinements[0]["url"]) == {"q": ["stories in Finland"], "outcome": ["slip-up"]}
    every = params(response.context["refinements_all_url"])
    assert every == {"kind": ["story"], "country": ["fi"], "outcome": ["slip-up"]}

    followed = client.get(response.context["refinements_all_url"])

    assert hit_ids(followed) == ["story:1"]
    assert followed.context["refinements"] == []


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_following_a_refinement_finds_what_the_words_alone_did_not(client):
    response = client.get("/en/search/", {"q": "failed pilot in Finland", "sort": "title"})
    # no document says "Finland": the page shows those holding some of the words
    assert response.context["results"].query.any_word
    (country,) = response.context["refinements"]
    assert response.context["refinements_all_url"] is None  # one refinement: no "Apply all"

    followed = client.get(country["url"])

    assert params(country["url"]) == {"q": ["failed pilot"], "country": ["fi"], "sort": ["title"]}
    assert hit_ids(followed) == ["story:1"]


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_a_finnish_reader_gets_finnish_labels_and_finnish_words_taken_out(client):
    response = client.get("/fi/search/", {"q": "mokat Suomessa"})

    refinements = response.context["refinements"]
    assert [(r["label"], r["words"]) for r in refinements] == [
        ("Moka", "mokat"),
        ("Suomi", "Suomessa"),
    ]
    assert params(refinements[1]["url"]) == {"q": ["mokat"], "country": ["fi"]}
    assert urlsplit(refinements[1]["url"]).path == "/fi/search/"
    followed = client.get(response.context["refinements_all_url"])
    assert hit_ids(followed) == ["story:1"]


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_a_swedish_reader_gets_swedish_labels_and_the_preposition_taken_out(client):
    response = client.get("/sv/search/", {"q": "berättelser i Sverige"})

    refinements = response.context["refinements"]
    assert [(r["label"], r["words"]) for r in refinements] == [
        ("Berättelser", "berättelser"),
        ("Sverige", "i Sverige"),
    ]
    assert params(refinements[1]["url"]) == {"q": ["berättelser"], "country": ["se"]}
    followed = client.get(response.context["refinements_all_url"])
    assert hit_ids(followed) == ["story:2"]


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_the_links_keep_the_words_as_typed_when_asked_to(client):
    response = client.get("/en/search/", {"q": "stories in Finland", "exact": "1"})

    kind, country = response.context["refinements"]
    assert params(country["url"]) == {"q": ["stories"], "exact": ["1"], "country": ["fi"]}


@pytest.mark.usefixtures("indexed", "stand_in_templates")
def test_a_page_with_bad_parameters_offers_nothing(client):
    response = client.get("/en/search/", {"q": "stories in Finland", "page": "0"})

    assert response.status_code == 400
    assert response.context["refinements"] == []
    assert response.context["refinements_all_url"] is None


@pytest.mark.usefixtures("indexed", "home_page")
def test_the_page_renders_the_refinements_as_a_labelled_list_of_links(client):
    html = client.get("/en/search/", {"q": "slip-up stories in Finland"}).content.decode()

    block = html.split('<div class="refinements">', 1)[1].split("</div>", 1)[0]
    assert '<p class="refinements__label" id="refinements-label">Narrow to:</p>' in block
    assert '<ul class="refinements__list" aria-labelledby="refinements-label">' in block
    assert (
        '<a class="refinement-chip" href="/en/search/?q=slip-up+stories&amp;country=fi#results"'
        ' rel="nofollow">'
    ) in block
    assert "<span>Country: Finland</span>" in block
    assert "(a filter instead of the words “in Finland”)" in block
    assert (
        '<a href="/en/search/?kind=story&amp;country=fi&amp;outcome=slip-up#results"'
        ' rel="nofollow">Apply all</a>'
    ) in block
    assert "<script" not in block
    # near the result count, before the filters in force
    assert html.index('id="results"') < html.index('class="refinements"')


@pytest.mark.django_db
def test_the_component_renders_nothing_without_refinements():
    assert render_to_string("components/refinements.html", {"refinements": []}).strip() == ""


@pytest.mark.usefixtures("indexed")
def test_the_api_lists_refinements_with_the_text_left(client):
    data = client.get("/en/api/search/", {"q": "stories in Finland"}).json()

    assert data["refinements"] == [
        {
            "facet": "kind",
            "value": "story",
            "label": "Stories",
            "words": "stories",
            "q": "in Finland",
        },
        {
            "facet": "country",
            "value": "fi",
            "label": "Finland",
            "words": "in Finland",
            "q": "stories",
        },
    ]


@pytest.mark.usefixtures("indexed", "home_page")
def test_the_page_offers_the_refinements_in_the_readers_language(client):
    html = client.get("/fi/search/", {"q": "mokat Suomessa"}).content.decode()

    assert ">Rajaa hakua:</p>" in html
    assert "<span>Maa: Suomi</span>" in html
    assert "(rajaus sanojen ”Suomessa” sijaan)" in html
    assert ">Käytä kaikkia rajauksia</a>" in html
