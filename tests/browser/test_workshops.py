"""Story workshops in a real browser: a member joins the waiting list of a full workshop, moves
up when someone cancels, downloads the iCalendar file; a facilitator opens capture and a
participant drafts a story that another participant cannot see. Axe on every workshop page."""

from pathlib import Path

import pytest
from icalendar import Calendar

from network.factories import PASSWORD, CountryFactory, MemberFactory, UserFactory
from stories.workshops.factories import workshop_tree
from stories.workshops.services import workshop_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_clean(page, page_log):
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def member(username: str, name: str):
    finland = CountryFactory(key="fi", name="Finland")
    return MemberFactory(user=UserFactory(username=username), display_name=name, country=finland)


def sign_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{next_url}")


def test_waiting_list_calendar_and_private_capture(
    live_server, home_page, page, page_log, axe_check, screenshot, browser, tmp_path
):
    facilitator = member("fia", "Fia Facilitator")
    workshop = workshop_tree(
        home_page,
        title="Slip-up evening",
        capacity=2,
        online_url="https://meet.example.org/slip-up-evening",
    )
    workshop.facilitators.set([facilitator])
    workshop.save()
    first, other = member("ada", "Ada First"), member("cy", "Cy Other")
    for early in (first, other):
        workshop_register(workshop=workshop, member=early)
    member("ben", "Ben Waiting")
    base = live_server.url

    # the list of workshops, then the full workshop: Ben joins the waiting list
    page.goto(base + workshop.get_parent().url)
    axe_check()
    page.get_by_role("link", name="Slip-up evening").click()
    page.wait_for_load_state("load")
    assert "18:00" in page.locator("dd time").first.inner_text()
    assert "(Europe/Helsinki)" in page.locator("dl.facts").inner_text()
    axe_check()
    sign_in(page, base, "ben", workshop.url)
    page.get_by_role("button", name="Join the waiting list").click()
    page.wait_for_load_state("load")
    assert "You are number 1 on the waiting list." in page.locator("#registration").inner_text()
    assert "meet.example.org" not in page.content()
    axe_check()
    assert_clean(page, page_log)
    screenshot("workshop-waiting")

    # Ada cancels in her own browser
    ada = browser.new_context().new_page()
    sign_in(ada, base, "ada", workshop.url)
    ada.get_by_role("button", name="Cancel my place").click()
    ada.wait_for_load_state("load")
    assert "Your registration is cancelled." in ada.content()
    ada.context.close()

    # Ben now has the place, and the online link
    page.reload()
    assert "You have a place at this workshop." in page.locator("#registration").inner_text()
    assert page.get_by_role("link", name="join the workshop online").is_visible()

    # the calendar file downloads and is valid, in the workshop's zone
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar").click()
    download = download_info.value
    assert download.suggested_filename == f"{workshop.slug}.ics"
    path = Path(tmp_path) / "workshop.ics"
    download.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.events
    assert event["SUMMARY"] == "Slip-up evening"
    assert event.start == workshop.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert calendar.get_missing_tzids() == set()
    assert "meet.example.org/slip-up-evening" in event["DESCRIPTION"]

    # the facilitator opens capture
    fia = browser.new_context().new_page()
    sign_in(fia, base, "fia", workshop.url)
    fia.get_by_role("button", name="Open capture").click()
    fia.wait_for_load_state("load")
    assert "Capture is open" in fia.content()
    fia.get_by_role("link", name="Participant list").click()
    fia.wait_for_load_state("load")
    assert "Ben Waiting" in fia.content() and "Ada First" not in fia.content()
    fia.context.close()

    # Ben drafts his story; a wrong share keeps what he typed
    page.reload()
    page.get_by_role("link", name="Draft your story").click()
    page.wait_for_load_state("load")
    axe_check()
    page.get_by_label("What went wrong (or right)?").fill("Nobody downloaded the permit app.")
    page.get_by_role("checkbox", name="An assumption that did not hold").check()
    page.get_by_role("button", name="Share for review").click()
    page.wait_for_load_state("load")
    assert "Give your story a title before you share it." in page.content()
    assert page.get_by_label("What went wrong (or right)?").input_value() == (
        "Nobody downloaded the permit app."
    )
    assert page.get_by_role("checkbox", name="An assumption that did not hold").is_checked()
    axe_check()
    page.get_by_label("Title of your story").fill("The permit app nobody used")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("load")
    assert "Draft saved. Only you can see it." in page.content()
    draft_url = page.url
    axe_check()
    assert_clean(page, page_log)
    screenshot("workshop-capture")

    # Cy, another participant, sees neither the draft nor its address
    cy = browser.new_context().new_page()
    sign_in(cy, base, "cy", workshop.url)
    cy.get_by_role("link", name="Draft your story").click()
    cy.wait_for_load_state("load")
    assert "The permit app nobody used" not in cy.content()
    response = cy.goto(draft_url)
    assert response.status == 404
    assert "Nobody downloaded the permit app." not in cy.content()
    cy.context.close()
