"""A participatory budget in a real browser: propose, review, vote with the keyboard, results."""

from decimal import Decimal

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes.models import Phase
from budgeting.voting.models import Ballot
from tests.browser.pb_steps import assert_clean, sign_in

pytestmark = pytest.mark.browser


def test_citizen_proposes_votes_with_the_keyboard_and_sees_the_results(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    organiser = UserFactory(username="organiser")
    citizen = UserFactory(username="citizen")
    process = ProcessFactory(
        title="Riverside budget",
        slug="riverside",
        phase=Phase.PROPOSALS,
        budget_amount=Decimal(50000),
    )
    process.organisers.add(organiser)
    ProjectFactory(
        process=process, title="Skate ramp", estimated_cost=Decimal(30000), feasible=True
    )
    base = live_server.url + "/en/pb/riverside/"

    # the citizen proposes
    sign_in(page, live_server, citizen)
    page.goto(base)
    form = page.locator("form.pb-proposal-form")
    form.get_by_label("Title").fill("Shade trees")
    form.get_by_label("Description").fill("Plant twenty trees along the river path.")
    form.get_by_label("Estimated cost (EUR)").fill("12000")
    axe_check()
    screenshot("pb-proposal-form")
    form.get_by_role("button", name="Send the proposal").click()
    page.wait_for_url("**/pb/riverside/projects/*/")
    assert "You are its champion" in page.locator(".messages [role=status]").first.inner_text()

    # the organiser marks it feasible and opens the vote
    sign_in(page, live_server, organiser)
    page.goto(base + "manage/")
    review = page.locator("article.pb-review", has_text="Shade trees")
    review.get_by_label("Feasible: put it on the ballot").check()
    review.get_by_label("Public reason").fill("The parks department can plant them in spring.")
    review.get_by_role("button", name="Save the review of “Shade trees”").click()
    page.wait_for_load_state("load")
    page.get_by_label("Move the process to").select_option("voting")
    page.get_by_role("button", name="Change the phase").click()
    page.wait_for_load_state("load")
    assert "The process is now in the phase “Voting”" in page.content()

    # the citizen votes with the keyboard; the counter is announced
    sign_in(page, live_server, citizen)
    page.goto(base + "vote/")
    counter = page.locator("[data-pb-counter]")
    assert counter.get_attribute("role") == "status"
    assert "Projects chosen: 0" in counter.inner_text()
    page.get_by_label("Shade trees").focus()
    page.keyboard.press("Space")
    assert "Projects chosen: 1." in counter.inner_text()
    assert "Cost: €12,000 of €50,000" in counter.inner_text()
    page.keyboard.press("Tab")  # the "More about" link
    page.keyboard.press("Tab")  # the next project
    page.keyboard.press("Space")
    assert "Projects chosen: 2." in counter.inner_text()
    axe_check()
    screenshot("pb-ballot")
    page.get_by_role("button", name="Cast my vote").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/vote/done/")
    assert page.locator("h1").inner_text() == "Your vote was recorded"
    receipt = Ballot.objects.get(voter=citizen).receipt
    assert page.locator(".pb-receipt").inner_text().replace("-", "") == receipt
    assert_clean(page, page_log)

    # the organiser publishes the results
    sign_in(page, live_server, organiser)
    page.goto(base + "manage/")
    page.get_by_label("Move the process to").select_option("results")
    page.get_by_role("button", name="Change the phase").click()
    page.wait_for_load_state("load")

    # the citizen sees them
    sign_in(page, live_server, citizen)
    page.goto(base + "results/")
    winners = page.locator("ol.pb-winners")
    assert "Shade trees" in winners.inner_text() and "Skate ramp" in winners.inner_text()
    assert page.get_by_role("img", name="Votes per project").is_visible()
    axe_check()
    assert_clean(page, page_log)
    screenshot("pb-results")


def test_ballot_without_javascript_is_checked_on_the_server(browser, live_server, home_page):
    organiser, citizen = UserFactory(username="organiser"), UserFactory(username="citizen")
    process = ProcessFactory(slug="nojs", phase=Phase.PROPOSALS, budget_amount=Decimal(30000))
    process.organisers.add(organiser)
    process.ballot_type = "knapsack"
    process.save()
    for title, cost in (("Ramp", 20000), ("Trees", 15000)):
        ProjectFactory(process=process, title=title, estimated_cost=Decimal(cost), feasible=True)
    from budgeting.processes import services as processes_services

    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, citizen)
        page.goto(live_server.url + "/en/pb/nojs/vote/")
        assert not page.locator("[data-pb-counter]").is_visible()
        page.get_by_label("Ramp").check()
        page.get_by_label("Trees").check()
        page.get_by_role("button", name="Cast my vote").click()
        page.wait_for_load_state("load")
        alert = page.get_by_role("alert")
        assert "more than the budget of €30,000" in alert.inner_text()
        assert page.get_by_label("Ramp").is_checked() and page.get_by_label("Trees").is_checked()
    finally:
        context.close()
