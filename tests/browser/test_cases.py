"""The case library in a real browser: filter, pick cases to compare, see the comparison;
axe finds no accessibility violation on the library, a case page, compare and the codebook."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.urls("cases.tests.urls")]


@pytest.fixture
def library(home_page):
    from cases.factories import (
        CaseIndexPageFactory,
        CaseLineageFactory,
        CasePageFactory,
        CountryFactory,
        ExperimentCaseFactory,
        SuccessCriterionFactory,
        ThemeFactory,
    )
    from cases.search import case_queryset, case_to_document
    from search.engines import get_engine

    index = CaseIndexPageFactory(parent=home_page)
    fi = CountryFactory(key="fi", name="Finland")
    ee = CountryFactory(key="ee", name="Estonia")
    health = ThemeFactory(key="health", name="Health")
    first = CasePageFactory(
        parent=index,
        title="Helsinki health kiosks",
        countries=[fi],
        themes=[health],
        status="completed",
        year_launched=2019,
        problem="<p>Long queues at clinics.</p>",
        source_name="Participedia",
        source_url="https://participedia.net/case/1",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
    )
    experiment = ExperimentCaseFactory(
        parent=index,
        title="Tartu reminder letters",
        countries=[ee],
        themes=[health],
        status="completed",
        hypothesis_outcome="not-met",
    )
    SuccessCriterionFactory(page=experiment, outcome="not-met", result="29 %")
    CasePageFactory(parent=index, title="Oulu school meals", countries=[fi], status="ongoing")
    CaseLineageFactory(page=experiment, earlier_case=first)
    get_engine().rebuild(doc for page in case_queryset() if (doc := case_to_document(page)))
    return index


def test_filter_the_library_pick_cases_and_compare_them(
    live_server, library, page, page_log, axe_check
):
    page.goto(live_server.url + library.url)
    axe_check()

    # filter: theme Health, then status Completed (two facets at once)
    page.locator(".facet--theme").get_by_role("link", name="Health").click()
    page.locator(".facet--status").get_by_role("link", name="Completed").click()
    assert page.locator(".search-summary").inner_text().startswith("2 case studies")
    titles = page.locator(".card__title").all_inner_texts()
    assert sorted(titles) == ["Helsinki health kiosks", "Tartu reminder letters"]

    # pick both and compare
    page.get_by_label("Compare “Helsinki health kiosks”").check()
    page.get_by_label("Compare “Tartu reminder letters”").check()
    assert "2 / 3" in page.locator("[data-compare-status]").inner_text()
    page.get_by_role("button", name="Compare selected cases").click()

    page.wait_for_url("**/compare/**")
    headers = page.locator("table.case-compare thead th > a:first-child").all_inner_texts()
    assert sorted(headers) == ["Helsinki health kiosks", "Tartu reminder letters"]
    # a field only the experiment has is listed under it, not as a column of dashes
    only = page.locator(".case-compare__only")
    assert only.get_by_text("Did the hypothesis hold?").count()
    axe_check()
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def test_case_page_and_codebook_are_accessible(live_server, library, page, page_log, axe_check):
    from cases.models import CasePage

    experiment = CasePage.objects.get(title="Tartu reminder letters")
    page.goto(live_server.url + experiment.url)
    assert page.locator("#experiment-heading").inner_text() == "Experiment card"
    assert page.get_by_text("Helsinki health kiosks").count()  # lineage
    axe_check()

    page.goto(live_server.url + library.url + "codebook/")
    assert page.locator("h1").inner_text().startswith("Codebook")
    axe_check()
    assert page_log.csp_errors(page) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_remove_a_case_from_the_comparison_and_jump_through_a_long_case(
    live_server, library, page, page_log, axe_check, screenshot, width
):
    from wagtail.rich_text import RichText

    from cases.models import CasePage

    page.set_viewport_size({"width": width, "height": 900})
    cases = list(CasePage.objects.order_by("title"))
    query = "&".join(f"case={case.pk}" for case in cases)
    page.goto(f"{live_server.url}{library.url}compare/?{query}")
    assert page.locator("table.case-compare thead th").count() == 3
    axe_check()

    page.get_by_role("link", name="Remove “Oulu school meals” from the comparison").click()
    headers = page.locator("table.case-compare thead th > a:first-child").all_inner_texts()
    assert headers == ["Helsinki health kiosks", "Tartu reminder letters"]
    download = page.get_by_role("link", name="Download this comparison (CSV)")
    assert "compare/download/?case=" in download.get_attribute("href")
    screenshot(f"cases-compare-{width}")
    axe_check()

    long_case = CasePage.objects.get(title="Helsinki health kiosks")
    long_case.body = [
        (
            "paragraph",
            RichText(
                "<h2>History</h2><p>Since 2015.</p><h2>Participant selection</h2>"
                "<p>By lot.</p><h2>Outcomes</h2><p>Shorter queues.</p>"
            ),
        )
    ]
    long_case.save_revision().publish()
    page.goto(live_server.url + long_case.url)
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="Participant selection").click()
    page.wait_for_url("**#participant-selection")
    assert page.locator("#participant-selection").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(f"cases-contents-{width}")
    axe_check()
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


@pytest.mark.parametrize("width", [1366, 390])
def test_a_theme_tag_leads_to_the_library_filtered_by_it_with_the_results_in_view(
    live_server, library, page, page_log, axe_check, width
):
    from cases.models import CasePage

    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    tartu = CasePage.objects.get(title="Tartu reminder letters")
    page.goto(live_server.url + tartu.url)
    related = page.get_by_role("region", name="Related cases, tools and stories")
    # the earlier case it builds on, which shares its theme, is related; the unrelated one not
    assert related.get_by_role("link", name="Helsinki health kiosks").is_visible()
    assert related.get_by_role("link", name="Oulu school meals").count() == 0
    axe_check()

    page.get_by_role("link", name="Case studies on Health").click()
    page.wait_for_url("**?theme=health#results")
    heading = page.locator("#results")
    assert heading.evaluate("element => element === document.activeElement")
    box = heading.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"]
    assert "2 case studies" in heading.inner_text()
    axe_check()
