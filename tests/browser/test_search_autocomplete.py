"""Search suggestions in a real browser: the combobox in the header and on the search page, by
keyboard and by mouse, and the plain search form when JavaScript is off."""

import pytest

from search.engines.database import DatabaseEngine
from tests.search_contract.documents import CONTRACT_DOCUMENTS

pytestmark = pytest.mark.browser


@pytest.fixture
def indexed(standard_page):
    """The database engine holds the contract documents ("exp" starts three public titles);
    /about/ is a page with the header's search box."""
    engine = DatabaseEngine()
    engine.rebuild(CONTRACT_DOCUMENTS)
    yield engine
    engine.clear()


def option_titles(page) -> list[str]:
    return page.locator(
        "#site-search-q-suggestions [role=option] .autocomplete__title"
    ).all_inner_texts()


def test_header_suggestions_chosen_by_keyboard(
    live_server, indexed, page, page_log, axe_check, screenshot
):
    page.goto(live_server.url + "/en/about/")
    box = page.get_by_role("combobox", name="Search the portal")
    assert box.get_attribute("aria-expanded") == "false"

    box.press_sequentially("exp", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    listbox.wait_for(state="visible")

    titles = option_titles(page)
    assert "Experiment design canvas" in titles
    assert "Digital identity experiment" in titles
    assert "What we learned from a failed pilot" not in titles
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == "site-search-q-suggestions"
    status = page.locator(".site-search [role=status]")
    announced = f"{len(titles)} suggestions. Use the up and down arrow keys to review them"
    assert status.inner_text() == announced + ", Enter to open one."
    axe_check()
    screenshot("search-autocomplete-header-1280")

    # Down twice: the second suggestion is active, the focus stays in the box.
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = page.locator("#site-search-q-suggestions [role=option]").nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    chosen = titles[1]
    url = next(doc.url for doc in CONTRACT_DOCUMENTS if doc.title == chosen)

    # Up from the first wraps to the last; Escape closes the list and keeps the text.
    box.press("ArrowUp")
    box.press("ArrowUp")
    last = page.locator("#site-search-q-suggestions [role=option]").last
    assert last.get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert not listbox.is_visible()
    assert box.input_value() == "exp"
    assert box.get_attribute("aria-activedescendant") is None

    # Down opens the list again; Enter opens the page of the active suggestion.
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"**{url}")
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def test_enter_without_a_choice_searches_the_typed_text(live_server, indexed, page, page_log):
    page.goto(live_server.url + "/en/about/")
    box = page.get_by_role("combobox", name="Search the portal")
    box.press_sequentially("bicycle", delay=30)
    page.get_by_role("listbox", name="Suggestions").wait_for(state="visible")
    box.press("Enter")
    page.wait_for_url("**/search/?q=bicycle")
    assert "2 results for “bicycle”" in page.locator(".search-summary").inner_text()
    assert page_log.page_errors == []


def test_search_page_suggestion_chosen_by_mouse(live_server, indexed, page, page_log, axe_check):
    page.goto(live_server.url + "/en/search/?q=")
    box = page.get_by_role("combobox", name="Search cases, tools, stories and people")
    box.press_sequentially("bicy", delay=30)
    option = page.get_by_role("option", name="Bicycle lanes for Helsinki")
    option.wait_for(state="visible")
    assert page.locator(".search-form [role=status]").inner_text().startswith("1 suggestion.")
    axe_check()

    option.click()
    page.wait_for_url("**/cases/bicycle-lanes/")
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def test_no_suggestion_is_announced_and_nothing_listed(live_server, indexed, page, page_log):
    page.goto(live_server.url + "/en/about/")
    box = page.get_by_role("combobox", name="Search the portal")
    box.press_sequentially("zzzq", delay=30)
    status = page.locator(".site-search [role=status]")
    status.filter(has_text="No suggestions.").wait_for(state="attached")
    assert box.get_attribute("aria-expanded") == "false"
    assert option_titles(page) == []


def test_search_box_works_without_javascript(live_server, indexed, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/about/")
        box = page.get_by_role("searchbox", name="Search the portal")
        assert box.get_attribute("role") is None
        box.fill("experiment")
        box.press("Enter")
        page.wait_for_url("**/search/?q=experiment")
        assert "3 results for “experiment”" in page.locator(".search-summary").inner_text()
    finally:
        context.close()
