"""The toolkit in a real browser: the navigator by keyboard and mouse, sharing its URL,
browsing with facets, and the accessibility check on every toolkit page."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def toolkit(home_page):
    from search.outbox import outbox_drain
    from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory

    index = ToolkitIndexPageFactory(parent=home_page)
    ResourcePageFactory(
        parent=index,
        title="Paper prototyping",
        summary="Sketch the service on paper and try it with people.",
        purposes=["prototyping"],
        skill_levels=["beginner"],
        time_needed="under-1-hour",
        cost="free",
        licence="Public domain (CC0 1.0)",
    )
    ResourcePageFactory(
        parent=index,
        title="Randomised trial",
        purposes=["testing", "evaluation"],
        skill_levels=["advanced"],
        time_needed="weeks",
        cost="paid",
    )
    while outbox_drain().completed:
        pass
    return index


def assert_clean(page, page_log):
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def test_navigator_by_keyboard_then_shared_url(
    live_server, toolkit, page, page_log, axe_check, screenshot, browser
):
    url = live_server.url + toolkit.url + "navigator/"
    page.goto(url)
    axe_check()

    # keyboard: focus the goal question, arrow to "Prototyping", then submit with Enter
    page.get_by_role("radio", name="Insight finding").focus()
    page.get_by_role("radio", name="Prototyping").check()  # the mouse, for one answer
    page.get_by_role("radio", name="Beginner").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Recommend resources").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**purpose=prototyping**")

    first = page.locator(".navigator-list .card").first
    assert "Paper prototyping" in first.inner_text()
    assert "Good for prototyping, beginner level" in first.inner_text()
    axe_check()
    assert_clean(page, page_log)
    screenshot("toolkit-navigator")

    # the address holds the answers: a second visitor sees the same recommendation
    shared = page.url
    other = browser.new_context().new_page()
    other.goto(shared)
    assert other.get_by_role("radio", name="Prototyping").is_checked()
    assert "Paper prototyping" in other.locator("ol.navigator-list").inner_text()
    other.context.close()


def test_browse_with_facets_and_open_a_resource(
    live_server, toolkit, page, page_log, axe_check, screenshot
):
    page.goto(live_server.url + toolkit.url)
    assert "2 resources" in page.locator(".search-summary").inner_text()
    axe_check()

    page.locator(".facet--cost").get_by_role("link", name="Free").click()
    page.wait_for_url("**cost=free**")
    assert "1 resource" in page.locator(".search-summary").inner_text()
    assert page.locator(".card").count() == 1
    axe_check()
    assert_clean(page, page_log)
    screenshot("toolkit-listing")

    page.get_by_role("link", name="Paper prototyping").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Paper prototyping"
    axe_check()
    assert_clean(page, page_log)
