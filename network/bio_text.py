"""A member's bio written in Markdown, and the HTML the profile stores.

The profile form offers a textarea (the page's script adds a formatting toolbar, but the field
works with any browser, keyboard and screen reader without it). The bio is written in a small
part of Markdown: **bold**, _italic_, [text](address), lines starting with "- " for a list, a
blank line between paragraphs; a line break is kept as one and web addresses become links.
The `markdown` library converts it (as `toolkit.builder` does), and the result passes through
the one sanitiser of rich text (`portal.rich_text.sanitise_html`, here and again in
`network.services.member_update`): HTML typed into the bio is text, never markup, and a link
keeps only an address the sanitiser allows (no `javascript:`).

`bio_text_from_html` turns a stored bio back into that Markdown, so that an older bio keeps its
bold, italic and links when it is edited: text → HTML → text → HTML gives the same HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from portal.rich_text import sanitise_html

# Markdown features outside the bio's conventions: typed HTML and entities stay text (a bio is
# not HTML), "<address>" and indented code are not special, "text\n---" is not a heading.
_UNUSED_PREPROCESSORS = ("html_block",)
_UNUSED_BLOCKS = ("code", "setextheader")
_UNUSED_INLINE = (
    "backtick",
    "image_link",
    "image_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "html",
    "entity",
)
# A web address typed as it is; its last character is not punctuation that ends a sentence.
# Not one written as a Markdown link's address or text ("](" / "[" / "<" before it).
_URL = r"https?://[^\s<>\[\]]*[^\s<>\[\].,;:!?'\")]"
_BARE_URL = r"(?<!\]\()(?<![\w\[<\"'=/])" + _URL
_URL_ALONE = re.compile(_URL)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]")


class _BareUrl(InlineProcessor):
    """A web address typed in the text becomes a link to it (the address is not Markdown:
    an underscore in it is not italic)."""

    def handleMatch(self, m, data):  # noqa: N802 (the markdown library's name)
        link = etree.Element("a")
        link.set("href", m.group(0))
        link.text = AtomicString(m.group(0))
        return link, m.start(0), m.end(0)


def _converter() -> markdown.Markdown:
    converter = markdown.Markdown(output_format="html", extensions=["nl2br", "sane_lists"])
    for name in _UNUSED_PREPROCESSORS:
        converter.preprocessors.deregister(name)
    for name in _UNUSED_BLOCKS:
        converter.parser.blockprocessors.deregister(name)
    for name in _UNUSED_INLINE:
        converter.inlinePatterns.deregister(name)
    # before "link" (160), so that an address inside [text](address) is left to it
    converter.inlinePatterns.register(_BareUrl(_BARE_URL, converter), "bare_url", 165)
    return converter


def bio_html_from_text(text: str) -> str:
    """The sanitised HTML of a bio written in the bio's Markdown (see the module docstring)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    # "&" is text too: "&amp;" typed stays "&amp;" on the page (entities are not read)
    text = _blank_line_before_lists(text.replace("&", "&amp;"))
    return sanitise_html(_converter().convert(text))


def _blank_line_before_lists(text: str) -> str:
    """A list right under a line of text ("I work on:\\n- design") is a list: Python-Markdown
    needs a blank line before it, which a person typing a bio does not think of."""
    lines: list[str] = []
    in_list = False  # the current block (since the last blank line) has a list item
    for line in text.split("\n"):
        if not line.strip():
            in_list = False
        elif _LIST_ITEM.match(line):
            if lines and lines[-1].strip() and not in_list:
                lines.append("")
            in_list = True
        lines.append(line)
    return "\n".join(lines)


def bio_text_from_html(value: str) -> str:
    """The Markdown to edit for a stored bio: <b>/<strong> as **…**, <i>/<em> as _…_, links as
    [text](address) (or the address alone when it is the link's text), list items as "- " or
    "1. ", paragraphs separated by a blank line, <br> as a line break. Characters that Markdown
    would read as marks are escaped, so that the text turns back into the same HTML."""
    parser = _Tree()
    parser.feed(value or "")
    parser.close()
    return _Markdown().blocks(parser.root.children).strip("\n")


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str | None] | None = None) -> None:
        self.tag = tag
        self.attrs = attrs or {}
        self.children: list[_Node | str] = []


_VOID = frozenset({"br", "hr", "img", "input", "wbr"})


class _Tree(HTMLParser):
    """The stored HTML (sanitised: well formed, few tags) as a tree of `_Node`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("")
        self.open: list[_Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in _VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, 0, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em"})
_SPACES = re.compile(r"\s+")
# Line starts that Markdown reads as a list item, heading, quote or rule.
_MARK_AT_LINE_START = re.compile(r"^(?:[-+#>]|\d+(?=[.)](?:\s|$))|(?=[-_](?:\s*[-_]){2,}\s*$))")


class _Markdown:
    """Renders the tree as the bio's Markdown."""

    def blocks(self, children: list[_Node | str], depth: int = 0) -> str:
        parts: list[str] = []
        inline: list[_Node | str] = []

        def end_paragraph() -> None:
            text = self.paragraph(inline)
            if text:
                parts.append(text)
            inline.clear()

        for child in children:
            if isinstance(child, _Node) and (child.tag in _BLOCKS or child.tag == "hr"):
                end_paragraph()
                block = self.block(child, depth)
                if block:
                    parts.append(block)
            else:
                inline.append(child)
        end_paragraph()
        return "\n\n".join(parts)

    def block(self, node: _Node, depth: int) -> str:
        if node.tag == "hr":
            return "---"
        if node.tag in ("ul", "ol"):
            return self.list(node, depth)
        if node.tag == "blockquote":
            inner = self.blocks(node.children, depth)
            return "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
        if node.tag[0] == "h" and node.tag[1:].isdigit():
            text = _SPACES.sub(" ", self.inline(node.children)).strip()
            return f"{'#' * max(int(node.tag[1]), 2)} {text}" if text else ""
        return self.blocks(node.children, depth)  # <p>, <div>

    def paragraph(self, children: list[_Node | str]) -> str:
        # white space collapses in HTML: "a <b> b</b>" reads "a b"
        lines = [_SPACES.sub(" ", line).strip() for line in self.inline(children).split("\n")]
        return "\n".join(_escape_line_start(line) for line in lines if line)

    def list(self, node: _Node, depth: int) -> str:
        indent = "    " * depth
        items = []
        number = 0
        for child in node.children:
            if not isinstance(child, _Node) or child.tag != "li":
                continue
            number += 1
            marker = f"{number}. " if node.tag == "ol" else "- "
            text_children = [c for c in child.children if not _is_list(c)]
            # a loose list's item holds paragraphs: they become lines of the item
            flat: list[_Node | str] = []
            for part in text_children:
                if isinstance(part, _Node) and part.tag == "p":
                    flat.extend([*part.children, _Node("br")] if flat else part.children)
                else:
                    flat.append(part)
            lines = self.paragraph(flat).split("\n")
            item = indent + marker + lines[0]
            item += "".join(f"\n{indent}    {line}" for line in lines[1:] if line)
            for sub in (c for c in child.children if _is_list(c)):
                item += "\n" + self.list(sub, depth + 1)
            items.append(item)
        return "\n".join(items)

    def inline(self, children: list[_Node | str]) -> str:
        out = ""
        for index, child in enumerate(children):
            if isinstance(child, str):
                out += _escape(_SPACES.sub(" ", child))
            elif child.tag == "br":
                out += "\n"
            elif child.tag in _BOLD:
                out += _wrapped(self.inline(child.children), "**")
            elif child.tag in _ITALIC:
                after = children[index + 1] if index + 1 < len(children) else ""
                after = after if isinstance(after, str) else ""
                out += _wrapped(self.inline(child.children), "_", before=out, after=after)
            elif child.tag == "a":
                out += self.link(child)
            elif child.tag in _BLOCKS or child.tag == "hr":
                out += "\n" + self.blocks(child.children) + "\n"
            else:
                out += self.inline(child.children)
        return out

    def link(self, node: _Node) -> str:
        href = (node.attrs.get("href") or "").strip()
        text = self.inline(node.children)
        if not href:
            return text
        if _plain_text(node) == href and _URL_ALONE.fullmatch(href):
            return href  # typed as an address, it becomes the same link again
        href = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        return f"[{text.strip()}]({href})" if text.strip() else ""


def _is_list(node: _Node | str) -> bool:
    return isinstance(node, _Node) and node.tag in ("ul", "ol")


def _plain_text(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _plain_text(c) for c in node.children).strip()


def _wrapped(inner: str, mark: str, *, before: str = "", after: str = "") -> str:
    """`inner` between `mark`s, the white space it starts or ends with outside them ("** b **"
    is not bold). An underscore inside a word is not a mark: italic there is *…*."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    if mark == "_" and (
        (not lead and before[-1:].isalnum()) or (not trail and after[:1].isalnum())
    ):
        mark = "*"
    return f"{lead}{mark}{core}{mark}{trail}"


def _escape(text: str) -> str:
    """Text with the characters Markdown reads as marks escaped by a backslash."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([*\[\]])", r"\\\1", text)
    # an underscore inside a word ("snake_case") is text as it is
    return re.sub(r"(?<![^\W_])_|_(?![^\W_])", r"\\_", text)


def _escape_line_start(line: str) -> str:
    """A line that would start a list, heading, quote or rule, as text: "\\- ", "1\\. "."""
    match = _MARK_AT_LINE_START.match(line)
    if not match:
        return line
    if match.group(0).isdigit():
        return match.group(0) + "\\" + line[match.end() :]
    return "\\" + line
