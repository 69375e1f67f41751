"""Editing a profile: the bio in Markdown (made safe HTML on save), labels that never say
"your" about someone else's profile, and an audit log that names only what really changed."""

import re
from html import unescape

import pytest

from network.bio_text import bio_html_from_text, bio_text_from_html
from network.factories import MemberFactory
from network.forms import MemberProfileForm
from network.models import AuditAction, AuditLogEntry, Member
from network.services import member_update
from portal.factories import MethodFactory

pytestmark = pytest.mark.django_db

FORMATTED_BIO = '<p>I run <b>trials</b>, see <a href="https://example.org/t">our trials</a>.</p>'


def _as_sent_by_a_browser(member: Member, *, own_profile: bool) -> dict:
    """The edit form's fields as the page shows them, sent back untouched (CRLF line breaks,
    as browsers send a textarea)."""
    form = MemberProfileForm(instance=member, own_profile=own_profile)
    data = {}
    for bound in form:
        if bound.name == "photo":
            continue
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list):
            data[bound.name] = [str(item) for item in value]
        else:
            data[bound.name] = str(value).replace("\n", "\r\n")
    return data


# 4. The bio is written in Markdown (conversion in detail: test_bio_editor.py)


def test_the_bio_is_edited_as_markdown_that_keeps_bold_italic_and_links(client, finn):
    finn.bio = FORMATTED_BIO + "<p>An <em>older</em> bio.</p>"
    finn.save()
    client.force_login(finn.user)

    html = client.get(f"/en/network/members/{finn.pk}/edit/").content.decode()

    assert "I run **trials**, see [our trials](https://example.org/t).\n\nAn _older_ bio." in html
    assert "&lt;b&gt;" not in html and "&lt;p&gt;" not in html


def test_bio_markdown_becomes_paragraphs_lists_bold_and_links(client, finn):
    client.force_login(finn.user)
    text = (
        "First **paragraph**,\r\nsecond _line_.\r\n\r\n- design\r\n- trials\r\n\r\n"
        "See [our site](https://example.org/s) or https://example.org/x"
    )
    data = _as_sent_by_a_browser(finn, own_profile=True) | {"bio": text}

    client.post(f"/en/network/members/{finn.pk}/edit/", data)

    finn.refresh_from_db()
    assert finn.bio.replace("\n", "") == (
        "<p>First <b>paragraph</b>,<br/>second <i>line</i>.</p>"
        "<ul><li>design</li><li>trials</li></ul>"
        '<p>See <a href="https://example.org/s">our site</a> or '
        '<a href="https://example.org/x">https://example.org/x</a></p>'
    )


def test_bio_text_and_html_go_back_and_forth_unchanged():
    text = "One & two <three>\n\n- a **b**\n- _c_ https://example.org"

    assert bio_text_from_html(bio_html_from_text(text)) == text


def test_the_bio_field_explains_its_marks_and_loads_the_toolbar_script(client, finn):
    client.force_login(finn.user)

    html = unescape(client.get(f"/en/network/members/{finn.pk}/edit/").content.decode())

    assert "**bold**, _italic_ and [text](https://address)" in html
    assert "<template data-bio-toolbar>" in html and 'role="toolbar"' in html
    assert re.search(r'<script src="[^"]*network/bio_editor\.js" nonce="[^"]+" defer>', html)


def test_an_untouched_bio_keeps_its_formatting(client, ncp_fi, finn):
    finn.bio = FORMATTED_BIO
    finn.save()
    client.force_login(ncp_fi.user)
    data = _as_sent_by_a_browser(finn, own_profile=False) | {"organisation": "New org"}

    client.post(f"/en/network/members/{finn.pk}/edit/", data)

    finn.refresh_from_db()
    assert finn.organisation == "New org"
    assert finn.bio == FORMATTED_BIO


# 5. Labels for the person who edits


def test_labels_say_your_only_to_the_owner(client, ncp_fi, finn):
    client.force_login(finn.user)
    own = unescape(client.get(f"/en/network/members/{finn.pk}/edit/").content.decode())
    assert "Who sees your organisation" in own and "Only me, NCPs and editors" in own
    client.force_login(ncp_fi.user)

    html = unescape(client.get(f"/en/network/members/{finn.pk}/edit/").content.decode())

    assert "You are editing the profile of Aino Virtanen" in html
    assert "Who sees the member's organisation" in html
    assert "Only the member, NCPs and editors" in html
    for owner_wording in ("your", "Your", "Only me", "you know", "you work on", "Who you are"):
        assert owner_wording not in _form_part(html), owner_wording


def _form_part(html: str) -> str:
    """The page's edit form, without the site header's own links ("Your membership")."""
    return html[
        html.index('<form class="network-form"') : html.index(
            "</form>", html.index('<form class="network-form"')
        )
    ]


# 6. The audit log names what changed, and only that


def test_saving_an_untouched_profile_records_nothing(client, ncp_fi, finland):
    member = MemberFactory(
        country=finland,
        municipality="Tampere",
        bio=FORMATTED_BIO + "<p>Second\nline</p>",
        skills=["iteration", "curiosity"],
        phone="+358 40 123",
        links=["https://example.org/a"],
        visibility={},  # every field at its default
    )
    member.methods.set([MethodFactory()])
    client.force_login(ncp_fi.user)

    answer = client.post(
        f"/en/network/members/{member.pk}/edit/", _as_sent_by_a_browser(member, own_profile=False)
    )

    assert answer.status_code == 302
    assert not AuditLogEntry.objects.exists()


def test_the_audit_names_only_the_field_that_changed(client, ncp_fi, finn):
    client.force_login(ncp_fi.user)
    data = _as_sent_by_a_browser(finn, own_profile=False) | {"phone": "+358 50 999"}

    client.post(f"/en/network/members/{finn.pk}/edit/", data)

    entry = AuditLogEntry.objects.get()
    assert entry.action == AuditAction.EDIT
    assert entry.details == {"fields": ["phone"]}


def test_values_that_say_the_same_are_not_changes(ncp_fi, finn):
    finn.skills = ["iteration", "curiosity"]
    finn.bio = "<p>Hello</p>"
    finn.save()

    member_update(
        actor=ncp_fi.user,
        member=finn,
        changes={
            "visibility": {"organisation": "public", "contact": "members"},  # the defaults
            "skills": ["curiosity", "iteration"],  # another order
            "organisation": f"  {finn.organisation}  ",
            "bio": "<p>Hello</p>\r\n",
            "photo": None,
        },
    )

    assert not AuditLogEntry.objects.exists()
