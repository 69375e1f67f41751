"""What the search page says about the words it searched: some of them only, a long text cut
short, a search stopped at its time limit."""

from django.urls import reverse

import pytest

from search.documents import SearchDocument
from search.engines import get_database_engine
from search.engines.base import SearchTooSlow
from search.engines.database import DatabaseEngine

pytestmark = pytest.mark.django_db

DOCUMENTS = [
    SearchDocument(id="case:1", kind="case", url="/en/cases/a/", title="Bicycle lanes in Oulu"),
    SearchDocument(id="case:2", kind="case", url="/en/cases/b/", title="Library opening hours"),
]


@pytest.fixture
def indexed():
    engine = get_database_engine()
    engine.rebuild(DOCUMENTS)
    yield
    engine.clear()


def page(client, **params):
    return client.get(reverse("search:page"), params)


def test_words_no_document_holds_together_find_documents_holding_some(client, indexed):
    response = page(client, q="bicycle library")

    html = response.content.decode()
    assert "No result holds all of your words" in html
    assert "lanes in Oulu" in html and "opening hours" in html
    # the API says so too
    answer = client.get(reverse("search:api"), {"q": "bicycle library"}).json()
    assert answer["any_word"] and answer["total"] == 2


def test_one_word_that_matches_nothing_stays_an_empty_search(client, indexed):
    html = page(client, q="zzzyx").content.decode()

    assert "No results for" in html
    assert "No result holds all of your words" not in html


def test_a_long_text_is_searched_by_its_first_words_and_says_so(client, indexed):
    response = page(client, q="bicycle " + " ".join(f"word{n}" for n in range(60)))

    assert response.status_code == 200
    assert "only its first 32 words were used" in response.content.decode()


def test_a_search_past_its_time_limit_says_so_instead_of_failing(client, indexed, monkeypatch):
    # the limit itself is search/tests/test_time_limit.py; here, a search that passes it
    def too_slow(engine, query):
        raise SearchTooSlow(5)

    monkeypatch.setattr(DatabaseEngine, "_search", too_slow)

    response = page(client, q="bicycle")

    assert response.status_code == 200
    assert "This search took too long and was stopped" in response.content.decode()
    assert client.get(reverse("search:api"), {"q": "bicycle"}).json()["too_slow"] is True
