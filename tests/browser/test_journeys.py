"""What a visitor sees in a real browser: layout, keyboard use, accessibility and the CSP."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.browser.search_preview")]


def open_page(page, page_log, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response


def assert_clean(page, page_log):
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def test_home_page_has_no_accessibility_violations(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    response = open_page(page, page_log, live_server.url + "/en/")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Kokeilu"
    axe_check()
    assert_clean(page, page_log)
    screenshot("home-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("home-375")


def test_home_page_loads_without_csp_violations_or_console_errors(
    live_server, standard_page, page, page_log
):
    open_page(page, page_log, live_server.url + "/en/")

    # the stylesheet and the script were allowed to run
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    assert page_log.console_errors == []
    assert_clean(page, page_log)


def test_tab_focuses_the_skip_link_first_and_enter_moves_focus_to_main(
    live_server, home_page, page, page_log
):
    open_page(page, page_log, live_server.url + "/en/")

    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.innerText]")
    assert focused == ["skip-link", "Skip to main content"]
    assert page.locator(".skip-link").is_visible()

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_visitor_goes_from_home_to_a_standard_page_through_the_main_navigation(
    live_server, standard_page, page, page_log, axe_check, screenshot
):
    open_page(page, page_log, live_server.url + "/en/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="About").click()
    page.wait_for_url(f"**{standard_page.url}")

    assert page.locator("h1").inner_text() == "About Kokeilu"
    current = page.get_by_role("navigation", name="Main").locator("[aria-current=page]")
    assert current.inner_text() == "About"
    assert page.get_by_role("navigation", name="Breadcrumb").is_visible()
    axe_check()
    assert_clean(page, page_log)
    screenshot("standard-1280")


def test_header_search_box_leads_to_the_search_page(live_server, standard_page, page, page_log):
    open_page(page, page_log, live_server.url + standard_page.url)

    search = page.get_by_role("search", name="Site search")
    search.get_by_label("Search the portal").fill("budget")
    search.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=budget")

    assert page.url.endswith("/en/search/?q=budget")


def test_small_screens_fold_the_navigation_behind_a_menu_button(
    live_server, standard_page, page, page_log, axe_check, screenshot
):
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, page_log, live_server.url + "/en/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")

    assert menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    screenshot("home-375-menu-closed")

    menu.click()

    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    axe_check()
    screenshot("home-375-menu-open")
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"


# Standalone targets smaller than 24 x 24 px (WCAG 2.5.8); links inside a sentence or a table
# cell, and a chart's bars (its table holds the same links), are exempt.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, summary')).filter(element => {
  const box = element.getBoundingClientRect();
  if (!box.width || !box.height || element.closest('svg, td, th')) return false;
  const parent = element.parentElement;
  if (getComputedStyle(element).display === 'inline'
      && parent.textContent.trim() !== element.textContent.trim()) return false;
  return box.width < 24 || box.height < 24;
}).map(element => element.outerHTML.slice(0, 120))"""


def test_on_a_phone_the_header_is_compact_and_every_target_can_be_tapped(
    live_server, standard_page, page, page_log, axe_check
):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, page_log, live_server.url + "/en/about/")

    header = page.locator(".site-header").bounding_box()
    # brand and Menu on one line, the search box under them: the page starts in the first
    # seventh of the screen (it took a third before)
    assert header["height"] <= 844 / 6, header
    assert page.get_by_role("search", name="Site search").is_visible()
    assert not page.get_by_role("navigation", name="Your account").is_visible()
    assert page.evaluate(SMALL_TARGETS) == []

    page.get_by_role("button", name="Menu").click()
    account = page.get_by_role("navigation", name="Your account")
    assert account.get_by_role("link", name="Sign in").is_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    axe_check()
    assert_clean(page, page_log)


def test_on_a_wide_screen_the_header_shows_navigation_and_account_at_once(
    live_server, standard_page, page, page_log
):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_page(page, page_log, live_server.url + "/en/about/")

    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.get_by_role("navigation", name="Your account").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()


def test_without_javascript_the_navigation_is_always_there(browser, live_server, standard_page):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/en/")
        assert page.get_by_role("navigation", name="Main").is_visible()
        assert not page.locator(".nav-toggle").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("scenario", ["results", "empty", "degraded", "error"])
def test_search_page_has_no_accessibility_violations(
    live_server, home_page, page, page_log, axe_check, screenshot, scenario
):
    response = open_page(page, page_log, f"{live_server.url}/__preview__/search/{scenario}/")

    assert response.status == 200
    assert page.get_by_role("status").first.is_visible()
    axe_check()
    assert_clean(page, page_log)
    screenshot(f"search-{scenario}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(f"search-{scenario}-375")


def test_visitor_goes_from_home_through_the_navigation_to_search(
    live_server, standard_page, page, page_log, axe_check, screenshot
):
    open_page(page, page_log, live_server.url + "/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="About").click()
    page.wait_for_url(f"**{standard_page.url}")

    page.get_by_role("search", name="Site search").get_by_label("Search the portal").fill("budget")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=budget")

    # the search view itself answers (an empty index: the empty state)
    assert page.locator("h1").inner_text() == "Search"
    assert page.get_by_label("Search cases, tools, stories and people").input_value() == "budget"
    assert "budget" in page.locator(".search-summary").inner_text()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.locator("[aria-current=page]").inner_text() == "Search"
    axe_check()
    assert_clean(page, page_log)
    screenshot("search-real-view-1280")


def test_search_results_announce_the_count_and_link_facets(live_server, home_page, page, page_log):
    open_page(page, page_log, f"{live_server.url}/__preview__/search/results/")

    assert "1,016 results for “budget”" in page.locator(".search-summary").inner_text()
    finland = page.get_by_role("link", name="Finland (selected, select to remove) 12 results")
    assert finland.get_attribute("href") == "/en/search/?q=budget#results"  # lands on the results
    assert page.locator(".card mark").first.inner_text() == "budget"


def test_small_screens_show_results_before_the_folded_filters(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, page_log, f"{live_server.url}/__preview__/search/results/")
    finland = page.locator(".facet__value", has_text="Finland")

    assert not finland.is_visible()
    screenshot("search-results-375-folded")

    page.get_by_text("Show filters (1 selected)").click()

    assert finland.is_visible()
    axe_check()


def test_editors_userbar_passes_the_csp_and_axe(
    live_server, home_page, page, page_log, axe_check, settings, django_user_model
):
    # the userbar loads its scripts from WAGTAILADMIN_BASE_URL: the site's own origin
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    page_log.console_errors.clear()  # the admin has its own, looser policy

    open_page(page, page_log, live_server.url + "/en/")
    page.locator("wagtail-userbar").wait_for(state="attached")

    axe_check()
    assert_clean(page, page_log)


def test_not_found_page_uses_the_site_layout(live_server, home_page, page, page_log, axe_check):
    response = open_page(page, page_log, live_server.url + "/en/no-such-page/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    axe_check()
    assert_clean(page, page_log)


def test_visitor_searches_from_home_and_opens_a_case_study(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    from cases.factories import CaseIndexPageFactory, CasePageFactory
    from search.outbox import outbox_drain

    index = CaseIndexPageFactory(parent=home_page)
    case = CasePageFactory(
        parent=index,
        title="Participatory budgeting in Tampere",
        summary="Residents decided how to spend part of the city budget.",
    )
    CasePageFactory(parent=index, title="Street lights", summary="Lighting on demand.")
    while outbox_drain().completed:  # stops when a drain moves nothing more
        pass

    open_page(page, page_log, live_server.url + "/en/")
    page.get_by_label("Search cases, tools and stories").fill("budgeting")
    page.get_by_label("Search cases, tools and stories").press("Enter")
    page.wait_for_url("**/search/?q=budgeting")

    assert "1 result for “budgeting”" in page.locator(".search-summary").inner_text()
    assert page.locator(".card mark").count() >= 1
    axe_check()
    assert_clean(page, page_log)
    screenshot("search-real-results-1280")

    page.get_by_role("link", name="Participatory budgeting in Tampere").click()
    page.wait_for_url(f"**{case.url}")

    assert page.locator("h1").inner_text() == "Participatory budgeting in Tampere"
