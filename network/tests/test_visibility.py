"""Per-field visibility: private values never appear in pages, search results or the JSON API."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from network.factories import MemberFactory
from network.models import MemberStatus
from network.search import member_to_document
from search.engines import get_engine
from search.outbox import outbox_drain

pytestmark = pytest.mark.django_db

SECRET_ORG = "Hidden Ministry of Secrets"
SECRET_BIO = "Sekretbiografi"


@pytest.fixture
def private_member(sweden):
    return MemberFactory(
        display_name="Greta Public",
        country=sweden,
        organisation=SECRET_ORG,
        municipality="Visibleby",
        bio=f"<p>{SECRET_BIO}</p>",
        skills=["iteration"],
        looking_for=["mentoring"],
        contact_email="greta@example.org",
        visibility={
            "organisation": "private",
            "bio": "members",
            "municipality": "public",
            "skills": "private",
            "exchange": "public",
        },
    )


@pytest.fixture
def index(db):
    engine = get_engine()
    engine.clear()
    return engine


def test_member_document_carries_only_public_fields(private_member):
    doc = member_to_document(private_member)
    text = repr(doc.to_dict())

    assert doc.title == "Greta Public"
    assert doc.countries == ("se",)
    assert doc.looking_for == ("mentoring",)
    assert doc.skills == ()
    assert SECRET_ORG not in text
    assert SECRET_BIO not in text
    assert "greta@example.org" not in text


@pytest.mark.parametrize(
    "status", [MemberStatus.PENDING, MemberStatus.REJECTED, MemberStatus.DEACTIVATED]
)
def test_only_active_members_are_indexed(sweden, status):
    assert member_to_document(MemberFactory(country=sweden, status=status)) is None


def test_private_fields_appear_in_no_page_search_result_or_api(client, private_member, index, finn):
    outbox_drain()
    pages = {
        "profile": client.get(private_member.get_absolute_url()),
        "directory": client.get("/en/network/"),
        "directory search": client.get("/en/network/", {"q": "Greta"}),
        "site search": client.get("/en/search/", {"q": "Greta"}),
        "api": client.get("/en/api/search/", {"q": "Greta"}),
        "api by secret": client.get("/en/api/search/", {"q": "Secrets"}),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert SECRET_ORG not in html, name
        assert SECRET_BIO not in html, name
        assert "greta@example.org" not in html, name
    assert "Greta Public" in pages["directory"].content.decode()
    assert "Greta Public" in pages["api"].content.decode()
    assert pages["api by secret"].json()["total"] == 0


def test_members_see_members_only_fields_and_contact_details(client, private_member, finn):
    anonymous = client.get(private_member.get_absolute_url()).content.decode()
    client.force_login(finn.user)
    member_view = client.get(private_member.get_absolute_url()).content.decode()

    assert SECRET_BIO not in anonymous and "greta@example.org" not in anonymous
    assert SECRET_BIO in member_view and "greta@example.org" in member_view
    assert SECRET_ORG not in member_view  # private: not even for members


def test_owner_and_ncp_of_the_country_see_private_fields(client, private_member, sweden):
    ncp = MemberFactory(country=sweden, ncp_country=sweden)
    for user in (private_member.user, ncp.user):
        client.force_login(user)
        assert SECRET_ORG in client.get(private_member.get_absolute_url()).content.decode()


def test_contact_details_can_never_be_made_public(client, private_member):
    client.force_login(private_member.user)
    client.post(
        f"/en/network/members/{private_member.pk}/edit/",
        {"display_name": "Greta Public", "country": "se", "visibility_contact": "public"},
    )
    private_member.refresh_from_db()

    assert private_member.visibility_of("contact") != "public"


def test_pending_profiles_are_not_public(client, sweden):
    pending = MemberFactory(country=sweden, status=MemberStatus.PENDING)

    assert client.get(pending.get_absolute_url()).status_code == 404


def test_index_follows_a_visibility_change(client, private_member, index):
    outbox_drain()
    assert client.get("/en/api/search/", {"q": "Visibleby"}).json()["total"] in (0, 1)
    client.force_login(private_member.user)
    client.post(
        f"/en/network/members/{private_member.pk}/edit/",
        {"display_name": "Greta Public", "country": "se", "visibility_country": "private"},
    )
    outbox_drain()

    hits = client.get("/en/api/search/", {"q": "Greta"}).json()["hits"]
    assert hits and hits[0]["countries"] == []


def test_markup_typed_into_the_bio_is_text_not_html(client, finn):
    client.force_login(finn.user)
    client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {
            "display_name": "Aino",
            "country": "fi",
            "bio": '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>',
        },
    )
    finn.refresh_from_db()

    assert "<script" not in finn.bio and "<p onclick" not in finn.bio
    assert finn.bio.startswith("<p>&lt;p onclick=")


def test_bio_html_given_to_the_service_is_sanitised(finn):
    from network.services import member_update

    member_update(
        actor=finn.user,
        member=finn,
        changes={"bio": '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'},
    )
    finn.refresh_from_db()

    assert finn.bio == "<p>Hi <b>there</b></p>"


def _image(fmt: str, size=(10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("fake.png", b"not an image at all", "not an image"),
        ("anim.gif", _image("GIF"), "Use a JPEG, PNG or WebP"),
        ("huge.png", _image("PNG", (5000, 3000)), "12 megapixels"),
        ("big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_photo_is_validated(client, finn, name, content, message):
    client.force_login(finn.user)

    response = client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {"display_name": "Typed name", "country": "fi", "photo": SimpleUploadedFile(name, content)},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html or "not an image" in html or "valid image" in html
    assert 'value="Typed name"' in html  # what was typed is kept
    finn.refresh_from_db()
    assert not finn.photo


def test_a_valid_photo_is_saved(client, finn, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(finn.user)

    client.post(
        f"/en/network/members/{finn.pk}/edit/",
        {
            "display_name": "Aino",
            "country": "fi",
            "photo": SimpleUploadedFile("me.jpg", _image("JPEG")),
        },
    )

    finn.refresh_from_db()
    assert finn.photo.name.startswith("network/photos/")
