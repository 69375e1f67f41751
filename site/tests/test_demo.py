import sys
import types
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from wagtail.models import Page, Revision, Site

import pytest

from portal import demo
from portal.demo import about_page_content, data_sources_page_content, home_intro
from portal.models import HomePage, NavigationSettings, SiteSettings, StandardPage

pytestmark = pytest.mark.django_db

DEMO_LIMIT = 2


def load_demo(**options) -> str:
    out = StringIO()
    call_command("load_demo", limit=DEMO_LIMIT, stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


@pytest.fixture
def loaded():
    return load_demo()


def test_demo_makes_the_home_page_the_default_sites_root(loaded):
    home = HomePage.objects.get(locale__language_code="en")
    site = Site.objects.get(is_default_site=True)

    assert site.root_page_id == home.pk
    assert home.live and home.intro
    others = Page.objects.filter(depth=2).exclude(translation_key=home.translation_key)
    assert not others.exists(), "welcome page left"


def test_demo_creates_about_and_licence_pages(loaded):
    home = HomePage.objects.get(locale__language_code="en")
    pages = {page.slug: page for page in StandardPage.objects.child_of(home).live()}

    assert pages["about"].title == "About Kokeilu"
    licences = pages["data-sources"]
    text = str(licences.body)
    assert "CC BY-SA 4.0" in text
    assert "18F" in text and "public domain" in text
    assert "UNDP Accelerator Labs" in text
    assert "Pabulib" in text


def test_demo_fills_site_settings_and_navigation(loaded):
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    navigation = NavigationSettings.for_site(site)
    about = StandardPage.objects.get(slug="about", locale__language_code="en")

    assert site_settings.tagline
    assert "CC BY-SA 4.0" in site_settings.footer_text
    header = [(link.value["label"], link.value["url"]) for link in navigation.header_links]
    assert header[:6] == [
        ("Cases", "/cases/"),
        ("Toolkit", "/toolkit/"),
        ("Stories", "/stories/"),
        ("Network", "/network/"),
        ("Participatory budgets", "/pb/"),
        ("Search", "/search/"),
    ]
    assert navigation.header_links[6].value["page"].pk == about.pk
    footer = [link.value["label"] for link in navigation.footer_links]
    assert footer == ["About", "Data sources and licences", "Admin"]


def test_the_sites_own_pages_are_in_finnish_and_swedish(client, loaded):
    finnish_home = client.get("/fi/")
    swedish_about = client.get("/sv/about/")
    finnish_sources = client.get("/fi/data-sources/")

    with translation.override("fi"):
        assert str(home_intro()) in finnish_home.text
        assert str(data_sources_page_content()["title"]) in finnish_sources.text
    with translation.override("sv"):
        assert f"<h1>{about_page_content()['title']}</h1>" in swedish_about.text
    for response in (finnish_home, swedish_about, finnish_sources):
        assert 'class="language-notice"' not in response.text
    # the navigation, tagline and footer follow
    assert ">Tapaukset</a>" in finnish_home.text


def test_demo_prints_what_it_created_and_the_accounts(loaded):
    assert "home page" in loaded
    assert "admin / kokeilu-demo" in loaded


def test_running_the_demo_twice_creates_nothing_more(loaded):
    before = counts()

    output = load_demo()

    assert counts() == before
    assert "nothing new" in output


def test_rerunning_the_demo_keeps_an_editors_settings(loaded):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.tagline = "Our own tagline"
    site_settings.save()

    load_demo()

    site_settings.refresh_from_db()
    assert site_settings.tagline == "Our own tagline"


def test_demo_admin_can_log_in(client, loaded):
    assert client.login(username="admin", password="kokeilu-demo")
    assert client.get("/admin/").status_code == 200


def test_every_demo_account_logs_in_by_its_e_mail_address(client, loaded):
    """The site asks every new address to be confirmed; the demo accounts' are, so the README's
    accounts log in by e-mail address too, without a confirmation mail."""
    from django.conf import settings
    from django.core import mail
    from django.shortcuts import resolve_url

    usernames = ["admin", "ncp-fi", "member-fi", "member-se", "servant-fi", "applicant-fi"]
    for username in usernames:
        response = client.post(
            "/en/accounts/login/",
            {"login": f"{username}@example.org", "password": "kokeilu-demo"},
        )

        assert response.status_code == 302, username
        assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL), username
        assert client.session["_auth_user_id"] == str(
            get_user_model().objects.get(username=username).pk
        )
        client.logout()
    assert mail.outbox == []


def test_home_page_answers_at_the_site_root(client, loaded):
    response = client.get("/en/")

    assert response.status_code == 200
    assert "Kokeilu" in response.content.decode()


def test_demo_refuses_to_run_under_production_settings():
    before = counts()

    with (
        override_settings(SETTINGS_MODULE="portal.settings.production"),
        pytest.raises(CommandError, match="production"),
    ):
        load_demo()

    assert counts() == before
    assert not HomePage.objects.exists()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_a_content_loader_that_does_not_exist_stops_the_demo(monkeypatch):
    monkeypatch.setattr(demo, "CONTENT_LOADERS", (("portal.demo", "load_nothing"),))

    with pytest.raises(AttributeError, match="load_nothing"):
        load_demo()


def test_content_loaders_get_the_home_page_and_limit_with_the_outbox_paused(monkeypatch):
    events = []

    class Paused:
        def __enter__(self):
            events.append("paused")

        def __exit__(self, *exc):
            events.append("resumed")

    def load_things(home, *, limit=None, stdout=None):
        events.append(("load", type(home), limit))
        return 3

    loaders = types.ModuleType("portal_demo_loaders_for_tests")
    loaders.load_things = load_things
    outbox = types.ModuleType("search.outbox")
    outbox.outbox_paused = Paused
    monkeypatch.setitem(sys.modules, loaders.__name__, loaders)
    monkeypatch.setitem(sys.modules, "search.outbox", outbox)
    monkeypatch.setattr(demo, "CONTENT_LOADERS", ((loaders.__name__, "load_things"),))

    output = load_demo()

    assert events == ["paused", ("load", HomePage, DEMO_LIMIT), "resumed"]
    assert "3 items from portal_demo_loaders_for_tests.load_things" in output
