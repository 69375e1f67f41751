"""Reads for story pages and the stories listing."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from wagtail.models import Page

from network.models import MemberStatus
from search.selectors import kind_label, search_related
from stories.models import StoryPage
from stories.search import KIND

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

RELATED_LIMIT = 6
# Slugs are cut here, leaving room for a "-2" suffix within Wagtail's 255 characters.
SLUG_LENGTH = 70


def story_slug_free(*, parent: Page, text: str) -> str:
    """A slug made from `text` that no child of `parent` has yet: the slug itself, or the first
    free of "<slug>-2", "<slug>-3"... ("story" when `text` makes no slug)."""
    base = slugify(text)[:SLUG_LENGTH].strip("-") or "story"
    taken = set(
        Page.objects.child_of(parent).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def story_write_url(*, user: User | AnonymousUser) -> str | None:
    """The admin's "new story" form under the first stories index where `user` may add a story
    (ambassadors, editors, administrators), or None."""
    from django.urls import reverse

    from stories.models import StoryIndexPage

    if not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return None
    for index in StoryIndexPage.objects.live().order_by("path"):
        if index.permissions_for_user(user).can_add_subpage():
            return reverse("wagtailadmin_pages:add", args=("stories", "storypage", index.pk))
    return None


def stories_awaiting_consent(*, member) -> list[dict[str, str]]:
    """Stories someone wrote with `member` as author whose latest draft waits for their consent
    (`stories.services.stories.story_consent_give`), newest first: title and the address of
    the page where they give it."""
    stories = StoryPage.objects.filter(
        has_unpublished_changes=True,
        latest_revision__content__author=member.pk,
        latest_revision__content__disclosure_consent=False,
    ).order_by("-latest_revision_created_at")
    return [
        {"title": story.draft_title, "url": story_consent_url(story=story)} for story in stories
    ]


def story_consent_url(*, story: StoryPage) -> str:
    """Where the author of `story` agrees to publish it (a route of its stories index)."""
    index = story.get_parent().specific
    return index.url + index.reverse_subpage("consent", args=[story.pk])


def story_author_link(*, page: StoryPage) -> dict | None:
    """The author as readers see them: None for anonymised stories (and unknown authors);
    a link to the profile only while the membership is active."""
    author = page.shown_author
    if author is None:
        return None
    active = author.status == MemberStatus.ACTIVE
    return {"name": author.public_name, "url": author.get_absolute_url() if active else ""}


def story_links(*, page: StoryPage) -> dict[str, Any]:
    """The published cases and tools (in the editor's order), the public PB processes and the
    workshop it links to. Reads the page's own links, so a preview shows the draft's."""
    from budgeting.search import process_queryset
    from cases.models import CasePage
    from toolkit.models import ResourcePage

    workshop = page.workshop if page.workshop_id else None
    if workshop is not None and not workshop.live:
        workshop = None
    return {
        "cases": _pages_in_order(CasePage, [link.case_id for link in page.case_links.all()]),
        "tools": _pages_in_order(ResourcePage, [link.tool_id for link in page.tool_links.all()]),
        "processes": list(
            process_queryset()
            .filter(pk__in=[process.pk for process in page.processes.all()])
            .order_by("title")
            .prefetch_related(None)
        ),
        "workshop": workshop,
    }


def story_related(*, page: StoryPage, limit: int = RELATED_LIMIT) -> list[dict]:
    """Cases, tools and stories like this one, from the knowledge index (public only)."""
    documents = search_related(f"{KIND}:{page.pk}", limit=limit + 4)
    return [
        {"document": doc, "kind_label": kind_label(doc.kind)}
        for doc in documents
        if doc.visibility == "public"
    ][:limit]


def story_structured_data(*, page: StoryPage, author_link: dict | None) -> SafeString:
    """The page's schema.org Article as JSON-LD, safe inside <script>; an author only when the
    story names one."""
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": page.summary,
        "genre": page.get_kind_display(),
    }
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if author_link:
        data["author"] = {"@type": "Person", "name": author_link["name"]}
    text = json.dumps(data, ensure_ascii=False)
    escapes = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    return mark_safe(text.translate(escapes))  # noqa: S308  (escaped for a script element)


def story_page_context(*, page: StoryPage, user: User | AnonymousUser) -> dict:
    """What a story page shows besides its own fields."""
    author_link = story_author_link(page=page)
    return {
        "author_link": author_link,
        "structured_data": story_structured_data(page=page, author_link=author_link),
        "links": story_links(page=page) if page.pk else {},
        "related": story_related(page=page) if page.pk and page.live else [],
        "root_cause_labels": page.root_cause_labels(),
        "index": page.get_parent(),
    }


def _pages_in_order(model: type[Page], ids: list[int]) -> list[Page]:
    """The live, public pages of `model` with these ids, in the order of `ids`."""
    if not ids:
        return []
    found = model.objects.live().public().in_bulk(ids)
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]
