"""The table of contents of a case page: its sections and the headings of its body.

A long case (Participedia's run to 8,000 px) needs a way to jump to a section. The narrative
sections already carry ids; the body's headings come from imported or edited rich text, which
keeps no ids, so they get theirs here, at rendering time. The body's HTML is the site's own
sanitised rich text (at most <h2>-<h4>, no attributes on headings) rendered by its block
templates, so a heading is found by a simple pattern.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

# Fewer entries than this and the page is short enough to read without one.
CONTENTS_MIN_ENTRIES = 3

_HEADING = re.compile(r"<(h[23])(\s[^>]*)?>(.*?)</\1>", re.S | re.I)
_ID = re.compile(r'\sid="([^"]*)"')


@dataclass
class ContentsEntry:
    id: str
    title: str
    children: list[ContentsEntry] = field(default_factory=list)


def headings_anchored(body_html: str, *, taken: set[str]) -> tuple[SafeString, list[ContentsEntry]]:
    """The body's HTML with an id on every <h2> and <h3> that lacks one, and an entry per
    heading. `taken` holds the ids the rest of the page uses; new ids are added to it."""
    entries: list[ContentsEntry] = []

    def anchor(match: re.Match) -> str:
        tag, attributes, inner = match.group(1), match.group(2) or "", match.group(3)
        title = " ".join(html.unescape(strip_tags(inner)).split())
        if not title:
            return match.group(0)
        existing = _ID.search(attributes)
        if existing:
            heading_id = existing.group(1)
        else:
            heading_id = _unique_id(slugify(title) or "heading", taken)
            attributes = f'{attributes} id="{heading_id}"'
        taken.add(heading_id)
        entries.append(ContentsEntry(heading_id, title))
        return f"<{tag}{attributes}>{inner}</{tag}>"

    anchored = _HEADING.sub(anchor, str(body_html))
    return mark_safe(anchored), entries  # noqa: S308  # the site's sanitised rich text


def case_body_and_contents(*, page, context: dict) -> dict:
    """The page's body rendered with `context` (blocks such as a PB process need the request)
    and ids on its headings, and the page's table of contents ([] for a short page)."""
    body_html, body_entries = headings_anchored(
        page.body.render_as_block(context=context) if page.body else "", taken=page_ids()
    )
    return {"body_html": body_html, "contents": case_contents(page, body_entries=body_entries)}


def case_contents(page, *, body_entries: list[ContentsEntry]) -> list[ContentsEntry]:
    """The page's sections in reading order (the body's headings under its own section), or
    [] when the page is too short to need a table of contents."""
    entries: list[ContentsEntry] = []
    if page.is_experiment:
        entries.append(ContentsEntry("experiment-heading", _("Experiment card")))
    narrative = page.narrative()
    entries += [ContentsEntry(f"section-{name}", heading) for name, heading, _text in narrative]
    if page.body:
        title = _("More about the case") if narrative else _("The case")
        entries.append(ContentsEntry("section-more", title, children=body_entries))
    count = len(entries) + len(body_entries)
    return entries if count >= CONTENTS_MIN_ENTRIES else []


def page_ids() -> set[str]:
    """The ids case_page.html gives its own elements (body headings must not take them)."""
    from cases.models.pages import NARRATIVE_SECTIONS

    return {
        "case-facts-heading",
        "contents-heading",
        "experiment-heading",
        "section-more",
        "images-heading",
        "links-heading",
        "lineage-heading",
        "contact-heading",
        "related-heading",
        "main",
        "site-nav",
        "site-search-q",
        *(f"section-{name}" for name, _heading in NARRATIVE_SECTIONS),
    }


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
