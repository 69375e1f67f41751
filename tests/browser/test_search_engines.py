"""The site with SEARCH_URL pointing at osmem-server in a real browser, through the OpenSearch
engine and through the Elasticsearch engine (whose client asks osmem for plain JSON)."""

import pytest

from search import selectors
from search.engines import get_engine
from tests.search_contract.documents import CONTRACT_DOCUMENTS
from tests.search_contract.osmem import (  # noqa: F401 (fixtures)
    elasticsearch_url,
    osmem_search_url,
    search_osmem,
)

pytestmark = pytest.mark.browser


@pytest.fixture(params=["opensearch", "elasticsearch"])
def site_on_osmem(request, settings, osmem_search_url, home_page, monkeypatch):  # noqa: F811
    """The live server searches osmem, which holds the contract documents."""
    monkeypatch.setattr(selectors, "_outage", selectors._Outage())
    if request.param == "elasticsearch":
        settings.SEARCH_URL = elasticsearch_url(osmem_search_url)
    else:
        settings.SEARCH_URL = osmem_search_url
    get_engine().rebuild(CONTRACT_DOCUMENTS)
    return get_engine()


def test_search_with_a_facet_on_opensearch(
    live_server, site_on_osmem, page, page_log, axe_check, screenshot
):
    page.goto(f"{live_server.url}/search/?q=experiment")
    page.wait_for_load_state("load")

    assert "3 results for “experiment”" in page.locator(".search-summary").inner_text()
    assert page.locator(".notice--warning").count() == 0  # not degraded
    page.locator(".facet--kind .facet__value", has_text="Case studies").click()
    page.wait_for_url("**/search/?q=experiment&kind=case#results")

    assert "1 result for “experiment”" in page.locator(".search-summary").inner_text()
    titles = page.locator(".card-list .card h3").all_inner_texts()
    assert titles == ["Digital identity experiment"]
    assert page.locator(".card mark").first.inner_text().lower() == "experiment"
    # Disjunctive counts: the other kinds stay selectable with their counts.
    assert page.locator(".facet--kind .facet__value").count() == 3
    axe_check()
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []
    screenshot(f"search-{site_on_osmem.name}-facet-1280")


def test_typo_is_forgiven_on_opensearch(live_server, site_on_osmem, page, page_log):
    page.goto(f"{live_server.url}/search/?q=bicylce")
    page.wait_for_load_state("load")

    titles = page.locator(".card-list .card h3").all_inner_texts()
    assert titles[0] == "Bicycle lanes for Helsinki"
    assert page_log.page_errors == []
