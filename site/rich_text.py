"""Imported HTML made safe for the site's rich text, and rich text made plain for the index.

The one sanitiser configuration for rich-text fields: the allow-list matches the rich text
features of `portal.blocks.BaseStreamBlock`'s paragraph block, so what an import stores is what
an editor could have typed.
"""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

from wagtail import blocks
from wagtail.rich_text import RichText

import bleach

ALLOWED_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "b", "i", "a", "ul", "ol", "li", "hr", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Content that must go with its tags, not be kept as text the way bleach keeps it.
_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
# The editor's own tags for bold and italic are <b> and <i>.
_RENAMES = (
    (re.compile(r"<(/?)strong\b", re.IGNORECASE), r"<\1b"),
    (re.compile(r"<(/?)em\b", re.IGNORECASE), r"<\1i"),
)
_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_ANCHOR_WITHOUT_HREF = re.compile(r"<a>(.*?)</a>", re.DOTALL)
_FORMATTED_HEADING = re.compile(r"<(h[2-4])>\s*<([bi])>(.*?)</\2>\s*</\1>", re.DOTALL)
# `\s` already covers the no-break space; listing it again made the pattern backtrack for
# minutes on long runs of them.
_EMPTY_BLOCK = re.compile(r"<(p|li|h[2-4]|blockquote)>(?:\s|<br>|&nbsp;)*</\1>")
_SPACE = re.compile(r"\s+")
_BLOCK_TAG = re.compile(r"<(?=/?(?:p|h[1-6]|li|br|hr|div|blockquote|ul|ol|tr|td|th)\b)", re.I)


def sanitise_html(value: str) -> str:
    """Reduce imported HTML to the tags and attributes the site's rich text allows.

    Headings are shifted so that the highest level in the text becomes <h2> (the page title is
    the only <h1>), and nothing goes deeper than <h4>.
    """
    value = _DROP_WITH_CONTENT.sub("", value or "")
    for pattern, replacement in _RENAMES:
        value = pattern.sub(replacement, value)
    levels = [int(level) for _, level in _HEADING.findall(value)]
    if levels:
        shift = 2 - min(levels)
        value = _HEADING.sub(
            lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + shift, 2), 4)}", value
        )
    value = bleach.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    value = _ANCHOR_WITHOUT_HREF.sub(r"\1", value)
    value = _FORMATTED_HEADING.sub(r"<\1>\3</\1>", value)  # a heading is bold enough
    previous = None
    while previous != value:
        previous, value = value, _EMPTY_BLOCK.sub("", value)
    return value.strip()


def body_from_html(value: str) -> list[tuple[str, RichText]]:
    """A StreamField value for `BaseStreamBlock` holding the sanitised HTML as one paragraph."""
    cleaned = sanitise_html(value)
    return [("paragraph", RichText(cleaned))] if cleaned else []


def plain_text(value: str) -> str:
    """Text without markup or entities, on one line."""
    # a space at block boundaries, so that "<h2>Aim</h2><p>To" does not read "AimTo"
    value = _BLOCK_TAG.sub(" <", value or "")
    return _SPACE.sub(" ", html.unescape(strip_tags(value))).strip()


def stream_text(stream) -> str:
    """The readable text of a StreamField value (rich text, headings, quotes...), as plain text.

    Only text blocks count: choices (a heading's level), links and images are not content.
    """
    return plain_text(" ".join(_block_text(child.block, child.value) for child in stream or ()))


def _block_text(block: blocks.Block, value) -> str:
    if isinstance(block, blocks.RichTextBlock):
        return value.source if isinstance(value, RichText) else str(value or "")
    if isinstance(block, blocks.CharBlock | blocks.TextBlock):
        return value or ""
    if isinstance(block, blocks.StructBlock):
        return " ".join(
            _block_text(child, value.get(name)) for name, child in block.child_blocks.items()
        )
    if isinstance(block, blocks.ListBlock):
        return " ".join(_block_text(block.child_block, item) for item in value)
    if isinstance(block, blocks.StreamBlock):
        return " ".join(_block_text(child.block, child.value) for child in value)
    return ""
