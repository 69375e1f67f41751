"""A member's bio (and a group's description) keeps the language it was written in: the
author says which, readers of the site in another language get it marked with its own `lang`
and a short note, and the search document carries that language."""

import re

from wagtail.users.models import UserProfile

import pytest

from network.forms import MemberProfileForm
from network.groups.models import Group
from network.groups.search import group_to_document
from network.models import AuditLogEntry, Member
from network.search import member_to_document

pytestmark = pytest.mark.django_db

SWEDISH_BIO = "Jag leder försök med medborgarbudgetar i Vasa."


def _form_as_sent(member: Member, *, own_profile: bool = True, **changes) -> dict:
    """The edit form's fields as the page shows them, with `changes` typed in."""
    form = MemberProfileForm(instance=member, own_profile=own_profile)
    data = {}
    for bound in form:
        value = bound.value()
        if bound.name == "photo" or value is None:
            continue
        data[bound.name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data | changes


def _selected_language(html: str) -> str:
    select = html.split('name="written_in"', 1)[1].split("</select>", 1)[0]
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def _bio(html: str) -> str:
    return html.split('aria-labelledby="bio-heading"', 1)[1].split("</section>", 1)[0]


def test_the_profile_form_offers_the_language_the_member_uses_the_site_in(client, finn):
    client.force_login(finn.user)

    assert _selected_language(client.get(f"/fi/network/members/{finn.pk}/edit/").text) == "fi"
    assert _selected_language(client.get(f"/en/network/members/{finn.pk}/edit/").text) == "en"

    UserProfile.objects.create(user=finn.user, preferred_language="sv")
    assert _selected_language(client.get(f"/fi/network/members/{finn.pk}/edit/").text) == "sv"


def test_a_bio_written_in_swedish_keeps_its_language_and_is_marked_for_finnish_readers(
    client, finn
):
    client.force_login(finn.user)
    data = _form_as_sent(finn, bio=SWEDISH_BIO, written_in="sv")

    response = client.post(f"/fi/network/members/{finn.pk}/edit/", data)

    assert response.status_code == 302
    finn.refresh_from_db()
    assert finn.written_in == "sv"
    # the form keeps the choice, whichever language the site is read in
    assert _selected_language(client.get(f"/fi/network/members/{finn.pk}/edit/").text) == "sv"

    client.logout()
    finnish = _bio(client.get(f"/fi/network/members/{finn.pk}/").text)
    assert '<div class="member-profile__bio" lang="sv"><p>Jag leder' in finnish
    assert "Kirjoitettu ruotsiksi" in finnish

    english = _bio(client.get(f"/en/network/members/{finn.pk}/").text)
    assert 'lang="sv"' in english and "Written in Swedish" in english

    swedish = _bio(client.get(f"/sv/network/members/{finn.pk}/").text)
    assert "lang=" not in swedish  # the reader's own language: nothing to mark
    assert "written-in" not in swedish


def test_a_bio_whose_language_was_never_said_is_not_marked(client, finn):
    finn.bio = "<p>Kokeilen asioita.</p>"
    finn.save()

    html = _bio(client.get(f"/fi/network/members/{finn.pk}/").text)

    assert "lang=" not in html and "written-in" not in html


def test_an_ncp_saving_an_untouched_profile_neither_sets_the_language_nor_audits_it(
    client, finn, ncp_fi
):
    client.force_login(ncp_fi.user)

    client.post(f"/en/network/members/{finn.pk}/edit/", _form_as_sent(finn, own_profile=False))

    finn.refresh_from_db()
    assert finn.written_in == ""
    assert not AuditLogEntry.objects.filter(member=finn).exists()


def test_the_members_search_document_is_in_the_language_of_the_bio(finn):
    assert member_to_document(finn).language == ""  # not said: no language is guessed

    finn.written_in = "sv"
    finn.save()

    assert member_to_document(finn).language == "sv"


def test_a_group_keeps_the_language_its_founder_wrote_it_in(client, finn):
    client.force_login(finn.user)

    create = client.get("/fi/network/groups/new/").text
    assert _selected_language(create) == "fi"
    client.post(
        "/fi/network/groups/new/",
        {
            "name": "Försöksverkstaden",
            "description": "Vi delar försök.",
            "written_in": "sv",
            "policy": "open",
        },
    )

    group = Group.objects.get(name="Försöksverkstaden")
    assert group.written_in == "sv"
    assert group_to_document(group).language == "sv"
    finnish = client.get(group.get_absolute_url().replace("/en/", "/fi/")).text
    assert '<h1 lang="sv">Försöksverkstaden</h1>' in finnish
    assert "Kirjoitettu ruotsiksi" in finnish
    assert "<h1>Försöksverkstaden</h1>" in client.get(f"/sv/network/groups/{group.slug}/").text
