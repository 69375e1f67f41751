"""An NCP decides on a request knowing why the applicant wants to join, from the dashboard or
the applicant's own page; rejecting and deactivating are set apart and ask first, on a page
that names the person and what follows."""

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import AuditLogEntry, Member, MemberStatus
from portal import text_limits

pytestmark = pytest.mark.django_db

MOTIVATION = "We run a school-meal experiment in Tampere and want to compare notes."


@pytest.fixture
def applicant(finland):
    return MemberFactory(
        user=UserFactory(username="applicant"),
        display_name="Ville Heikkinen",
        country=finland,
        status=MemberStatus.PENDING,
        motivation=MOTIVATION,
    )


def _signup(client, **overrides):
    data = {
        "email": "liisa@example.org",
        "username": "liisa",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        "display_name": "Liisa Laine",
        "country": "fi",
        "organisation": "City of Tampere",
        **overrides,
    }
    return client.post("/en/accounts/signup/", data)


# 1. Motivation


def test_sign_up_asks_why_and_keeps_the_answer_for_the_ncp(client, finland):
    assert "Why do you want to join?" in client.get("/en/accounts/signup/").content.decode()

    _signup(client, motivation="  I test new\r\nservices.  ")

    assert Member.objects.get(user__username="liisa").motivation == "I test new\nservices."


def test_sign_up_refuses_a_motivation_over_the_limit(client, finland):
    response = _signup(client, motivation="x" * (text_limits.MOTIVATION + 1))

    assert response.status_code == 200  # the form again, with the error
    assert not Member.objects.filter(user__username="liisa").exists()


def test_dashboard_shows_why_the_applicant_wants_to_join(client, ncp_fi, applicant):
    client.force_login(ncp_fi.user)

    html = client.get("/en/network/ncp/").content.decode()

    assert "Why they want to join" in html
    assert MOTIVATION in html


def test_motivation_is_not_shown_to_other_members(client, finn, applicant):
    applicant.status = MemberStatus.ACTIVE
    applicant.save()
    client.force_login(finn.user)

    assert MOTIVATION not in client.get(applicant.get_absolute_url()).content.decode()


# 2. Deciding from the applicant's profile


def test_ncp_approves_from_the_applicants_profile_and_comes_back_to_it(client, ncp_fi, applicant):
    client.force_login(ncp_fi.user)
    url = applicant.get_absolute_url()

    html = client.get(url).content.decode()

    assert f'action="/en/network/members/{applicant.pk}/approve/"' in html
    assert f"/en/network/members/{applicant.pk}/reject/" in html
    assert MOTIVATION in html
    answer = client.post(f"/en/network/members/{applicant.pk}/approve/", {"next": url})
    assert answer.status_code == 302 and answer.url == url
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.ACTIVE


@pytest.mark.parametrize("viewer", ["ncp_of_another_country", "the_applicant", "an_editor_later"])
def test_decision_buttons_only_for_who_may_decide_a_waiting_request(
    client, applicant, sweden, viewer
):
    if viewer == "ncp_of_another_country":
        user = MemberFactory(country=sweden, ncp_country=sweden).user
    elif viewer == "the_applicant":
        user = applicant.user
    else:  # an editor may decide, but not once the request is decided
        user = MemberFactory(is_editor=True).user
        applicant.status = MemberStatus.REJECTED
        applicant.save()
    client.force_login(user)

    answer = client.get(applicant.get_absolute_url())

    assert f"/en/network/members/{applicant.pk}/approve/" not in answer.content.decode()


def test_no_decision_until_the_applicant_confirmed_their_address(client, ncp_fi, finland):
    applicant = MemberFactory(
        user=UserFactory(username="unconfirmed", verified=False),
        country=finland,
        status=MemberStatus.PENDING,
    )
    client.force_login(ncp_fi.user)

    html = client.get(applicant.get_absolute_url()).content.decode()

    assert "not confirmed their e-mail address" in html
    assert f"/en/network/members/{applicant.pk}/approve/" not in html


def test_a_next_address_on_another_site_is_ignored(client, ncp_fi, applicant):
    client.force_login(ncp_fi.user)

    answer = client.post(
        f"/en/network/members/{applicant.pk}/approve/", {"next": "https://evil.example/"}
    )

    assert answer.url == "/en/network/ncp/"


# 3. Destructive actions: set apart, and confirmed first


def test_rejecting_asks_first_naming_the_person_and_what_follows(client, ncp_fi, applicant):
    client.force_login(ncp_fi.user)

    page = client.get(f"/en/network/members/{applicant.pk}/reject/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Reject the request of Ville Heikkinen?" in html
    assert "cannot take part in the network" in html
    assert f'method="post" action="/en/network/members/{applicant.pk}/reject/"' in html
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.PENDING  # nothing happens before the POST

    client.post(f"/en/network/members/{applicant.pk}/reject/", {"reason": "Not a public body"})

    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.REJECTED
    assert applicant.rejection_reason == "Not a public body"


def test_rejecting_without_a_reason_asks_again(client, ncp_fi, applicant):
    client.force_login(ncp_fi.user)

    answer = client.post(f"/en/network/members/{applicant.pk}/reject/", {"reason": " "})

    assert answer.status_code == 400
    assert "Reject the request of Ville Heikkinen?" in answer.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.PENDING


def test_deactivating_asks_first_naming_the_person_and_what_follows(client, ncp_fi, finn):
    client.force_login(ncp_fi.user)

    page = client.get(f"/en/network/members/{finn.pk}/deactivate/")

    html = page.content.decode()
    assert "Deactivate Aino Virtanen?" in html
    assert "leaves the member directory" in html
    assert "network-button--danger" in html
    finn.refresh_from_db()
    assert finn.status == MemberStatus.ACTIVE
    assert not AuditLogEntry.objects.exists()

    client.post(f"/en/network/members/{finn.pk}/deactivate/", {"reason": "Left the city"})

    finn.refresh_from_db()
    assert finn.status == MemberStatus.DEACTIVATED


def test_the_confirmation_page_is_refused_where_the_action_would_be(client, ncp_fi, swede):
    client.force_login(ncp_fi.user)

    assert client.get(f"/en/network/members/{ncp_fi.pk}/deactivate/").status_code == 403
    assert client.get(f"/en/network/members/{swede.pk}/deactivate/").status_code == 403
    assert client.get(f"/en/network/members/{swede.pk}/reject/").status_code == 403


def test_dashboard_sets_reject_and_deactivate_apart_as_links_to_confirm(
    client, ncp_fi, finn, applicant
):
    client.force_login(ncp_fi.user)

    html = client.get("/en/network/ncp/").content.decode()

    for action, member in (("reject", applicant), ("deactivate", finn)):
        url = f"/en/network/members/{member.pk}/{action}/"
        assert f'<a class="button network-button--danger-secondary" href="{url}"' in html
        assert f'action="{url}"' not in html  # no one-click form
    assert html.count('class="network-danger-zone"') == 2
    assert f'action="/en/network/members/{applicant.pk}/approve/"' in html


def test_the_motivation_is_in_the_applicants_export_and_goes_with_the_account(client, applicant):
    from network.services import member_delete

    client.force_login(applicant.user)
    assert MOTIVATION in client.get("/en/network/me/export/").content.decode()

    member_delete(member=applicant)

    applicant.refresh_from_db()
    assert applicant.motivation == ""


def test_the_decision_reaches_the_applicant_in_their_own_language(
    client, ncp_fi, applicant, django_capture_on_commit_callbacks
):
    from django.core import mail

    from wagtail.users.models import UserProfile

    UserProfile.objects.create(user=applicant.user, preferred_language="sv")
    client.force_login(ncp_fi.user)  # the NCP reads the site in Finnish

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fi/network/members/{applicant.pk}/reject/", {"reason": "Ei vielä."})

    (message,) = mail.outbox
    assert message.subject == "[Kokeilu] Din ansökan om medlemskap"
    assert message.body == "Din ansökan om medlemskap godkändes inte. Orsak: Ei vielä."
