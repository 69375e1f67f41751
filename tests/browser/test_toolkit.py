"""The toolkit in a real browser: the navigator by keyboard and mouse, sharing its URL,
browsing with facets, and the accessibility check on every toolkit page."""

import re

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


# -- landing on the results (issue 17) --------------------------------------------------------

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def heading_in_view_and_focused(page) -> None:
    """The results heading is the focused element and lies wholly inside the viewport (once
    a smooth scroll, where motion is not reduced, has ended)."""
    page.wait_for_function(
        """() => {
            const heading = document.getElementById("results");
            const box = heading && heading.getBoundingClientRect();
            return box && box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        timeout=3000,
    )
    assert page.evaluate("document.activeElement && document.activeElement.id") == "results"
    box = page.locator("#results").bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_navigator_lands_on_focused_results_with_titles_first(
    live_server, toolkit, page, page_log, axe_check, screenshot, width
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(live_server.url + toolkit.url + "navigator/")
    axe_check()

    page.get_by_role("radio", name="Prototyping").check()
    page.get_by_role("button", name="Recommend resources").click()
    page.wait_for_url("**purpose=prototyping**#results")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results'")

    heading_in_view_and_focused(page)
    assert page.locator("#results").inner_text() == "Recommended for you"
    # each card reads title first, then why it fits
    # each card reads title first, then why it fits (measured together: the page may still
    # be scrolling smoothly)
    title_bottom, why_top = page.evaluate(
        """() => {
            const card = document.querySelector(".navigator-list .card");
            return [
                card.querySelector(".card__title").getBoundingClientRect().bottom,
                card.querySelector(".toolkit-reason").getBoundingClientRect().top,
            ];
        }"""
    )
    assert title_bottom <= why_top
    # the next Tab stop is the first recommendation
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Paper prototyping"
    axe_check()
    assert_clean(page, page_log)
    screenshot(f"toolkit-navigator-results-{width}")


@pytest.fixture
def toolkit_of_years(toolkit):
    """Twelve more resources, one a year from 2010: a year facet long enough to fold."""
    from search.outbox import outbox_drain
    from toolkit.factories import ResourcePageFactory

    for year in range(2010, 2022):
        ResourcePageFactory(parent=toolkit, title=f"Method of {year}", year=year)
    while outbox_drain().completed:
        pass
    return toolkit


def year_links(page):
    return page.locator(".facet--year .facet__value")


def visible_years(page) -> list[str]:
    return [
        link.locator(".facet__label").inner_text()
        for link in year_links(page).all()
        if link.is_visible()
    ]


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_long_facet_shows_all_on_demand_filters_as_you_type_and_takes_a_year_range(
    live_server, toolkit_of_years, page, page_log, axe_check, screenshot, width
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto(live_server.url + toolkit_of_years.url)
    if width == "phone":  # the filters fold behind their summary on small screens
        page.locator(".facets__summary").click()
    axe_check()

    # the eight latest years show; the other four wait behind "Show all 12"
    assert visible_years(page) == [str(year) for year in range(2021, 2013, -1)]
    facet = page.locator(".facet--year")
    facet.get_by_text("Show all 12").click()
    assert len(visible_years(page)) == 12
    facet.get_by_text("Show fewer").click()
    assert len(visible_years(page)) == 8

    # the filter box narrows both lists, the folded one included, and restores the fold
    box = facet.get_by_role("searchbox", name="Find a value (Year)")
    box.fill("201")
    assert visible_years(page) == [str(year) for year in range(2019, 2009, -1)]
    box.fill("2011")
    assert visible_years(page) == ["2011"]
    assert facet.locator("[data-facet-filter-status]").inner_text() == "1 of 12 values shown"
    box.fill("1999")
    assert visible_years(page) == []
    assert facet.get_by_text("No value matches.").is_visible()
    box.fill("")
    assert len(visible_years(page)) == 8
    axe_check()

    # a year range: the listing reloads at its results, focused
    facet.get_by_label("From year").fill("2012")
    facet.get_by_label("To year").fill("2014")
    facet.get_by_role("button", name="Apply years").click()
    page.wait_for_url("**year_from=2012&year_to=2014**#results")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results'")
    heading_in_view_and_focused(page)
    assert page.locator("#results").inner_text() == "3 resources"
    assert page.get_by_role("link", name=re.compile("Year: 2012–2014")).is_visible()
    axe_check()
    assert_clean(page, page_log)
    screenshot(f"toolkit-year-range-{width}")


def test_skip_to_results_reaches_the_first_result_in_a_few_tab_stops(
    live_server, toolkit, page, page_log, axe_check
):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + toolkit.url)
    axe_check()

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    assert skip.is_visible()  # shown while focused
    page.keyboard.press("Enter")
    heading_in_view_and_focused(page)
    # past the heading: the sort options, then the first result
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Paper prototyping":
            break
    assert page.evaluate("document.activeElement.textContent") == "Paper prototyping"
    assert_clean(page, page_log)
