"""The demo site: a home page, the site-wide pages, settings, an admin account and sample content.

`demo_load()` is what `manage.py load_demo` runs. It is idempotent (pages are found by slug, users
by username, settings only filled when empty) and refuses to run under production settings: it
creates a superuser with a published password.

The content areas bring their own demo loaders (`cases.demo.load_cases`,
`toolkit.demo.load_resources`, see `CONTENT_LOADERS`); they are called with the knowledge index's
outbox paused, and the index is rebuilt once at the end.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wagtail.models import Locale, Page, Site

from allauth.account.models import EmailAddress

from portal.deployment import production_settings_active
from portal.languages import language_field, site_languages
from portal.locale_names import language_name
from portal.models import HomePage, NavigationSettings, SiteSettings, StandardPage
from portal.site_address import site_address

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "kokeilu-demo"  # published on purpose: demo content only, never in production

HOME_SLUG = "home"
ABOUT_SLUG = "about"
DATA_SOURCES_SLUG = "data-sources"

# (module, function) of each content area's demo loader, in loading order (members first: cases,
# stories and processes name them; tools before the cases that use them; processes before the
# stories that link them). Imported when the demo loads: budgeting.demo imports this module.
CONTENT_LOADERS: tuple[tuple[str, str], ...] = (
    ("network.demo", "load_members"),
    ("toolkit.demo", "load_resources"),
    ("cases.demo", "load_cases"),
    ("budgeting.demo", "load_processes"),
    ("stories.demo", "load_stories"),
)


class DemoRefused(Exception):
    """The demo must not be loaded here (production settings)."""


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def demo_allowed() -> bool:
    """False under the production settings module, where a published password has no place."""
    return not production_settings_active()


def demo_email_verify(user) -> None:
    """Mark the demo account's e-mail address verified and primary, so that it can log in by
    e-mail address although the site asks every new address to be confirmed first."""
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def demo_load(*, limit: int | None = None, stdout: TextIO | None = None) -> DemoReport:
    """Create the demo site, or complete it: nothing that already exists is created again.

    `limit` caps how many items each content loader creates (tests use small numbers).
    """
    if not demo_allowed():
        raise DemoRefused(
            _(
                "The demo creates an admin account with a published password; it does not run "
                "under production settings (%(module)s)."
            )
            % {"module": settings.SETTINGS_MODULE}
        )
    report = DemoReport()
    with _indexing_paused():
        with transaction.atomic():
            admin = demo_admin_ensure(report)
            home = demo_home_ensure(report, user=admin)
            about = _standard_page_ensure(
                report, home, slug=ABOUT_SLUG, user=admin, **about_page_content()
            )
            data_sources = _standard_page_ensure(
                report, home, slug=DATA_SOURCES_SLUG, user=admin, **data_sources_page_content()
            )
            demo_settings_ensure(report, site=home.get_site(), about=about, sources=data_sources)
            # the site's own pages in Finnish and Swedish too, written from the catalogues
            for page, content in (
                (home, lambda: {"title": _("Kokeilu"), "intro": home_intro()}),
                (about, about_page_content),
                (data_sources, data_sources_page_content),
            ):
                demo_translations_ensure(report, page, content, user=admin)
        _content_load(report, home, limit=limit, stdout=stdout)
    _indexes_rebuild(stdout)
    report.accounts.append((ADMIN_USERNAME, ADMIN_PASSWORD, _("superuser: the whole admin")))
    return report


def demo_admin_ensure(report: DemoReport):
    """The demo superuser; an existing account is left as it is (password included)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is not None:
        report.skipped.append(_("user %(username)s") % {"username": ADMIN_USERNAME})
        return user
    user = user_model.objects.create_superuser(
        username=ADMIN_USERNAME, email="admin@example.org", password=ADMIN_PASSWORD
    )
    demo_email_verify(user)
    report.created.append(_("superuser %(username)s") % {"username": ADMIN_USERNAME})
    return user


def demo_home_ensure(report: DemoReport, *, user=None) -> HomePage:
    """The HomePage as the default site's root, replacing Wagtail's initial "Welcome" page."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    old_root = site.root_page if site else None
    home = HomePage.objects.first()
    if home is None:
        tree_root = Page.get_first_root_node()
        if old_root is not None and old_root.slug == HOME_SLUG and old_root.depth == 2:
            # Wagtail's welcome page holds the slug "home"; free it for the real home page.
            old_root.slug = "welcome"
            old_root.save(update_fields=["slug", "url_path"])
        home = tree_root.add_child(
            instance=HomePage(title=_("Kokeilu"), slug=HOME_SLUG, intro=home_intro())
        )
        home.save_revision(user=user).publish(user=user)
        report.created.append(_("home page"))
    else:
        report.skipped.append(_("home page"))

    if site is None:
        hostname, port = site_address()
        Site.objects.create(
            hostname=hostname,
            port=port,
            site_name=_("Kokeilu"),
            root_page=home,
            is_default_site=True,
        )
        report.created.append(_("default site"))
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or _("Kokeilu")
        site.save()
        report.created.append(_("default site now starts at the home page"))
    if old_root is not None and old_root.pk != home.pk and _is_welcome_page(old_root):
        old_root.delete()
        report.created.append(_("removed Wagtail's initial welcome page"))
    return home


def demo_translations_ensure(
    report: DemoReport, page: Page, content, *, user=None, languages: Iterable[str] | None = None
) -> None:
    """Publish `page` in each other language (of `languages`, default all the site's), its
    fields from `content()` in that language.

    A translation that exists is left as it is (an editor may have changed it). Translations are
    linked to the page as wagtail-localize's "Translate" would link them (one translation key),
    so the switcher and hreflang find them, and an editor can keep them up to date.
    """
    source_language = page.locale.language_code
    for language in site_languages() if languages is None else languages:
        if language == source_language:
            continue
        locale, _created = Locale.objects.get_or_create(language_code=language)
        if page.get_translation_or_none(locale) is not None:
            report.skipped.append(_("page “%(title)s” in %(language)s") % _named(page, language))
            continue
        with translation.override(language):
            fields = content()
        translated = page.specific.copy_for_translation(locale, copy_parents=True)
        for name, value in fields.items():
            setattr(translated, name, value)
        translated.save_revision(user=user).publish(user=user)
        report.created.append(_("page “%(title)s” in %(language)s") % _named(page, language))


def _named(page: Page, language: str) -> dict:
    return {"title": page.title, "language": language_name(language)}


def _is_welcome_page(page: Page) -> bool:
    """Wagtail's initial page: a plain Page at the top of the tree, with nothing under it."""
    return (
        page.depth == 2
        and page.specific_class is Page
        and not page.get_children().exists()
        and not page.sites_rooted_here.exists()
    )


def _standard_page_ensure(
    report: DemoReport, parent: Page, *, slug: str, user=None, title: str, intro: str, body: list
) -> StandardPage:
    page = StandardPage.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        report.skipped.append(_("page “%(title)s”") % {"title": page.title})
        return page
    page = parent.add_child(instance=StandardPage(title=title, slug=slug, intro=intro, body=body))
    page.save_revision(user=user).publish(user=user)
    report.created.append(_("page “%(title)s”") % {"title": title})
    return page


TAGLINE = gettext_lazy(
    "Courage to experiment: what public servants tried, what worked and what slipped."
)
FOOTER_TEXT = gettext_lazy(
    "Kokeilu is a demonstration knowledge portal for public-sector experimentation. "
    "Content adapted from Participedia is licensed CC BY-SA 4.0; 18F methods are in the "
    "public domain; see “Data sources and licences” for every source and its licence."
)


def demo_settings_ensure(report: DemoReport, *, site: Site, about: Page, sources: Page) -> None:
    """Fill the site and navigation settings where they are still empty."""
    site_settings = SiteSettings.for_site(site)
    if not site_settings.tagline and not site_settings.footer_text:
        texts = {
            **in_each_language("tagline", TAGLINE),
            **in_each_language("footer_text", FOOTER_TEXT),
        }
        for name, value in texts.items():
            setattr(site_settings, name, value)
        site_settings.save()
        report.created.append(_("site settings"))
    else:
        report.skipped.append(_("site settings"))

    navigation = NavigationSettings.for_site(site)
    if not navigation.header_links and not navigation.footer_links:
        navigation.header_links = [
            _link(gettext_lazy("Cases"), url="/cases/"),
            _link(gettext_lazy("Toolkit"), url="/toolkit/"),
            _link(gettext_lazy("Stories"), url="/stories/"),
            _link(gettext_lazy("Network"), url="/network/"),
            _link(gettext_lazy("Participatory budgets"), url="/pb/"),
            _link(gettext_lazy("Search"), url="/search/"),
            _link(gettext_lazy("About"), page=about),
        ]
        navigation.footer_links = [
            _link(gettext_lazy("About"), page=about),
            _link(gettext_lazy("Data sources and licences"), page=sources),
            _link(gettext_lazy("Admin"), url="/admin/"),
        ]
        navigation.save()
        report.created.append(_("navigation"))
    else:
        report.skipped.append(_("navigation"))


def _link(label, *, page: Page | None = None, url: str = "") -> dict:
    """A navigation link labelled in English, Finnish and Swedish (`label` is a lazy message)."""
    return {
        "type": "link",
        "value": {
            **in_each_language("label", label),
            "page": page.pk if page else None,
            "url": url,
        },
    }


def in_each_language(field: str, message) -> dict[str, str]:
    """`{field: English, field_fi: Finnish, field_sv: Swedish}` of a message in the catalogues."""
    values = {}
    for language in site_languages():
        with translation.override(language):
            values[language_field(field, language)] = str(message)
    return values


@contextlib.contextmanager
def _indexing_paused():
    """Pause the knowledge index's outbox while loading: the index is rebuilt once at the end."""
    from search.outbox import outbox_paused  # imported when used: it needs the apps loaded

    with outbox_paused():
        yield


def _content_load(
    report: DemoReport, home: HomePage, *, limit: int | None, stdout: TextIO | None
) -> None:
    for module_name, function_name in CONTENT_LOADERS:
        # A missing module or function (a typo) raises: every loader exists.
        loader = getattr(importlib.import_module(module_name), function_name)
        # One transaction per content area: a loader that fails leaves nothing half-loaded.
        with transaction.atomic():
            count = loader(home, limit=limit, stdout=stdout)
        message = ngettext(
            "%(count)d item from %(loader)s", "%(count)d items from %(loader)s", count or 0
        ) % {
            "count": count or 0,
            "loader": f"{module_name}.{function_name}",
        }
        (report.created if count else report.skipped).append(message)


def _indexes_rebuild(stdout: TextIO | None) -> None:
    call_command("search_index", "rebuild", stdout=stdout)
    # Wagtail's reference index ("usage" counts in the admin)
    call_command("rebuild_references_index", stdout=stdout)


# Page content. Kept as code rather than a fixture so that every string can be translated.


def home_intro() -> str:
    return _(
        "Kokeilu collects what public servants have tried: case studies, tools and methods, and "
        "honest stories of experiments that worked, slipped or are not finished yet."
    )


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def about_page_content() -> dict:
    return {
        "title": _("About Kokeilu"),
        "intro": _(
            "Kokeilu (Finnish for “experiment”) is a knowledge portal and network for "
            "public-sector experimentation."
        ),
        "body": [
            _heading(_("What the portal is")),
            _paragraph(
                _(
                    "<p>Kokeilu brings together case studies of public-sector innovation, a "
                    "toolkit navigator of methods and resources, stories from practitioners and a"
                    " network of people who run experiments in government. One search links all "
                    "of it: filter by country, theme, method, lifecycle stage, level of "
                    "government or Sustainable Development Goal.</p>"
                )
            ),
            _heading(_("The courage to experiment")),
            _paragraph(
                _(
                    "<p>Public organisations learn fastest from each other's experiments, "
                    "including the ones that did not go to plan. Kokeilu publishes successes, "
                    "slip-ups and unfinished work side by side, so that the next team can start "
                    "from what others found out rather than from scratch.</p>"
                )
            ),
            _heading(_("A library in the OPSI tradition")),
            _paragraph(
                _(
                    "<p>The case library follows the model of the OECD Observatory of Public "
                    "Sector Innovation (OPSI): each case says what problem it addressed, what "
                    "made it innovative, which stage of the innovation lifecycle it reached, what"
                    " came of it and what others can learn. Cases use OPSI's vocabularies for "
                    "policy areas, levels of government and innovation facets.</p>"
                )
            ),
            _paragraph(
                _(
                    "<p>The demo content comes from open datasets; the page “Data sources and "
                    "licences” credits each of them.</p>"
                )
            ),
        ],
    }


def data_sources_page_content() -> dict:
    return {
        "title": _("Data sources and licences"),
        "intro": _("Where the demo content comes from, who made it and under which licence."),
        "body": [
            _heading(_("Participedia")),
            _paragraph(
                _(
                    "<p>Case studies and method descriptions marked as coming from Participedia "
                    'are adapted from <a href="https://participedia.net/">participedia.net</a>, '
                    "written by Participedia's contributors and licensed under <a "
                    'href="https://creativecommons.org/licenses/by-sa/4.0/">Creative Commons '
                    "Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)</a>. Our adaptations"
                    " (shortened, reformatted, tagged with our vocabularies) are shared under the"
                    " same licence. The texts were taken from exports published in the "
                    "participedia/api and participedia/data-transfer repositories.</p>"
                )
            ),
            _heading(_("18F Methods")),
            _paragraph(
                _(
                    '<p>Design methods from <a href="https://methods.18f.gov/">18F Methods</a> by'
                    " 18F, part of the U.S. General Services Administration. As a work of the "
                    "United States Government they are in the public domain in the United States,"
                    " and dedicated to the public domain worldwide under <a "
                    'href="https://creativecommons.org/publicdomain/zero/1.0/">CC0 1.0</a>.</p>'
                )
            ),
            _heading(_("UNDP Accelerator Labs")),
            _paragraph(
                _(
                    "<p>Experiments, stories and tools from the UNDP Accelerator Labs' R&amp;D "
                    'archive and <a href="https://sdg-innovation-commons.org/">SDG Commons</a> '
                    "(UNDP-Accelerator-Labs/sdg-innovation-commons, archived pages of November "
                    "2025). The content is authored by UNDP and its Accelerator Labs and credited"
                    " to them on every page that uses it; the repository is published under the "
                    "MIT licence (© 2024 UNDP Accelerator Labs). Please check UNDP's terms before"
                    " reusing these texts elsewhere.</p>"
                )
            ),
            _heading(_("OECD Observatory of Public Sector Innovation")),
            _paragraph(
                _(
                    "<p>The lists of policy areas, levels of government, organisation types and "
                    "lifecycle stages follow the choice lists of OPSI's case study form (<a "
                    'href="https://github.com/oecd-opsi/opsi">oecd-opsi/opsi</a>), and the four '
                    "innovation facets follow OPSI's innovation facets model. Only these names "
                    "are used; no OPSI case content is reproduced.</p>"
                )
            ),
            _heading(_("Countries and Sustainable Development Goals")),
            _paragraph(
                _(
                    "<p>Country names and codes follow ISO 3166-1, as published by Debian's "
                    "iso-codes project. The names and goal statements of the 17 Sustainable "
                    "Development Goals are those of the <a "
                    'href="https://sdgs.un.org/goals">United Nations</a>.</p>'
                )
            ),
            _heading(_("Participatory budgeting data")),
            _paragraph(
                _(
                    "<p>The participatory budgeting examples and tests use elections from <a "
                    'href="https://pabulib.org/">Pabulib</a>, the participatory budgeting '
                    "library: Faliszewski, Flis, Peters, Pierczyński, Skowron, Stolicki, Szufa "
                    "and Talmon, “Participatory Budgeting: Data, Tools and Analysis”, IJCAI 2023;"
                    " Stolicki, Szufa and Talmon, “Pabulib: A Participatory Budgeting Library”, "
                    "2020. Pabulib states no licence for its data, so the elections are used for "
                    "tests and checks and are not published as site content. The same holds for "
                    "the Winterthur culture committee vote of 2024 (Yang and Bachmann, KK24 "
                    "deliberation and voting dataset).</p>"
                )
            ),
        ],
    }
