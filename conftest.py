"""Fixtures shared by every test package: a small page tree with a home page and a standard page.

The page tree is built explicitly (not taken from Wagtail's initial migration) because browser
tests run in transactions that are flushed between tests, which removes the migration's root
page, default locale and site.
"""

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every rate limit counts in the cache (portal.rate_limits, allauth): each test starts
    with none used, whatever the tests before it did."""
    from django.core.cache import cache

    cache.clear()
    # A search finds what the test indexed by the words it typed: the synonym groups a new site
    # starts with (search migration 0009) stay out until a test saves a group of its own.
    from search.synonyms import SYNONYMS_CACHE_KEY

    cache.set(SYNONYMS_CACHE_KEY, ())


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in /fi/ leaves Finnish active in the
    thread (as Django's LocaleMiddleware does), which code outside requests would then use."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _page_tree_root():
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(
                title="Root",
                slug="root",
                content_type=ContentType.objects.get_for_model(Page),
            )
        )
    return root


@pytest.fixture
def home_page(db):
    """A HomePage as the root of the default Site, with site settings and navigation."""
    from wagtail.models import Site

    from portal.models import HomePage, SiteSettings

    root = _page_tree_root()
    Site.objects.all().delete()
    for child in root.get_children():
        child.delete()
    home = root.add_child(
        instance=HomePage(
            title="Kokeilu",
            slug="home",
            intro="Public servants learn from each other's experiments.",
        )
    )
    site = Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Kokeilu"
    )
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "tagline": "Courage to experiment",
            "contact_email": "kokeilu@example.org",
            "footer_text": "Kokeilu is run by the network of public-sector innovators.",
        },
    )
    return home


@pytest.fixture
def home(db):
    """A home page added beside whatever the tree holds, serving the default site, as the demo
    and production trees have (the content apps' tests build their areas under it)."""
    from wagtail.models import Site

    from portal.models import HomePage

    root = _page_tree_root()  # a transactional test before this one may have flushed it
    home = HomePage(title="Kokeilu", slug="kokeilu-home")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
    )
    return home


@pytest.fixture
def standard_page(home_page):
    """An 'About' StandardPage under the home page, linked from the header navigation."""
    from portal.models import NavigationSettings, StandardPage

    page = home_page.add_child(
        instance=StandardPage(
            title="About Kokeilu",
            slug="about",
            intro="Who runs the portal and why.",
            body=[
                ("heading", {"text": "Why experiment", "level": "h2"}),
                ("paragraph", "<p>Small <b>experiments</b> make change safer.</p>"),
                ("quote", {"text": "Slip-ups are allowed.", "attribution": "An ambassador"}),
                (
                    "call_to_action",
                    {
                        "title": "Share your experiment",
                        "text": "Unfinished stories are welcome too.",
                        "page": None,
                        "url": "https://example.org/share",
                        "link_text": "Tell your story",
                    },
                ),
            ],
        )
    )
    site = home_page.get_site()
    NavigationSettings.objects.update_or_create(
        site=site,
        defaults={
            "header_links": [
                ("link", {"label": "About", "page": page, "url": ""}),
                ("link", {"label": "Search", "page": None, "url": "/search/"}),
            ],
            "footer_links": [("link", {"label": "About this portal", "page": page, "url": ""})],
        },
    )
    return page
