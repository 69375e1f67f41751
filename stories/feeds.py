"""The Atom feed of stories (`<stories>/feed/`): public stories only, newest first.

Members-only stories never appear (a feed reader is not signed in), and an entry names its
author only for named stories (`StoryPage.shown_author`).

Every field of a story, its author and the index is plain text. Atom carries titles, names and
the subtitle as text constructs, which readers show as text; the summary goes out in
`<summary type="html">`, which readers render as HTML, so it is HTML-escaped first. Control
characters that XML 1.0 cannot carry are left out (Django's feed writer refuses them, which
would break the feed for every reader).
"""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.languages import children_across_languages
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure, StoryKind

FEED_SIZE = 50
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", value)


class StoryFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, *, index: StoryIndexPage) -> None:
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return _xml_text(_("%(title)s: stories") % {"title": self.index.title})

    def subtitle(self) -> str:
        return _xml_text(
            self.index.intro or _("Successes, slip-ups and unfinished stories of experiments.")
        )

    def link(self) -> str:
        return self.index.url

    def feed_url(self) -> str:
        return self.index.url + self.index.reverse_subpage("feed")

    def items(self):
        return (
            children_across_languages(self.index, StoryPage)
            .exclude(disclosure=Disclosure.MEMBERS)
            .select_related("author")
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: StoryPage) -> str:
        kinds = dict(StoryKind.choices)
        return _xml_text(f"{kinds.get(item.kind, item.kind)}: {item.title}")

    def item_description(self, item: StoryPage) -> str:
        # plain text inside <summary type="html">: escaped, so a reader shows it as typed
        return escape(_xml_text(item.summary))

    def item_link(self, item: StoryPage) -> str:
        return item.url

    def item_guid(self, item: StoryPage) -> str:
        return self.request.build_absolute_uri(item.url)

    def item_pubdate(self, item: StoryPage):
        return item.first_published_at

    def item_updateddate(self, item: StoryPage):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item: StoryPage) -> str | None:
        author = item.shown_author
        return _xml_text(author.public_name) if author is not None else None

    def item_categories(self, item: StoryPage) -> list[str]:
        return [item.kind]
