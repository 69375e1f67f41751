"""The search page and the search API: shareable URLs, clear 400s, bounded queries."""

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.query import MAX_PAGE
from tests.search_contract.documents import CONTRACT_DOCUMENTS

pytestmark = pytest.mark.usefixtures("indexed", "stand_in_templates")


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- API ---------------------------------------------------------------------------------------


def test_api_answers_with_hits_facets_and_paging(client):
    response = client.get("/en/api/search/", {"q": "bicycle"})

    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2
    assert data["page"] == 1
    assert data["page_count"] == 1
    assert data["engine"] == "database"
    assert data["degraded"] is False
    first = data["hits"][0]
    assert first["id"] == "case:1"
    assert first["title"] == "Bicycle lanes for Helsinki"
    assert first["url"] == "/en/cases/bicycle-lanes/"
    assert first["countries"] == ["fi"]
    assert first["date"] == "2021-03-01"
    assert first["highlights"]["title"] == "<mark>Bicycle</mark> lanes for Helsinki"
    assert "body" not in first
    fi = next(value for value in data["facets"]["country"] if value["value"] == "fi")
    assert fi["count"] == 1
    assert fi["selected"] is False
    assert fi["label"]  # the vocabulary's name, or the key itself


def test_api_applies_repeated_facet_parameters(client):
    data = client.get("/en/api/search/?country=br&country=ee").json()

    assert {hit["id"] for hit in data["hits"]} == {"case:2", "case:3"}
    assert [v["value"] for v in data["facets"]["country"] if v["selected"]] == ["br", "ee"]


def test_api_labels_kind_values(client):
    data = client.get("/en/api/search/").json()

    labels = {v["value"]: v["label"] for v in data["facets"]["kind"]}
    assert labels["case"] == "Case studies"  # registered by the cases app


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        (f"page={MAX_PAGE + 1}", "page"),
        ("country=fi%20se", "country"),
        ("country=%3Cscript%3E", "country"),
        ("theme=" + "a" * 101, "theme"),
        ("year=last", "year"),
        ("sort=random", "sort"),
    ],
)
def test_api_refuses_malformed_parameters_with_a_message(client, query, message):
    response = client.get(f"/en/api/search/?{query}")

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_api_truncates_very_long_text(client):
    response = client.get("/en/api/search/", {"q": "bicycle " + "x" * 10_000})

    data = response.json()
    assert response.status_code == 200
    # "bicycle" and the first 492 x's: no document holds both, those holding one are shown
    assert data["q"] == ("bicycle " + "x" * 10_000)[:500]
    assert data["any_word"] and data["total"] == len(data["hits"]) > 0


def test_api_ignores_unknown_parameters(client):
    assert client.get("/en/api/search/?utm_source=mail").status_code == 200


def test_api_page_past_the_end_is_empty(client):
    data = client.get("/en/api/search/?page=99").json()

    assert data["hits"] == []
    assert data["total"] == 9


def test_api_refuses_post(client):
    assert client.post("/en/api/search/").status_code == 405


@pytest.fixture
def members_rule():
    """Stand in for the network's rule of who reads members-only content (registered from its
    `ready()`): the accounts named here, and nobody else."""
    from search import registry

    registered = list(registry._members_reader)
    readers: set[int] = set()
    registry.register_members_reader(lambda user: user.pk in readers)
    yield readers
    registry._members_reader[:] = registered


def test_api_shows_members_only_documents_to_those_the_members_rule_accepts(
    client, django_user_model, members_rule
):
    member = django_user_model.objects.create_user("member", password="secret-123")
    applicant = django_user_model.objects.create_user("applicant", password="secret-123")
    members_rule.add(member.pk)

    client.force_login(applicant)  # signed in, but not a member the rule accepts
    assert client.get("/en/api/search/?q=grants").json()["total"] == 0
    client.force_login(member)
    assert client.get("/en/api/search/?q=grants").json()["total"] == 1


def test_without_a_members_rule_nobody_finds_members_only_documents(
    client, django_user_model, members_rule
):
    from search import registry

    registry._members_reader.clear()
    client.force_login(django_user_model.objects.create_superuser("root", password="x-123"))

    assert client.get("/en/api/search/?q=grants").json()["total"] == 0


def test_api_hides_members_only_documents_from_visitors(client):
    assert client.get("/en/api/search/?q=grants").json()["total"] == 0


# -- page --------------------------------------------------------------------------------------


def test_page_context_has_results_and_facets_with_toggle_urls(client):
    response = client.get("/en/search/?q=experiment&country=ee")

    assert response.status_code == 200
    context = response.context
    assert context["error"] is None
    assert context["query"].text == "experiment"
    assert context["results"].total == 1
    assert context["form"]["q"].value() == "experiment"
    countries = next(f for f in context["facets"] if f["name"] == "country")
    assert countries["param"] == "country"
    values = {v["value"]: v for v in countries["values"]}
    assert values["ee"]["selected"]
    # Removing the selected value keeps the text; adding another keeps both.
    assert params(values["ee"]["toggle_url"]) == {"q": ["experiment"]}
    assert params(values["se"]["toggle_url"]) == {"q": ["experiment"], "country": ["ee", "se"]}


def test_toggle_urls_reset_the_page(client):
    response = client.get("/en/search/?page=2&sort=title")

    value = response.context["facets"][0]["values"][0]
    assert params(value["toggle_url"]) == {"kind": [value["value"]], "sort": ["title"]}


def test_page_lists_active_filters_with_remove_urls(client):
    response = client.get("/en/search/?q=lanes&country=fi&theme=transport")

    filters = response.context["active_filters"]
    assert [(f["facet_label"], f["label"]) for f in filters] == [
        ("Country", filters[0]["label"]),
        ("Theme", filters[1]["label"]),
    ]
    assert params(filters[0]["remove_url"]) == {"q": ["lanes"], "theme": ["transport"]}
    assert params(response.context["clear_url"]) == {"q": ["lanes"]}


def test_page_sort_options_keep_the_search_and_mark_the_current_one(client):
    response = client.get("/en/search/?q=experiment&sort=oldest")

    options = {o["value"]: o for o in response.context["sort_options"]}
    assert options["oldest"]["selected"]
    assert not options["newest"]["selected"]
    assert params(options["title"]["url"]) == {"q": ["experiment"], "sort": ["title"]}
    assert params(options["relevance"]["url"]) == {"q": ["experiment"]}


def test_page_pagination_links_on_a_single_page(client):
    page = client.get("/en/search/").context["pagination"]
    assert page == {"page": 1, "page_count": 1, "previous_url": None, "next_url": None}


def test_page_pagination_links_on_the_last_page(client, monkeypatch):
    from search import forms

    original = forms.SearchForm.to_query
    monkeypatch.setattr(
        forms.SearchForm, "to_query", lambda self, **base: original(self, page_size=3, **base)
    )

    pagination = client.get("/en/search/?q=&page=2&country=fi&country=br").context["pagination"]

    assert pagination["page"] == 2
    assert pagination["page_count"] == 2
    assert params(pagination["previous_url"]) == {"country": ["fi", "br"]}
    assert pagination["next_url"] is None


def test_page_hits_carry_document_highlights_and_kind_label(client):
    hit = client.get("/en/search/?q=bicycle").context["hits"][0]

    assert hit["document"].id == "case:1"
    assert hit["highlights"]["title"] == "<mark>Bicycle</mark> lanes for Helsinki"
    assert hit["kind_label"] == "Case study"


def test_page_with_bad_parameters_answers_400_with_the_error(client):
    response = client.get("/en/search/?q=bicycle&page=0")

    assert response.status_code == 400
    assert "page" in response.context["error"]
    assert response.context["results"] is None
    assert response.context["query"] is None
    assert response.context["facets"] == []
    assert response.context["pagination"] is None


def test_page_without_parameters_lists_everything_newest_first(client):
    response = client.get("/en/search/")

    assert response.status_code == 200
    assert response.context["hits"][0]["document"].id == "workshop:1"


def test_search_page_query_count_is_bounded(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = client.get("/en/search/?q=experiment&country=ee&theme=digital&sort=relevance")

    assert response.status_code == 200


def test_query_count_does_not_grow_with_the_number_of_results(client, indexed):
    url = "/en/search/?q=experiment&country=ee"
    client.get(url)  # site-wide context processors create their settings rows once
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    indexed.index(
        replace(doc, id=f"{doc.kind}:{copy}{doc.id.partition(':')[2]}")
        for doc in CONTRACT_DOCUMENTS
        for copy in range(1, 6)
    )

    with CaptureQueriesContext(connection) as more:
        response = client.get(url)

    assert response.context["results"].total == 6
    assert len(more) == len(few)
