"""The site in Finnish, in a browser that asks for Finnish: a visitor lands on /fi/, searches,
registers for a workshop and votes in a participatory budget, every page in Finnish and without
an accessibility violation. Swedish and the switcher: the same page one click away."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext, pgettext

import pytest
from axe_playwright_python.sync_playwright import Axe

from budgeting.factories import ProcessFactory, ProjectFactory
from budgeting.factories import UserFactory as ResidentFactory
from budgeting.processes.models import Phase
from budgeting.processes.services import process_phase_set
from cases.factories import CaseIndexPageFactory, CasePageFactory
from network.factories import CountryFactory, MemberFactory, UserFactory
from search.outbox import outbox_drain
from stories.workshops.factories import workshop_tree
from tests.browser.pb_steps import assert_clean, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finnish(message: str, context: str = "") -> str:
    """The Finnish of an interface message; it must have one (not the English fallback)."""
    with translation.override("fi"):
        text = pgettext(context, message) if context else gettext(message)
    assert text != message or message in {"Kokeilu"}, f"no Finnish for {message!r}"
    return text


@pytest.fixture
def finnish_page(browser, page_log):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="fi-FI",
        extra_http_headers={"Accept-Language": "fi-FI,fi;q=0.9"},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    yield page
    context.close()


def test_a_finnish_visitor_searches_registers_for_a_workshop_and_votes(
    live_server, home_page, finnish_page, page_log, screenshot
):
    page = finnish_page
    cases = CaseIndexPageFactory(parent=home_page)
    CasePageFactory(parent=cases, title="Kokeilu kirjastojen aukioloajoista")
    while outbox_drain().completed:
        pass
    workshop = workshop_tree(home_page, title="Mokailta", capacity=10)
    finland = CountryFactory(key="fi", name="Finland")
    aino = MemberFactory(
        user=UserFactory(username="aino"), display_name="Aino Virtanen", country=finland
    )
    organiser = UserFactory(username="organiser")
    citizen = ResidentFactory(username="citizen")  # resident of the process's town
    process = ProcessFactory(
        title="Puistobudjetti", slug="puistot", phase=Phase.PROPOSALS, budget_amount=Decimal(50000)
    )
    process.organisers.add(organiser)
    for title, cost in (("Varjopuut", 12000), ("Skeittiramppi", 30000)):
        ProjectFactory(process=process, title=title, estimated_cost=Decimal(cost), feasible=True)
    process_phase_set(process=process, phase=Phase.VOTING, user=organiser)

    # the first visit follows the browser: Finnish
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fi"
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == live_server.url + "/fi/"
    axe_check_on(page)

    # a search from the home page's own search box
    box = page.locator("form[role=search] input[name=q]").first
    box.fill("kirjastojen")
    box.press("Enter")
    page.wait_for_url("**/fi/search/?q=kirjastojen*")
    assert page.get_by_role("link", name="Kokeilu kirjastojen aukioloajoista").is_visible()
    axe_check_on(page)
    screenshot("fi-search")

    # the switcher leads to the same search in Swedish, the query kept
    page.get_by_role("navigation", name=finnish("Language")).get_by_role(
        "link", name="Svenska"
    ).click()
    page.wait_for_url("**/sv/search/?q=kirjastojen*")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.go_back()

    # a member registers for the workshop
    sign_in(page, live_server, aino.user)
    page.goto(live_server.url + "/fi" + workshop.url[len("/en") :])
    page.get_by_role("button", name=finnish("Register"), exact=True).click()
    page.wait_for_load_state("load")
    assert (
        finnish("You have a place at this workshop.") in page.locator("#registration").inner_text()
    )
    axe_check_on(page)
    screenshot("fi-workshop")

    # a resident votes in the budget; money as Finnish writes it
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/fi/pb/{process.slug}/vote/")
    page.get_by_label("Varjopuut").check()
    counter = page.locator("[data-pb-counter]").inner_text()
    assert "12\u00a0000\u00a0€" in counter and "50\u00a0000\u00a0€" in counter
    axe_check_on(page)
    page.get_by_role("button", name=finnish("Cast my vote")).click()
    page.wait_for_url("**/fi/pb/puistot/vote/done/")
    assert page.locator("h1").inner_text() == finnish("Your vote was recorded")
    axe_check_on(page)
    assert_clean(page, page_log)
    screenshot("fi-vote-done")


def axe_check_on(page) -> None:
    """axe on `page` (the fixture's page is the English one; this journey has its own)."""
    results = Axe().run(page)
    assert not results.response["violations"], results.generate_report()
