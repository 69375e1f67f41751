"""The site in Finnish, Swedish and English: prefixes, the first visit, the switcher, translated
pages and the originals shown where a translation is missing."""

import re

from django.contrib.auth import get_user_model

from wagtail.models import Locale
from wagtail.users.models import UserProfile

import pytest

from portal.models import StandardPage


@pytest.fixture
def locales(db):
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in ("fi", "sv", "en")
    }


def translate(page, locale, **fields):
    """A live translation of `page` (its parents translated as well, as Wagtail requires)."""
    translation = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()  # the published slug and path
    return translation


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_each_language_serves_the_home_page_with_its_own_html_lang(client, home_page, code):
    response = client.get(f"/{code}/")

    assert response.status_code == 200
    assert html_lang(response) == code


def test_the_interface_is_finnish_under_fi_and_swedish_under_sv(client, home_page):
    assert "Hae" in client.get("/fi/search/").text
    assert "Sök" in client.get("/sv/search/").text
    assert "Search" in client.get("/en/search/").text


def canonical(response) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)"', response.text).group(1)


def test_a_first_visit_follows_the_browsers_preferred_language(client, home_page):
    response = client.get("/", headers={"accept-language": "sv-FI,sv;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert html_lang(response) == "sv"
    assert canonical(response) == "http://testserver/sv/"
    assert "Accept-Language" in response["Vary"]

    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9"})
    assert html_lang(response) == "en"  # none of ours: the default
    assert not response.cookies  # the choice is not stored in a cookie


def test_an_address_without_a_language_keeps_its_path_and_query(client, home_page):
    response = client.get("/search/?q=kokeilu", headers={"accept-language": "fi"})

    assert response.status_code == 200
    assert html_lang(response) == "fi"
    assert canonical(response) == "http://testserver/fi/search/?q=kokeilu"
    assert 'href="/sv/search/?q=kokeilu"' in response.text  # the switcher
    assert '<link rel="canonical"' not in client.get("/fi/search/?q=kokeilu").text


def test_a_members_own_language_wins_over_the_browsers(client, home_page):
    user = get_user_model().objects.create_user("sv-reader", "reader@example.org", "pw")
    UserProfile.objects.create(user=user, preferred_language="sv")
    client.force_login(user)

    response = client.get("/", headers={"accept-language": "fi"})

    assert html_lang(response) == "sv"


def test_an_unknown_language_prefix_is_a_404_in_the_default_language(client, home_page):
    response = client.get("/de/search/")

    assert response.status_code == 404
    assert html_lang(response) == "en"
    assert "Location" not in response


def test_the_switcher_leads_to_the_same_view_and_keeps_the_query(client, home_page):
    response = client.get("/fi/search/?q=kokeilu&kind=case")

    switcher = response.text.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/sv/search/?q=kokeilu&amp;kind=case"' in switcher
    assert 'href="/en/search/?q=kokeilu&amp;kind=case"' in switcher
    assert 'aria-current="true">Suomi<' in switcher


def test_a_page_without_a_translation_is_shown_in_its_original_with_a_notice(
    client, standard_page, locales
):
    response = client.get("/fi/about/")

    assert response.status_code == 200
    assert html_lang(response) == "fi"  # the interface
    assert "About Kokeilu" in response.text  # the original text
    notice = response.text.split('class="language-notice"', 1)[1].split("</p>", 1)[0]
    assert "englanti" in notice  # says in Finnish which language follows
    # links between pages keep the reader's language
    assert 'href="/en/' not in response.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_a_translated_page_has_its_own_address_and_hreflang_alternates(
    client, standard_page, locales
):
    finnish = translate(standard_page, locales["fi"], title="Tietoa Kokeilusta", slug="tietoa")

    response = client.get("/fi/tietoa/")
    assert response.status_code == 200
    assert "Tietoa Kokeilusta" in response.text
    assert 'class="language-notice"' not in response.text
    head = response.text.split("</head>", 1)[0]
    assert 'hreflang="fi" href="http://testserver/fi/tietoa/"' in head
    assert 'hreflang="en" href="http://testserver/en/about/"' in head
    assert 'hreflang="sv"' not in head  # no Swedish version to point to

    # the English page's switcher leads to the Finnish translation
    english = client.get("/en/about/").text
    assert 'href="/fi/tietoa/"' in english
    # the original's address read in Finnish leads to the translation
    assert client.get("/fi/about/")["Location"] == finnish.url
    assert finnish.url == "/fi/tietoa/"


def test_a_translation_in_draft_never_reaches_the_public_site(client, standard_page, locales):
    draft = standard_page.copy_for_translation(locales["sv"], copy_parents=True)
    draft.title = "Om Kokeilu (utkast)"
    draft.save_revision()  # not published

    response = client.get("/sv/about/")
    assert response.status_code == 200
    assert "utkast" not in response.text
    assert "About Kokeilu" in response.text
    assert "utkast" not in client.get("/en/about/").text
    assert "utkast" not in client.get("/sv/sitemap.xml").text


def test_a_page_under_a_translated_parent_is_found_in_the_original_tree(
    client, standard_page, locales
):
    child = standard_page.add_child(
        instance=StandardPage(title="Data sources", slug="data-sources")
    )
    translate(standard_page, locales["fi"], title="Tietoa", slug="about")

    response = client.get("/fi/about/data-sources/")

    assert response.status_code == 200
    assert child.title in response.text
    assert 'class="language-notice"' in response.text


def test_each_language_has_a_sitemap_and_the_index_lists_them(client, standard_page, locales):
    translate(standard_page, locales["fi"], title="Tietoa", slug="tietoa")

    index = client.get("/sitemap.xml").text
    for code in ("fi", "sv", "en"):
        assert f"<loc>http://testserver/{code}/sitemap.xml</loc>" in index
    finnish = client.get("/fi/sitemap.xml").text
    # pages carry the site's own address (Site: localhost), views the request's
    assert "<loc>http://localhost/fi/tietoa/</loc>" in finnish
    assert 'hreflang="en" href="http://localhost/en/about/"' in finnish
    assert "<loc>http://testserver/fi/search/</loc>" in finnish
    assert "/fi/tietoa/" not in client.get("/sv/sitemap.xml").text


def test_money_dates_and_numbers_follow_the_language(locales):
    import datetime

    from django.utils import formats, translation

    from portal.locale_names import country_name, money_text

    assert money_text(1234.5, "EUR", "fi") == "1\xa0234,50\xa0€"
    assert money_text(12000, "EUR", "sv") == "12\xa0000\xa0€"
    assert money_text(1234.5, "EUR", "en") == "€1,234.50"
    assert country_name("SE", "fi") == "Ruotsi" and country_name("FI", "sv") == "Finland"
    day = datetime.date(2026, 12, 7)
    with translation.override("fi"):
        assert formats.date_format(day, "DATE_FORMAT") == "7. joulukuuta 2026"
    with translation.override("en"):
        assert formats.date_format(day, "DATE_FORMAT") == "7 December 2026"


def test_a_member_chooses_their_language_and_the_site_opens_in_it(client, home_page):
    user = get_user_model().objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)

    form = client.get("/en/accounts/language/")
    assert 'lang="fi"' in form.text and "Svenska" in form.text
    response = client.post("/en/accounts/language/", {"language": "fi"}, follow=True)

    assert response.redirect_chain[0][0] == "/fi/accounts/language/"
    assert "Kielesi on tallennettu" in response.text or html_lang(response) == "fi"
    assert UserProfile.objects.get(user=user).preferred_language == "fi"
    assert html_lang(client.get("/", headers={"accept-language": "en"})) == "fi"


def test_choosing_a_language_that_the_site_does_not_speak_is_refused(client, home_page):
    user = get_user_model().objects.create_user("reader", "reader@example.org", "pw")
    client.force_login(user)

    response = client.post("/en/accounts/language/", {"language": "de"})

    assert response.status_code == 200
    assert 'id="language-error"' in response.text
    assert not UserProfile.objects.filter(user=user, preferred_language="de").exists()


def test_the_original_text_carries_its_own_language_and_the_interface_the_readers(
    client, standard_page, locales
):
    response = client.get("/sv/about/")

    assert '<h1 lang="en">About Kokeilu</h1>' in response.text
    assert '<p class="lede" lang="en">Who runs the portal and why.</p>' in response.text
    assert '<div class="prose" lang="en">' in response.text
    assert 'lang="en"' not in client.get("/en/about/").text.split("<main", 1)[1]


def test_an_editor_translates_a_page_with_wagtail_localize_and_publishes_it(
    client, standard_page, locales, django_capture_on_commit_callbacks
):
    """The editor's steps: "Translate" on the page, choose Finnish, translate each text in the
    translation editor, publish. Until it is published the Finnish site shows the original."""
    from wagtail_localize.models import StringTranslation, Translation

    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(editor)

    form = client.get(f"/admin/localize/submit/page/{standard_page.pk}/")
    assert form.status_code == 200
    answer = client.post(
        f"/admin/localize/submit/page/{standard_page.pk}/", {"locales": [locales["fi"].pk]}
    )
    assert answer.status_code == 302
    translation = Translation.objects.get(target_locale=locales["fi"])
    assert "About Kokeilu" in client.get("/fi/about/").text  # a draft: not public yet

    finnish = {
        "About Kokeilu": "Tietoa Kokeilusta",
        "Who runs the portal and why.": "Kuka portaalia ylläpitää ja miksi.",
    }
    for segment in translation.source.stringsegment_set.select_related("string"):
        text = finnish.get(segment.string.data, segment.string.data)
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=locales["fi"],
            context=segment.context,
            data=text,
        )
    with django_capture_on_commit_callbacks(execute=True):  # it publishes after the commit
        translation.save_target(user=editor, publish=True)

    page = client.get("/fi/about/")
    assert page.status_code == 200
    assert "<h1>Tietoa Kokeilusta</h1>" in page.text
    assert "Kuka portaalia ylläpitää ja miksi." in page.text
    assert 'class="language-notice"' not in page.text


def test_search_finds_a_translated_case_once_in_the_readers_language(client, home_page, locales):
    from cases.factories import CaseIndexPageFactory, CasePageFactory
    from search.outbox import outbox_drain

    index = CaseIndexPageFactory(parent=home_page)
    case = CasePageFactory(parent=index, title="Bus lanes on trial", slug="bus-lanes")
    finnish = translate(case, locales["fi"], title="Bussikaistat kokeiluna", slug="bussikaistat")
    while outbox_drain(force=True).entries:
        pass

    def found(language: str) -> list[tuple[str, str]]:
        data = client.get(f"/{language}/api/search/", {"q": "bus", "kind": "case"}).json()
        return [(hit["title"], hit["url"]) for hit in data["hits"]]

    assert found("fi") == [("Bussikaistat kokeiluna", finnish.url)]
    assert finnish.url.startswith("/fi/")
    # no Swedish translation: Swedish readers find the English original, in the Swedish frame
    assert found("sv") == [("Bus lanes on trial", "/sv/cases/bus-lanes/")]
    assert found("en") == [("Bus lanes on trial", "/en/cases/bus-lanes/")]
    # the English original's card on the Swedish results page says its language
    swedish_page = client.get("/sv/search/", {"q": "bus", "kind": "case"}).text
    assert '<a href="/sv/cases/bus-lanes/" lang="en">' in swedish_page
    english_page = client.get("/en/search/", {"q": "bus", "kind": "case"}).text
    assert '<a href="/en/cases/bus-lanes/">' in english_page

    # withdrawing the translation gives Finnish readers the original again
    finnish.unpublish()
    while outbox_drain(force=True).entries:
        pass
    assert found("fi") == [("Bus lanes on trial", "/fi/cases/bus-lanes/")]


def test_navigation_made_before_the_languages_reads_in_the_readers_language(client, standard_page):
    # the fixture's links have English labels only, as on a site set up before fi and sv
    finnish = client.get("/fi/about/").text
    swedish = client.get("/sv/about/").text

    assert ">Tietoa palvelusta<" in finnish  # the interface's own "About"
    assert ">Om webbplatsen<" in swedish
    # a label the interface does not know stays as the editors wrote it
    assert "About this portal" in finnish


def test_a_page_read_asks_for_its_translations_once(client, standard_page, locales):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    translate(standard_page, locales["fi"], title="Tietoa Kokeilusta", slug="tietoa")
    client.get("/sv/about/")  # warm the locale and site caches

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sv/about/")  # no Swedish version: the hook and the switcher ask

    assert response.status_code == 200
    key = standard_page.translation_key  # written with dashes on PostgreSQL, without on SQLite
    asked = [
        q["sql"]
        for q in queries.captured_queries
        if f"\"translation_key\" = '{key.hex}'" in q["sql"]
        or f"\"translation_key\" = '{key}'" in q["sql"]
    ]
    assert len(asked) == 1, asked
