"""Imported HTML made safe for the site's rich text, and rich text made plain for the index.

The one sanitiser configuration for rich-text fields: the allow-list matches the rich text
features of `portal.blocks.BaseStreamBlock`'s paragraph block, so what an import stores is what
an editor could have typed.

Every step takes time linear in the length of the input (anyone who may write a comment may
send the worst case): the text is tokenized once, the tree is built by `portal.html_fragment`
with bounded work per token, and the rules below work on that tree, not with regular
expressions on the text.
"""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

from wagtail import blocks
from wagtail.rich_text import RichText

from portal.html_fragment import (
    CHARACTERS,
    END_TAG,
    START_TAG,
    Element,
    FragmentBuilder,
    elements_bottom_up,
    fragment_tokens,
    sanitizer_filter,
    serialise,
)

ALLOWED_TAGS = frozenset(
    {"p", "br", "h2", "h3", "h4", "b", "i", "a", "ul", "ol", "li", "hr", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": ["href"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
SANITIZER = {
    "allowed_tags": ALLOWED_TAGS,
    "attributes": ALLOWED_ATTRIBUTES,
    "allowed_protocols": ALLOWED_PROTOCOLS,
    "strip_disallowed_tags": True,
    "strip_html_comments": True,
}

# Elements that go with their content, not kept as text the way bleach keeps it.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "noscript", "template"})
# The editor's own tags for bold and italic are <b> and <i>.
RENAMED = {"strong": "b", "em": "i"}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks that say nothing when they hold only white space and line breaks.
EMPTY_WHEN_BLANK = frozenset({"p", "li", "h2", "h3", "h4", "blockquote"})
_SPACE = re.compile(r"\s+")
_BLOCK_TAG = re.compile(r"<(?=/?(?:p|h[1-6]|li|br|hr|div|blockquote|ul|ol|tr|td|th)\b)", re.I)


def sanitise_html(value: str) -> str:
    """Reduce imported HTML to the tags and attributes the site's rich text allows.

    Headings are shifted so that the highest level in the text becomes <h2> (the page title is
    the only <h1>), and nothing goes deeper than <h4>. <script>, <style>, <iframe>, <object>,
    <noscript> and <template> go with their content up to their end tag; without an end tag only
    the tag goes, so that a word typed in angle brackets loses nothing after it.
    """
    tags = ALLOWED_TAGS | DROPPED_WITH_CONTENT | HEADINGS | RENAMED.keys()
    tokens = _outside_dropped_elements(list(fragment_tokens(value or "", tags=tags)))
    _normalise_tags(tokens)
    root = FragmentBuilder(attribute_budget=len(value or "")).build(tokens)
    for element in elements_bottom_up(root):  # each after its descendants: one pass
        _unwrap_anchors_without_href(element)
        _plain_heading(element)
        _drop_empty_blocks(element)
    return serialise(root, sanitizer=SANITIZER).strip()


def _is_tag(token: dict) -> bool:
    return token["type"] in (START_TAG, END_TAG)


def _outside_dropped_elements(tokens: list[dict]) -> list[dict]:
    # such an element goes up to its first end tag; without one only its tags go
    last_end = {
        token["name"]: index
        for index, token in enumerate(tokens)
        if token["type"] == END_TAG and token["name"] in DROPPED_WITH_CONTENT
    }
    kept, inside = [], None
    for index, token in enumerate(tokens):
        if inside is not None:
            if token["type"] == END_TAG and token["name"] == inside:
                inside = None
        elif _is_tag(token) and token["name"] in DROPPED_WITH_CONTENT:
            if token["type"] == START_TAG and last_end.get(token["name"], -1) > index:
                inside = token["name"]
            else:  # stripped, as bleach strips a tag it does not allow: empty text
                kept.append({"type": CHARACTERS, "data": ""})
        else:
            kept.append(token)
    return kept


def _normalise_tags(tokens: list[dict]) -> None:
    """<strong> and <em> become <b> and <i>; headings shift to start at <h2>, end at <h4>; start
    tags keep only the attributes the sanitiser allows."""
    levels = [int(t["name"][1]) for t in tokens if _is_tag(t) and t["name"] in HEADINGS]
    shift = 2 - min(levels) if levels else 0
    sanitizer = sanitizer_filter(SANITIZER)
    for token in tokens:
        if not _is_tag(token):
            continue
        name = RENAMED.get(token["name"], token["name"])
        if name in HEADINGS:
            name = f"h{min(max(int(name[1]) + shift, 2), 4)}"
        token["name"] = name
        if token["type"] == START_TAG:
            attributes = {(None, key): item for key, item in token["data"].items()}
            try:
                token["data"] = sanitizer.allow_token({"name": name, "data": attributes})["data"]
            except ValueError:  # bleach cannot read a character reference of 4,300+ digits
                token["data"] = {}


def _unwrap_anchors_without_href(element: Element) -> None:
    # a link whose address was not allowed is its text
    if any(_is_element(child, "a") and not child.attributes for child in element.children):
        _replace_children(element, _unwrapped(element.children))


def _unwrapped(children: list) -> list:
    result = []
    for child in children:
        if _is_element(child, "a") and not child.attributes:
            result.extend(child.children)
        else:
            result.append(child)
    return result


def _plain_heading(element: Element) -> None:
    # a heading is bold enough: <h2><b>Aim</b></h2> becomes <h2>Aim</h2>
    if element.name not in ("h2", "h3", "h4"):
        return
    inner = [child for child in element.children if isinstance(child, Element)]
    if (
        len(inner) == 1
        and inner[0].name in ("b", "i")
        and all(text.isspace() for text in _texts(element.children))
    ):
        _replace_children(element, inner[0].children)


def _drop_empty_blocks(element: Element) -> None:
    if any(_is_empty_block(child) for child in element.children):
        element.children = [c for c in element.children if not _is_empty_block(c)]


def _is_empty_block(node) -> bool:
    return (
        isinstance(node, Element)
        and node.name in EMPTY_WHEN_BLANK
        and all(_is_element(child, "br") for child in node.children if isinstance(child, Element))
        and all(_is_blank(text.replace("&nbsp;", "")) for text in _texts(node.children))
    )


def _is_blank(text: str) -> bool:
    return not text or text.isspace()


def _texts(children: list) -> list[str]:
    """The runs of text between the elements (the tokenizer gives "&" and "nbsp;" apart)."""
    runs, run = [], []
    for child in children:
        if isinstance(child, str):
            run.append(child)
        elif run:
            runs.append("".join(run))
            run = []
    if run:
        runs.append("".join(run))
    return runs


def _is_element(node, name: str) -> bool:
    return isinstance(node, Element) and node.name == name


def _replace_children(element: Element, children: list) -> None:
    element.children = []
    for child in children:
        element.append(child)


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
