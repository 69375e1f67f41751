from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from cases.factories import (
    CaseIndexPageFactory,
    CasePageFactory,
    CountryFactory,
    MethodFactory,
    StageFactory,
    ThemeFactory,
)
from cases.models import CASES_PER_PAGE, CasePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return CaseIndexPageFactory(parent=home)


def test_case_page_shows_its_facts_and_credits_its_source(client, index):
    case = CasePageFactory(
        parent=index,
        title="Citizens' budget of Tampere",
        summary="Residents decided how to spend a part of the city budget.",
        year_launched=2019,
        countries=[CountryFactory(key="fi", name="Finland")],
        themes=[ThemeFactory(key="economic-affairs", name="Economic affairs")],
        methods=[MethodFactory(key="participatory-budgeting", name="Participatory budgeting")],
        stages=[StageFactory(key="implementing", name="Implementing")],
        source_name="Participedia",
        source_url="https://participedia.net/case/1",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
    )

    response = client.get(case.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Citizens&#x27; budget of Tampere</h1>" in html
    assert "Residents decided how to spend a part of the city budget." in html
    for fact in ("Finland", "2019", "Economic affairs", "Participatory budgeting", "Implementing"):
        assert fact in html
    assert "What we tried" in html  # the body
    assert 'class="credit"' in html
    assert 'href="https://participedia.net/case/1"' in html
    assert 'rel="license">CC BY-SA 4.0</a>' in html


def test_case_page_without_source_shows_no_credit(client, index):
    case = CasePageFactory(parent=index)

    response = client.get(case.url)

    assert response.status_code == 200
    assert 'class="credit"' not in response.content.decode()


def test_case_library_lists_live_cases_newest_first(client, index):
    older = CasePageFactory(parent=index, title="Older case")
    newer = CasePageFactory(parent=index, title="Newer case")
    draft = CasePageFactory(parent=index, title="Draft case", live=False)
    CasePage.objects.filter(pk=older.pk).update(first_published_at="2020-01-01T00:00Z")
    CasePage.objects.filter(pk=newer.pk).update(first_published_at="2024-01-01T00:00Z")

    response = client.get(index.url)

    html = response.content.decode()
    assert html.index("Newer case") < html.index("Older case")
    assert draft.title not in html


def test_case_library_hides_restricted_cases(client, index):
    restricted = CasePageFactory(parent=index, title="Members-only case")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")

    response = client.get(index.url)

    assert "Members-only case" not in response.content.decode()


def test_case_library_paginates(client, index):
    for _ in range(CASES_PER_PAGE + 1):
        CasePageFactory(parent=index)

    first = client.get(index.url)
    second = client.get(index.url, {"page": 2})

    assert len(first.context["cases"]) == CASES_PER_PAGE
    assert len(second.context["cases"]) == 1
    assert 'aria-label="Pagination"' in first.content.decode()


def _listing_queries(client, url) -> int:
    client.get(url)  # warm caches (site root paths) so only the listing's own queries count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_case_library_query_count_does_not_grow_with_cases(
    client, index, django_assert_max_num_queries
):
    countries = [CountryFactory(key=key, name=key.upper()) for key in ("fi", "ee", "pt")]
    themes = [ThemeFactory(key="health", name="Health")]
    CasePageFactory(parent=index, countries=countries, themes=themes)
    few = _listing_queries(client, index.url)

    for _ in range(CASES_PER_PAGE + 5):
        CasePageFactory(parent=index, countries=countries, themes=themes)
    many = _listing_queries(client, index.url)

    assert many == few
    with django_assert_max_num_queries(20):
        client.get(index.url)


def test_editors_can_open_a_case_in_the_page_editor(client, index, django_user_model):
    case = CasePageFactory(parent=index, countries=[CountryFactory(key="fi", name="Finland")])
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.org", "x"))

    assert client.get(f"/admin/pages/{case.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/cases/casepage/{index.pk}/").status_code == 200
