"""The site-wide pages render with the shared layout (no browser needed)."""

import datetime

from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

import pytest

from search.documents import SearchDocument
from tests.browser.search_preview import search_context


def test_home_page_renders_an_empty_state_when_nothing_is_published(client, home_page):
    response = client.get("/en/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert "<h1>Kokeilu</h1>" in html
    assert "Public servants learn from each other" in html
    assert "Nothing published yet" in html
    assert 'role="search"' in html
    assert "Courage to experiment" in html  # tagline from the site settings
    assert "mailto:kokeilu@example.org" in html


def test_home_page_lists_counts_latest_documents_and_workshops(rf, home_page):
    document = SearchDocument(
        id="case:1",
        kind="case",
        url="/en/cases/one/",
        title="Citizens' budget in Tampere",
        summary="The city let residents decide.",
        date=datetime.date(2024, 5, 2),
    )
    workshop = SearchDocument(
        id="workshop:1", kind="workshop", url="/w/1/", title="Story workshop, Oulu"
    )
    overview = {
        "counts": [
            {"kind": "case", "label": "Case studies", "count": 1016, "url": "/en/search/?kind=case"}
        ],
        "latest": [
            {
                "kind": "case",
                "label": "Case studies",
                "url": "/en/search/?kind=case",
                "documents": [document],
            }
        ],
        "upcoming_workshops": [workshop],
    }
    request = rf.get("/en/")
    html = render_to_string(
        "portal/home_page.html", {"page": home_page, "overview": overview}, request=request
    )

    assert "1,016" in html
    assert "case studies" in html
    assert 'href="/en/cases/one/"' in html
    assert "Citizens&#x27; budget in Tampere" in html
    assert '<time datetime="2024-05-02">' in html
    assert "Story workshop, Oulu" in html
    assert "Nothing published yet" not in html


def test_standard_page_renders_its_body_blocks_and_breadcrumbs(client, standard_page):
    response = client.get(standard_page.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>About Kokeilu</h1>" in html
    assert '<p class="lede">Who runs the portal and why.</p>' in html
    assert '<h2 id="why-experiment">Why experiment</h2>' in html
    assert "Small <b>experiments</b> make change safer." in html
    assert "<blockquote><p>Slip-ups are allowed.</p></blockquote>" in html
    assert 'href="https://example.org/share"' in html
    assert 'aria-label="Breadcrumb"' in html
    assert 'aria-current="page">About</a>' in html  # header navigation marks the current page
    assert "About this portal" in html  # footer link


def test_missing_page_answers_404_in_the_site_layout(client, home_page):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert '<main id="main"' in html


def test_server_error_template_renders_without_any_context():
    template = engines["django"].get_template("500.html")

    html = template.render()  # no request, no context processors

    assert "Something went wrong" in html
    assert 'href="/static/portal/css/kokeilu.css"' in html
    assert 'lang="en"' in html


@pytest.mark.django_db
def test_server_error_handler_renders_without_touching_the_database(rf, django_assert_num_queries):
    from portal.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/en/"))

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def render_search(context):
    request = RequestFactory().get("/en/search/", {"q": context["query"]})
    return render_to_string("search/search_page.html", context, request=request)


@pytest.mark.django_db
def test_search_page_shows_highlighted_results_facets_and_filters():
    context = search_context(total=1016)
    context["hits"][1]["document"] = context["hits"][1]["document"].__class__(
        id="tool:3", kind="tool", url="/en/toolkit/x/", title="X <script>", summary="A <b>tool</b>."
    )
    html = render_search(context)

    assert '<h2 id="results" class="search-summary" tabindex="-1">' in html
    assert "1,016 results for “budget”" in html
    assert '<a href="/en/cases/budget/">Participatory <mark>budget</mark></a>' in html
    assert "Residents chose projects with a <mark>budget</mark>" in html
    assert (
        "X &lt;script&gt;" in html and "A &lt;b&gt;tool&lt;/b&gt;." in html
    )  # plain stays escaped
    assert '<span class="tag tag--kind">Case study</span>' in html
    assert "<legend>Country</legend>" in html
    assert 'href="/en/search/?q=budget&amp;country=fi&amp;country=se#results"' in html
    assert "(selected, select to remove)" in html
    assert '<input type="hidden" name="country" value="fi">' in html
    assert 'aria-label="Pagination"' in html
    assert 'aria-current="true"' in html  # the sort in force


@pytest.mark.django_db
def test_search_page_without_results_suggests_what_to_try():
    html = render_search(search_context(total=0, query="bugdet"))

    assert "No results for “bugdet”" in html
    assert "checking the spelling" in html
    assert "remove “Finland”" in html
    assert 'href="/en/search/?kind=case"' in html


@pytest.mark.django_db
def test_search_page_says_when_it_answers_from_the_database():
    html = render_search(search_context(degraded=True))

    assert "Search is answering from the database while the search cluster is unavailable" in html


@pytest.mark.django_db
def test_search_page_shows_the_error_message():
    html = render_search(search_context(total=0, error="The query is too long."))

    assert 'role="alert"' in html
    assert "The query is too long." in html
    assert "checking the spelling" not in html
