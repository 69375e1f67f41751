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
    goto(page, live_server.url + "/accounts/signup/")
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
    goto(page, live_server.url + link[link.index("/accounts/") :])
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/network/me/")
    assert "Waiting for approval" in page.content()
    axe_check()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")

    # the NCP of Finland signs in and approves
    goto(page, live_server.url + "/accounts/login/")
    axe_check()
    screenshot("network-login")
    page.fill("input[name=login]", ncp.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")
    goto(page, live_server.url + "/network/ncp/")
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
    goto(page, live_server.url + "/network/")
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
    goto(page, live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "aino")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")

    goto(page, live_server.url + f"/network/members/{member.pk}/edit/")
    axe_check()
    page.fill("input[name=municipality]", "Oulu")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("load")
    assert "Oulu" in page.content()
    assert_clean(page, page_log)
