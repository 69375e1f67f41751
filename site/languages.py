"""The site's three languages: which one a request is served in, and the same address in the others.

Every public address carries its language as a prefix (`/fi/`, `/sv/`, `/en/`; `portal.urls`).
An address without one is answered in the reader's language: the one a signed-in member chose in
their settings, else the first of the browser's `Accept-Language` that the site speaks, else
English (its canonical link names the prefixed address). No cookie is set for this: readers get
no cookies.

A page written in one language is shown at every prefix. Where it has no translation in the
reader's language yet, the original is shown with the interface in the reader's language and a
notice (`page_language_notice`); links between pages keep the reader's prefix
(`reader_language_path`), so browsing the English-only case library in Finnish stays in Finnish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from babel import Locale as CldrLocale

from portal.locale_names import language_name

# Paths that have no language: the admin follows each editor's own setting.
UNPREFIXED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/static/",
    "/media/",
    "/documents/",
    "/healthz",
    "/sitemap.xml",
)

# Language codes of the world (CLDR), to tell "/de/…" (a language this site does not speak: a
# plain 404) from a mistyped path. No top-level route of the site is a language code.
FOREIGN_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}(?:-[a-z0-9]{2,8})?$")


def site_languages() -> list[str]:
    """The language codes the site is served in, in the order of `settings.LANGUAGES`."""
    return [code for code, _name in settings.LANGUAGES]


def language_from_path(path: str) -> str | None:
    """The site language that `path` starts with (`/fi/cases/` → `fi`), if any."""
    segment = path.lstrip("/").split("/", 1)[0]
    return segment if segment in site_languages() else None


def is_foreign_language_path(path: str) -> bool:
    """Whether `path` starts with a language code that is not one of the site's (`/de/…`)."""
    segment = path.lstrip("/").split("/", 1)[0].lower()
    if not FOREIGN_LANGUAGE_SEGMENT.match(segment) or segment in site_languages():
        return False
    return segment.split("-")[0] in _cldr_language_codes()


@cache
def _cldr_language_codes() -> frozenset[str]:
    return frozenset(
        code for code in CldrLocale("en").languages if isinstance(code, str) and len(code) == 2
    )


# Languages that have their own columns beside the English one (`name_fi`, `name_sv`...).
TRANSLATED_FIELD_LANGUAGES = ("fi", "sv")


def language_field(field: str, language: str | None = None) -> str:
    """The column holding `field` in a language: `name_fi`, `name_sv`, or `name` for English."""
    language = (language or translation.get_language() or "en").split("-")[0]
    return f"{field}_{language}" if language in TRANSLATED_FIELD_LANGUAGES else field


def translated_value(obj, field: str, language: str | None = None):
    """`obj.<field>` in the reader's language (`name_fi`…), the English `field` where empty."""
    return getattr(obj, language_field(field, language), None) or getattr(obj, field)


def reader_language_path(url: str, language: str | None = None) -> str:
    """A site address in the reader's language: `/en/cases/x/` read in Finnish is `/fi/cases/x/`.

    Addresses of other sites, of files and of the admin are returned unchanged; a site path
    without a language gets one.
    """
    if not url or not url.startswith("/") or url.startswith("//"):
        return url
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in site_languages() or url.startswith(UNPREFIXED_PREFIXES):
        return url
    current = language_from_path(url)
    if current == language:
        return url
    if current:
        return f"/{language}{url[len(current) + 1 :]}"
    return f"/{language}{url}"


def member_language(user) -> str | None:
    """The language a signed-in person chose for the site and its e-mails, if it is one of ours.

    It is the language of their profile settings (Wagtail's user profile, which the admin reads
    too), so one choice serves the site, the admin, e-mails and calendar files.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from wagtail.users.models import UserProfile

    code = (
        UserProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    )
    return code if code in site_languages() else None


def recipient_language(user):
    """`with recipient_language(user):` writes what is inside in the language `user` chose.

    For e-mails and files made for someone other than the reader of the page (a member told
    of a decision, a place that opened up); the current language where they chose none.
    """
    return translation.override(member_language(user) or translation.get_language())


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with a member's own language first, no guessing on `/de/`, and
    addresses without a language answered in the reader's language rather than redirected.

    `/` or `/search/?q=x` is served as `/fi/…` would be for a Finnish reader (the page's links
    and its canonical link carry the prefix); the answer varies by `Accept-Language` and, for a
    signed-in member, by their session.
    """

    def process_request(self, request):
        path = request.path_info
        if is_foreign_language_path(path):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)
        if language_from_path(path) or path.startswith(UNPREFIXED_PREFIXES):
            return
        if is_valid_path(path, getattr(request, "urlconf", None)):
            return  # a route outside the languages (machines' and tests' addresses)
        chosen = member_language(getattr(request, "user", None))
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        prefixed = f"/{translation.get_language()}{path}"
        request.unprefixed_path = request.path
        request.path = request.path[: len(request.path) - len(path)] + prefixed
        request.path_info = prefixed

    def process_response(self, request, response):
        if getattr(request, "unprefixed_path", None):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        path = request.path_info
        if response.status_code == 404 and (
            is_foreign_language_path(path) or path.startswith(UNPREFIXED_PREFIXES)
        ):
            # not redirected to /en/de/… or /en/admin/…: a language this site does not speak,
            # and addresses that have no language, stay the 404 they are
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


@dataclass(frozen=True)
class LanguageVersion:
    """One language's version of the page being read, for the switcher and `hreflang` links."""

    code: str
    name: str  # the language's own name for itself (CLDR): "suomi", "svenska", "English"
    url: str
    current: bool
    translated: bool  # False: shown in its original language with a notice


def language_versions(request, page=None) -> list[LanguageVersion]:
    """The page being read in each of the site's languages, query string kept.

    For a Wagtail page, a language in which the page has a live translation leads there; one
    without leads to the original, shown with the interface in that language (`translated`
    False). Other views exist in every language.
    """
    current = translation.get_language()
    full_path = request.get_full_path()
    query = urlsplit(full_path).query
    translations = page_translations(page, request)
    versions = []
    for code in site_languages():
        translated = True
        if translations is not None:
            target = translations.get(code)
            if target is None:
                translated = False
                url = reader_language_path(full_path, code)
            else:
                url = _with_query(page_url(target, request) or full_path, query)
        else:
            url = translate_url(full_path, code)
            if url == full_path and code != current:
                url = reader_language_path(full_path, code)
        versions.append(
            LanguageVersion(
                code=code,
                name=language_name(code, code),
                url=url,
                current=code == current,
                translated=translated,
            )
        )
    return versions


def locale_language(locale_id: int | None) -> str | None:
    """The language code of a Wagtail locale, without a query once the locales have been read."""
    if locale_id is None:
        return None
    if locale_id not in _LOCALE_LANGUAGES:
        from wagtail.models import Locale

        _LOCALE_LANGUAGES.update(Locale.objects.values_list("pk", "language_code"))
    return _LOCALE_LANGUAGES.get(locale_id)


_LOCALE_LANGUAGES: dict[int, str] = {}


def page_url(page, request=None, *, full: bool = False) -> str | None:
    """A page's own address, in the language it is written in (not the reader's)."""
    with translation.override(locale_language(page.locale_id)):
        return page.get_full_url(request) if full else page.get_url(request)


def page_translations(page, request=None) -> dict | None:
    """A page's live versions by language code (the page itself included); None for no page.

    Read once per request: the serve hook (is there a version in the reader's language?) and
    the switcher ask the same.
    """
    if page is None or not hasattr(page, "get_translations"):
        return None
    known = getattr(request, "_page_translations", None) if request is not None else None
    if known is not None and page.pk in known:
        return known[page.pk]
    pages = page.get_translations(inclusive=True).live().select_related("locale")
    versions = {each.locale.language_code: each for each in pages}
    if request is not None:
        if known is None:
            known = request._page_translations = {}
        known[page.pk] = versions
    return versions


def _with_query(url: str, query: str) -> str:
    if not query:
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def page_text_language(page) -> str | None:
    """The language a page's own text is written in: its author's `written_in` (a member's
    story), else its locale's language; None without a page."""
    return getattr(page, "written_in", "") or locale_language(getattr(page, "locale_id", None))


def written_in_field() -> models.CharField:
    """The column saying which language a member's own text (a profile, story, proposal or
    comment) is written in. The author sets it; blank means not said (older texts).

    Pages and pages' text use their locale instead; this is for texts that belong to one member
    and are not translated, so that they keep the language they were written in.
    """
    return models.CharField(
        _("written in"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language this text is written in."),
    )


def text_language(code: str | None) -> str:
    """`code` when a text in it is read in another language (for `lang` and a short note);
    empty when it is the reader's language or not known."""
    code = (code or "").split("-")[0]
    if code not in site_languages():
        return ""
    return "" if code == (translation.get_language() or "").split("-")[0] else code


def children_across_languages(parent, model) -> models.QuerySet:
    """The live, public `model` pages under every language version of `parent`, each once: its
    version in `parent`'s language where there is one, else the original (the first made).

    So the Finnish stories or workshops page also lists what nobody has translated into Finnish
    yet, in its own language, and a translated page only once. One query, remembered on
    `parent` for the rest of the request (a page lists its upcoming and its past workshops).
    """
    from wagtail.models import Page

    remembered = parent.__dict__.setdefault("_children_across_languages", {})
    if model not in remembered:
        parent_version = Page.objects.filter(
            translation_key=parent.translation_key,
            live=True,
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen),
        )
        versions = (
            model.objects.filter(Exists(parent_version))
            .live()
            .public()
            .order_by("pk")
            .values_list("pk", "translation_key", "locale_id")
        )
        chosen: dict = {}
        for pk, key, locale_id in versions:
            if key not in chosen or locale_id == parent.locale_id:
                chosen[key] = pk
        remembered[model] = list(chosen.values())
    return model.objects.filter(pk__in=remembered[model])
