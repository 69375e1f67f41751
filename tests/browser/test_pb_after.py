"""PB after the vote in a real browser: implementation, sign-offs, indicators, evaluation, the
citizens' confirmation and the bonus ledger."""

import pytest

from budgeting.assessment import services as assessment_services
from budgeting.factories import UserFactory, process_in_implementation
from budgeting.implementation.models import Implementation
from budgeting.processes.models import Phase
from tests.browser.pb_steps import assert_clean, sign_in, status_text

pytestmark = pytest.mark.browser


def test_a_funded_project_is_implemented_assessed_confirmed_and_paid(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    organiser = UserFactory(username="organiser")
    servant = UserFactory(username="servant", resident=False)
    citizen = UserFactory(username="citizen")
    process = process_in_implementation(organiser=organiser, slug="riverside", start=False)
    skate_project = process.projects.get(title="Skate park")
    champion = skate_project.champion
    base = live_server.url + "/en/pb/riverside/"

    # the organiser starts implementation from the manage page
    sign_in(page, live_server, organiser)
    page.goto(base + "manage/")
    page.get_by_label("Move the process to").select_option("implementation")
    page.get_by_role("button", name="Change the phase").click()
    page.wait_for_load_state("load")
    assert "The process is now in the phase “Implementation”" in status_text(page)
    page.goto(base)
    living = page.locator("section.pb-living")
    assert "Implementation: the funded projects" in living.inner_text()
    axe_check()
    screenshot("pb-after-living-case")
    living.get_by_role("link", name="Skate park").click()
    page.wait_for_url("**/projects/*/implementation/")

    # ... assigns the civil servant, adds a milestone and sets the targets
    page.get_by_label("Civil servants (usernames)").fill("servant")
    page.get_by_role("button", name="Save the team").click()
    assert "The team was saved." in status_text(page)
    page.get_by_role("textbox", name="Milestone").fill("Ramp poured")
    page.get_by_role("button", name="Add the milestone").click()
    assert "The milestone was added." in status_text(page)
    for title, baseline, target in (
        ("Weekly users", "0", "200"),
        ("Residents satisfied", "3", "4"),
    ):
        article = page.locator("article.pb-indicator", has_text=title)
        article.get_by_label("Baseline").fill(baseline)
        article.get_by_label("Target").fill(target)
        article.get_by_role("button", name=f"Save baseline and target of “{title}”").click()
        assert "The baseline and target were saved." in status_text(page)
    implementation_url = page.url.split("#")[0]
    axe_check()

    # the champion signs the milestone off and measures
    sign_in(page, live_server, champion)
    page.goto(implementation_url)
    page.get_by_role("button", name="Sign off “Ramp poured”").click()
    assert "needs the other sign-off" in status_text(page)
    assert "Not reached yet" in page.locator(".pb-milestone").inner_text()
    for title, value in (("Weekly users", "150"), ("Residents satisfied", "4.5")):
        article = page.locator("article.pb-indicator", has_text=title)
        article.get_by_label("Measured value").fill(value)
        article.get_by_label("Evidence source").fill("Door counter, May")
        article.get_by_role("button", name=f"Record the measurement of “{title}”").click()
        assert "it counts once verified" in status_text(page)
    # bad input keeps what was typed, with the reason
    article = page.locator("article.pb-indicator", has_text="Weekly users")
    article.get_by_label("Measured value").fill("180")
    article.get_by_label("Evidence source").fill("")
    article.get_by_role("button", name="Record the measurement of “Weekly users”").click()
    assert "This field is required." in page.get_by_role("alert").first.inner_text()
    article = page.locator("article.pb-indicator", has_text="Weekly users")
    assert article.get_by_label("Measured value").input_value() == "180"
    assert "Door counter" not in article.get_by_label("Evidence source").input_value()
    axe_check()

    # the civil servant signs off too and verifies the values
    sign_in(page, live_server, servant)
    page.goto(implementation_url)
    page.get_by_role("button", name="Sign off “Ramp poured”").click()
    assert "the milestone is reached" in status_text(page)
    assert "Reached" in page.locator(".pb-milestone").inner_text()
    for title in ("Weekly users", "Residents satisfied"):
        page.get_by_role("button", name=f"Verify “{title}”").click()
        assert "The measured value is verified." in status_text(page)
    screenshot("pb-after-implementation")

    # evaluation: the organiser assesses
    sign_in(page, live_server, organiser)
    page.goto(base + "manage/")
    page.get_by_label("Move the process to").select_option("evaluation")
    page.get_by_role("button", name="Change the phase").click()
    page.wait_for_load_state("load")
    page.goto(implementation_url)
    page.get_by_role("button", name="Assess the project").click()
    assert "citizens can now confirm" in status_text(page)
    assert "Assessed score: 0.88 – a success" in page.locator("#assess").locator("..").inner_text()

    # a resident confirms the assessment with the keyboard
    sign_in(page, live_server, citizen)
    page.goto(implementation_url)
    page.get_by_label("Yes, it is right").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send my answer").press("Enter")
    page.wait_for_load_state("load")
    assert "your answer was recorded" in status_text(page)
    assert "1 confirmed, 0 rejected." in page.content()
    axe_check()

    # the organiser decides the bonuses; the trees project was never measured
    sign_in(page, live_server, organiser)
    page.goto(implementation_url)
    page.get_by_role("button", name="Close the confirmation and decide the bonus").click()
    assert "Released: the project succeeded" in status_text(page)
    trees = Implementation.objects.get(project__process=process, project__title="Trees")
    assessment_services.implementation_assess(implementation=trees, user=organiser)
    assessment_services.implementation_bonus_decide(implementation=trees, user=organiser)

    # anyone reads the ledger
    page.context.clear_cookies()
    page.goto(base + "ledger/")
    rows = page.locator("table.pb-ledger tbody tr")
    skate = rows.filter(has_text="Skate park").inner_text()
    assert "Released" in skate and "€6,666.67" in skate
    assert "€2,666.67" in skate and "€4,000" in skate  # 40 % to the champion, 60 % to servant
    assert "Forfeited" in rows.filter(has_text="Trees").inner_text()
    assert "€10,000" in page.locator("table.pb-ledger tfoot").inner_text()
    axe_check()
    screenshot("pb-after-ledger")
    assert_clean(page, page_log)
    assert process.__class__.objects.get(pk=process.pk).phase == Phase.EVALUATION
