"""The network in a real browser: a visitor signs up, confirms the e-mail, the NCP of their
country approves them, and they appear in the directory. Every page passes axe and the CSP."""

import re

from django.core import mail

import pytest

from network.factories import PASSWORD, CountryFactory, MemberFactory, UserFactory
from search.outbox import outbox_drain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_clean(page, page_log):
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def goto(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response


def test_visitor_signs_up_confirms_is_approved_and_appears_in_the_directory(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    finland = CountryFactory(key="fi", name="Finland")
    CountryFactory(key="se", name="Sweden")
    ncp = MemberFactory(
        user=UserFactory(username="ncp-fi"),
        display_name="Kaisa Nieminen",
        country=finland,
        ncp_country=finland,
    )
    mail.outbox.clear()

    # sign up
    goto(page, live_server.url + "/en/accounts/signup/")
    axe_check()
    screenshot("network-signup")
    page.fill("input[name=email]", "liisa@example.org")
    page.fill("input[name=username]", "liisa")
    page.fill("input[name=password1]", "a long enough passphrase")
    page.fill("input[name=password2]", "a long enough passphrase")
    page.get_by_label("Your name as others will see it").fill("Liisa Laine")
    page.get_by_label("Country").select_option(label="Finland")
    page.get_by_label("Organisation").fill("City of Tampere")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state("load")
    assert_clean(page, page_log)

    # confirm by the e-mailed link
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    goto(page, live_server.url + link[link.index("/en/accounts/") :])
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/network/me/")
    assert "Waiting for approval" in page.content()
    axe_check()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")

    # the NCP of Finland signs in and approves
    goto(page, live_server.url + "/en/accounts/login/")
    axe_check()
    screenshot("network-login")
    page.fill("input[name=login]", ncp.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")
    goto(page, live_server.url + "/en/network/ncp/")
    assert "Liisa Laine" in page.content()
    axe_check()
    screenshot("network-dashboard")
    page.get_by_role("button", name="Approve Liisa Laine").click()
    page.wait_for_load_state("load")
    assert "Liisa Laine is now a member." in page.content()
    assert_clean(page, page_log)

    # the new member is in the directory, and their profile page is public
    outbox_drain()
    page.context.clear_cookies()
    goto(page, live_server.url + "/en/network/")
    axe_check()
    screenshot("network-directory")
    page.get_by_role("link", name="Liisa Laine").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Liisa Laine"
    assert "City of Tampere" in page.content()
    axe_check()
    screenshot("network-profile")
    assert_clean(page, page_log)


def test_profile_editor_is_accessible(live_server, home_page, page, page_log, axe_check):
    finland = CountryFactory(key="fi", name="Finland")
    member = MemberFactory(user=UserFactory(username="aino"), country=finland)
    goto(page, live_server.url + "/en/accounts/login/")
    page.fill("input[name=login]", "aino")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")

    goto(page, live_server.url + f"/en/network/members/{member.pk}/edit/")
    axe_check()
    page.fill("input[name=municipality]", "Oulu")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("load")
    assert "Oulu" in page.content()
    assert_clean(page, page_log)


def _sign_in(page, live_server, username):
    goto(page, live_server.url + "/en/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_ncp_approves_from_the_profile_and_deactivating_asks_first(
    live_server, home_page, page, page_log, axe_check, screenshot, width, height
):
    from network.models import MemberStatus

    page.set_viewport_size({"width": width, "height": height})
    finland = CountryFactory(key="fi", name="Finland")
    MemberFactory(
        user=UserFactory(username="ncp-fi"),
        display_name="Kaisa Nieminen",
        country=finland,
        ncp_country=finland,
    )
    applicant = MemberFactory(
        display_name="Ville Heikkinen",
        country=finland,
        status=MemberStatus.PENDING,
        motivation="We are starting a school-meal trial and want to learn from others.",
    )
    active = MemberFactory(display_name="Aino Virtanen", country=finland)
    _sign_in(page, live_server, "ncp-fi")

    # the dashboard shows why the applicant wants to join
    goto(page, live_server.url + "/en/network/ncp/")
    assert "school-meal trial" in page.content()
    # the members' table scrolls inside its own region: the page itself never sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe_check()
    screenshot(f"network-dashboard-{width}")

    # the applicant's profile offers the decision; approving comes back to it
    page.get_by_role("link", name="Ville Heikkinen").first.click()
    page.wait_for_load_state("load")
    assert page.get_by_role("link", name="Reject Ville Heikkinen…").is_visible()
    axe_check()
    screenshot(f"network-applicant-{width}")
    page.get_by_role("button", name="Approve Ville Heikkinen").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(applicant.get_absolute_url())
    assert "Ville Heikkinen is now a member." in page.content()
    axe_check()

    # deactivating asks first, naming the person and what follows
    goto(page, live_server.url + "/en/network/ncp/?status=active")
    page.get_by_role("link", name="Deactivate… Aino Virtanen").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Deactivate Aino Virtanen?"
    assert "leaves the member directory" in page.content()
    axe_check()
    screenshot(f"network-deactivate-confirm-{width}")
    active.refresh_from_db()
    assert active.status == MemberStatus.ACTIVE
    page.get_by_label("Reason (optional)").fill("Left the city")
    page.get_by_role("button", name="Deactivate Aino Virtanen").click()
    page.wait_for_load_state("load")
    assert "Aino Virtanen was deactivated." in page.content()
    axe_check()
    active.refresh_from_db()
    assert active.status == MemberStatus.DEACTIVATED
    assert_clean(page, page_log)


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_member_makes_a_word_of_the_bio_bold_with_the_toolbar(
    live_server, home_page, page, page_log, axe_check, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    finland = CountryFactory(key="fi", name="Finland")
    member = MemberFactory(
        user=UserFactory(username="aino"),
        country=finland,
        bio='<p>I run trials, see <a href="https://example.org/t">our <em>trials</em></a>.</p>',
    )
    _sign_in(page, live_server, "aino")

    goto(page, live_server.url + f"/en/network/members/{member.pk}/edit/")
    bio = page.get_by_label("Short bio")
    # the stored bio as Markdown: its link and italic are kept
    assert bio.input_value() == "I run trials, see [our _trials_](https://example.org/t)."
    toolbar = page.get_by_role("toolbar", name="Format the bio")
    for name in ("Bold", "Italic", "Link", "Bulleted list"):
        box = toolbar.get_by_role("button", name=name).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, name
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe_check()
    screenshot(f"network-bio-editor-{width}")

    # the toolbar is one tab stop; the arrow keys move between its buttons
    toolbar.get_by_role("button", name="Bold").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Italic"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Bulleted list"

    # select the word "run" and press Bold: the focus and the selection stay in the textarea
    bio.evaluate("(el) => { el.focus(); el.setSelectionRange(2, 5); }")
    toolbar.get_by_role("button", name="Bold").click()
    assert bio.input_value().startswith("I **run** trials")
    assert page.evaluate("document.activeElement.id") == "id_bio"
    assert bio.evaluate("(el) => el.value.substring(el.selectionStart, el.selectionEnd)") == "run"

    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("load")
    about = page.locator("section[aria-labelledby=bio-heading]")
    assert about.locator("b, strong").first.inner_text() == "run"
    assert about.get_by_role("link", name="our trials").get_attribute("href") == (
        "https://example.org/t"
    )
    axe_check()
    screenshot(f"network-bio-saved-{width}")
    assert_clean(page, page_log)


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_a_refusal_has_the_sites_layout_says_why_and_offers_a_way_on(
    live_server, home_page, page, page_log, axe_check, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    finland, sweden = CountryFactory(key="fi", name="Finland"), CountryFactory(key="se")
    MemberFactory(user=UserFactory(username="ncp-se"), country=sweden, ncp_country=sweden)
    finn = MemberFactory(display_name="Aino Virtanen", country=finland)
    _sign_in(page, live_server, "ncp-se")

    # the NCP of Sweden edits a Finnish profile by typing its address
    response = goto(page, f"{live_server.url}/network/members/{finn.pk}/edit/")

    assert response.status == 403
    assert page.locator("h1").inner_text() == "You cannot do this here"
    assert page.get_by_role("alert").inner_text() == "You cannot edit this profile."  # why
    assert page.get_by_role("banner").is_visible()  # the site's header, not a bare page
    assert page.locator("footer").is_visible()
    axe_check()
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_load_state("load")
    assert page.url == live_server.url + "/en/"
    assert_clean(page, page_log)
