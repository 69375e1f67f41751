"""One participatory budget from the first proposal to the bonus ledger, in a real browser.

Two residents propose projects with the impact criteria they suggest, the organiser curates the
criteria and reviews the proposals, three residents vote and choose what defines success, the
results are published, one funded project is implemented, measured and verified, the
evaluation assesses it and residents confirm, and the public ledger (page and CSV) accounts for
the whole bonus pool.
"""

import csv
import io
from decimal import Decimal

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.implementation.models import BonusOutcome, Implementation
from budgeting.processes.models import Phase, Process
from tests.browser.pb_steps import (
    assert_clean,
    implementation_action,
    milestone_add,
    milestone_open,
    phase_change,
    proposal_review,
    sign_in,
    status_text,
)

pytestmark = pytest.mark.browser


def money(text: str) -> Decimal:
    """ "€5,000" or "€6,666.67" (as English writes money) -> Decimal("5000")."""
    return Decimal(text.replace("€", "").replace(",", "").strip())


def propose(page, base: str, *, title: str, description: str, cost: str, criteria: str) -> None:
    page.goto(base)
    form = page.locator("form.pb-proposal-form")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Description").fill(description)
    form.get_by_label("Estimated cost (EUR)").fill(cost)
    form.get_by_label("Impact criteria").fill(criteria)
    with page.expect_navigation():
        form.get_by_role("button", name="Send the proposal").click()
    page.wait_for_url("**/pb/lakeside/projects/*/")
    assert "You are its champion" in status_text(page)


def test_one_process_from_proposal_to_the_bonus_ledger(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    organiser = UserFactory(username="organiser")
    servant = UserFactory(username="servant", resident=False)
    alice, bruno, chen = (UserFactory(username=name) for name in ("alice", "bruno", "chen"))
    process = ProcessFactory(
        title="Lakeside budget",
        slug="lakeside",
        phase=Phase.PROPOSALS,
        budget_amount=Decimal(100000),
        counting_rule="greedy",
        bonus_pool_amount=Decimal(10000),
        bonus_champion_share=Decimal(40),
        criteria_top_n=2,
    )
    process.organisers.add(organiser)
    # a proposal sent earlier by another resident, still waiting for review
    ProjectFactory(process=process, title="Skate ramp", estimated_cost=Decimal(50000))
    base = live_server.url + "/en/pb/lakeside/"

    # 1. two residents propose, each suggesting how to tell whether it worked
    sign_in(page, live_server, alice)
    propose(
        page,
        base,
        title="Shade trees",
        description="Plant twenty trees along the lake path.",
        cost="30000",
        criteria="Residents satisfied\nShade on hot days",
    )
    sign_in(page, live_server, bruno)
    propose(
        page,
        base,
        title="Reading benches",
        description="Benches with a book exchange by the library.",
        cost="20000",
        criteria="Benches used daily\nResidents satisfied",
    )

    # 2. the organiser curates the criteria, reviews the proposals and opens the vote
    sign_in(page, live_server, organiser)
    page.goto(base + "criteria/")
    with page.expect_navigation():
        page.get_by_role("button", name="Add every suggestion to the list").click()
    assert "3 suggested criteria were added." in status_text(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Remove “Shade on hot days”").click()
    assert "The criterion was removed." in status_text(page)
    page.get_by_role("textbox", name="Criterion").fill("Weekly visitors")
    page.get_by_role("textbox", name="Unit").fill("visitors a week")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the list").click()
    assert "The criterion was added." in status_text(page)
    listed = page.locator("ul.pb-criteria").inner_text()
    assert "Shade on hot days" not in listed
    for title in ("Residents satisfied", "Benches used daily", "Weekly visitors"):
        assert title in listed
    page.goto(base + "manage/")
    for title, reason in (
        ("Shade trees", "The parks department plants them in spring."),
        ("Reading benches", "The library looks after the books."),
        ("Skate ramp", "The sports office builds it this summer."),
    ):
        proposal_review(page, title, reason)
    phase_change(page, base, "voting", "Voting")

    # 3. three residents vote and choose what defines success
    votes = (
        (alice, ("Shade trees", "Reading benches"), ("Residents satisfied", "Weekly visitors")),
        (bruno, ("Reading benches", "Skate ramp"), ("Weekly visitors",)),
        (chen, ("Shade trees", "Skate ramp"), ("Residents satisfied", "Benches used daily")),
    )
    for index, (voter, projects, criteria) in enumerate(votes):
        sign_in(page, live_server, voter)
        page.goto(base + "vote/")
        for title in projects:
            if index == 0:  # the first voter uses the keyboard only
                page.get_by_label(title).focus()
                page.keyboard.press("Space")
            else:
                page.get_by_label(title).check()
        counter = page.locator("[data-pb-counter]")
        assert f"Projects chosen: {len(projects)}." in counter.inner_text()
        cast = page.get_by_role("button", name="Cast my vote")
        with page.expect_navigation():
            if index == 0:
                cast.focus()
                page.keyboard.press("Enter")
            else:
                cast.click()
        assert page.locator("h1").inner_text() == "Your vote was recorded"
        with page.expect_navigation():
            page.get_by_role("link", name="Choose what defines success").click()
        page.wait_for_url("**/pb/lakeside/vote/criteria/")
        for title in criteria:
            page.get_by_label(title).check()
        if index == 0:
            axe_check()
            assert_clean(page, page_log)
            screenshot("pb-lifecycle-criteria-vote")
        with page.expect_navigation():
            page.get_by_role("button", name="Save my choice").click()
        assert "Your choice of criteria was saved." in status_text(page)
        for title in criteria:  # the saved choice is shown again
            assert page.get_by_label(title).is_checked()

    # 4. the results: everything fits in the budget
    sign_in(page, live_server, organiser)
    phase_change(page, base, "results", "Results")
    page.context.clear_cookies()
    page.goto(base + "results/")
    winners = page.locator("ol.pb-winners").inner_text()
    for title in ("Shade trees", "Reading benches", "Skate ramp"):
        assert title in winners

    # 5. implementation: the two criteria chosen most often measure every funded project
    sign_in(page, live_server, organiser)
    phase_change(page, base, "implementation", "Implementation")
    page.goto(base + "criteria/")
    criteria_items = page.locator("ul.pb-criteria li")
    for title, chosen, selected in (
        ("Residents satisfied", "chosen by 2 voters", True),
        ("Weekly visitors", "chosen by 2 voters", True),
        ("Benches used daily", "chosen by 1 voter", False),
    ):
        item = criteria_items.filter(has_text=title).inner_text()
        assert chosen in item and ("defines success" in item) is selected
    page.goto(base)
    living = page.locator("section.pb-living")
    with page.expect_navigation():
        living.get_by_role("link", name="Shade trees").click()
    page.wait_for_url("**/projects/*/implementation/")
    trees_url = page.url.split("#")[0]
    page.get_by_label("Civil servants (usernames)").fill("servant")
    implementation_action(page, "Save the team", "The team was saved.")
    milestone_add(page, "Trees planted", due="2026-05-31", description="Twelve lindens")
    milestone_add(page, "Fence painted")
    # the organiser corrects one milestone and removes the other, which was not needed
    item = milestone_open(page, "Trees planted")
    item.get_by_label("Description").fill("Twelve lindens along the shore path")
    implementation_action(page, "Save “Trees planted”", "The milestone was changed.")
    milestone_open(page, "Fence painted")
    implementation_action(page, "Remove “Fence painted”", "“Fence painted” was removed")
    milestones = page.locator("li.pb-milestone")
    assert milestones.count() == 1
    assert "Twelve lindens along the shore path" in milestones.inner_text()
    assert "31 May 2026" in milestones.inner_text()
    milestone_open(page, "Trees planted")  # the edit form open, as the organiser sees it
    axe_check()
    targets = (("Residents satisfied", "3", "4"), ("Weekly visitors", "0", "200"))
    indicators = page.locator("article.pb-indicator")
    assert indicators.count() == 2  # the two criteria the voters chose most often
    for title, baseline, target in targets:
        article = page.locator("article.pb-indicator", has_text=title)
        article.get_by_label("Baseline").fill(baseline)
        article.get_by_label("Target").fill(target)
        implementation_action(
            page,
            f"Save baseline and target of “{title}”",
            "The baseline and target were saved.",
        )

    # ... the champion signs the milestone off and measures
    sign_in(page, live_server, alice)
    page.goto(trees_url)
    implementation_action(page, "Sign off “Trees planted”", "needs the other sign-off")
    for title, value in (("Residents satisfied", "4.5"), ("Weekly visitors", "150")):
        article = page.locator("article.pb-indicator", has_text=title)
        article.get_by_label("Measured value").fill(value)
        article.get_by_label("Evidence source").fill("Survey and path counter, May")
        implementation_action(
            page, f"Record the measurement of “{title}”", "it counts once verified"
        )

    # ... the civil servant signs off too and verifies what the champion measured
    sign_in(page, live_server, servant)
    page.goto(trees_url)
    implementation_action(page, "Sign off “Trees planted”", "the milestone is reached")
    assert "Reached" in page.locator(".pb-milestone").inner_text()
    # reached, it stays as it is and joins the timeline
    assert page.get_by_text("Change or remove “Trees planted”").count() == 0
    assert "Milestone reached: Trees planted" in page.locator("ol.pb-history").inner_text()
    for title in ("Residents satisfied", "Weekly visitors"):
        implementation_action(page, f"Verify “{title}”", "The measured value is verified.")

    # 6. evaluation: the assessment, the residents' confirmation, the organiser's decision
    sign_in(page, live_server, organiser)
    phase_change(page, base, "evaluation", "Evaluation")
    page.goto(trees_url)
    implementation_action(page, "Assess the project", "citizens can now confirm")
    assert "Assessed score: 0.88 – a success" in page.locator("#assess").locator("..").inner_text()
    for voter, answer in ((bruno, "Yes, it is right"), (chen, "Yes, it is right")):
        sign_in(page, live_server, voter)
        page.goto(trees_url)
        page.get_by_label(answer).check()
        implementation_action(page, "Send my answer", "your answer was recorded")
    assert "2 confirmed, 0 rejected." in page.content()
    sign_in(page, live_server, organiser)
    page.goto(trees_url)
    implementation_action(
        page, "Close the confirmation and decide the bonus", "Released: the project succeeded"
    )
    # the benches were never measured: assessed, they did not succeed
    page.goto(base + "manage/")
    after_the_vote = page.locator("section[aria-labelledby=manage-after]")
    with page.expect_navigation():
        after_the_vote.get_by_role("link", name="Reading benches").click()
    page.wait_for_url("**/projects/*/implementation/")
    implementation_action(page, "Assess the project", "citizens can now confirm")
    implementation_action(
        page, "Close the confirmation and decide the bonus", "Forfeited: the project did not"
    )
    # the skate ramp is still being built: its share stays committed

    # 7. anyone reads the ledger; the amounts add up to the pool
    page.context.clear_cookies()
    page.goto(base + "ledger/")
    rows = page.locator("table.pb-ledger tbody tr")
    assert rows.count() == 3
    expected = {
        "Shade trees": ("Released", Decimal("3000.00")),
        "Reading benches": ("Forfeited", Decimal("2000.00")),
        "Skate ramp": ("Committed", Decimal("5000.00")),
    }
    page_amounts = {}
    for title, (state, amount) in expected.items():
        cells = rows.filter(has_text=title).locator("td")
        assert cells.nth(0).inner_text().startswith(state)
        page_amounts[title] = money(cells.nth(1).inner_text())
        assert page_amounts[title] == amount
    paid = rows.filter(has_text="Shade trees").locator("td").nth(2).inner_text()
    assert "alice (champion): €1,200" in paid and "servant (civil servant): €1,800" in paid
    pool = money(page.locator("table.pb-ledger tfoot td.pb-num").inner_text())
    assert pool == Decimal("10000.00") == sum(page_amounts.values())
    stats = page.locator("ul.stats li")
    for label, (state, amount) in zip(
        ("released", "forfeited", "committed"), expected.values(), strict=True
    ):
        figure = stats.filter(has_text=label).locator(".stats__count").inner_text()
        assert money(figure) == amount, (state, figure)
    axe_check()
    assert_clean(page, page_log)
    screenshot("pb-lifecycle-ledger")

    # ... and the CSV download says the same
    link = page.get_by_role("link", name="Download the ledger (CSV)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
    projects = {row["project"]: row for row in table if row["project_id"]}
    for title, (state, amount) in expected.items():
        assert Decimal(projects[title]["amount"]) == amount
        assert projects[title]["state"] == state.lower()
    totals = {
        row["state"]: Decimal(row["amount"]) for row in table if row["project"].startswith("total")
    }
    assert totals == {
        "committed": Decimal("5000.00"),
        "released": Decimal("3000.00"),
        "forfeited": Decimal("2000.00"),
    }
    csv_pool = next(Decimal(row["amount"]) for row in table if row["project"] == "pool")
    assert csv_pool == pool == sum(totals.values())

    process = Process.objects.get(pk=process.pk)
    assert process.phase == Phase.EVALUATION
    outcomes = dict(
        Implementation.objects.filter(project__process=process).values_list(
            "project__title", "bonus_outcome"
        )
    )
    assert outcomes == {
        "Shade trees": BonusOutcome.RELEASED,
        "Reading benches": BonusOutcome.FORFEITED,
        "Skate ramp": BonusOutcome.PENDING,
    }
