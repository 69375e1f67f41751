"""Source boilerplate and dead links taken out of imported texts (run by `cases.importing`).

Participedia's pages carry its editors' notes to each other ("Note 1: Another version of this
case study can be found below as a file attachment…", "This article is in need of assistance
with editing…") and links into its retired MediaWiki and its own site: red links to pages that
were never written (`action=edit&redlink=1`), site-relative paths (`/wiki/…`, `/methods/…`)
that lead nowhere here, and footnote anchors whose notes were left out. On Kokeilu they read as
the case's summary and as broken links, so the import drops the notes and keeps a dead link's
text without the link. What was cleaned is counted, for the import's report.

The HTML has been through `portal.rich_text.sanitise_html` already: it is parsed again with the
same linear-time fragment tree, never edited with regular expressions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.text import Truncator

from portal.html_fragment import (
    START_TAG,
    Element,
    FragmentBuilder,
    elements_bottom_up,
    fragment_tokens,
    serialise,
)
from portal.rich_text import ALLOWED_TAGS, SANITIZER

SUMMARY_CHARS = 300
# A paragraph with fewer letters is a caption, a rule or a heading-like line, not a summary.
SUMMARY_MIN_CHARS = 80

# An editor's note starts with "Note:" or "Note 2:"; what follows is judged as a sentence.
_NOTE_PREFIX = re.compile(r"^\s*note\s*\d*\s*:\s*", re.I)
# Sentences that speak about the source page, not about the case. Reviewed against every
# Participedia record of demo_data/ (tests/test_import_cleaning.py holds the examples).
_BOILERPLATE = re.compile(
    "|".join(
        (
            r"\banother version of this (?:case study|case|article|organi[sz]ation's "
            r"description)\b.*\b(?:file attachments?|can be found)\b",
            r"\bthis alternate version was originally submitted\b",
            r"\b(?:english|german|spanish|french|italian|portuguese) translation of "
            r"(?:this|the original|a|an)\b",
            r"^this is an english translation\b",
            r"\bthe original \w+ (?:version|article|case study)\b.*\bcan be (?:found|accessed)\b",
            r"\bin need of assistance with editing\b",
            r"\bplease help us complete it\b",
            r"^this (?:article|case|case study) is a stub\b",
            r"\bfor a more detailed version of this case study\b",
            r"\bthis article was co-?authored with\b",
            r"\bis in need of (?:content|assistance)\b",
            r"\bneeds help with (?:content|editing)\b",
            r"\bthe following (?:article|case|case study) is a stub\b",
            r"^adequate and sufficient information was not found\b",
            r"^preparing a write-up of this case will require\b",
            r"^we are uploading three types? of cases\b",
            r"^pbcensus \d\b",
            r"\bnecesita ayuda en su edici[oó]n\b",
            r"^necesita adem[aá]s asistencia en la traducci[oó]n\b",
            r"\bpor favor,? (?:nos )?ayuden? a completarlo\b",
            r"^note\s*\d*\s*:?$",  # a note's own heading, alone in its paragraph
        )
    ),
    re.I,
)
# A sentence ends at . ! or ? before a space and a capital, except after a title ("Dr.").
_SENTENCE_END = re.compile(r"(?<![A-Z][a-z]\.)(?<=[.!?])\s+(?=[A-Z\"“(])")
_SPACE = re.compile(r"\s+")

# Links that lead nowhere once the text is on Kokeilu.
_RED_LINK = re.compile(r"[?&](?:action=edit|redlink=1)\b", re.I)
_RETIRED_WIKI = re.compile(r"^https?://(?:www\.)?participedia\.net/(?:w|wiki)/", re.I)
_ABSOLUTE = re.compile(r"^(?:https?|mailto):", re.I)


@dataclass
class Cleaning:
    """What the cleaning took out of one case's texts."""

    boilerplate_sentences: int = 0
    dead_links: int = 0
    summary_derived: bool = False

    def add(self, other: Cleaning) -> None:
        self.boilerplate_sentences += other.boilerplate_sentences
        self.dead_links += other.dead_links
        self.summary_derived = self.summary_derived or other.summary_derived

    def __bool__(self) -> bool:
        return bool(self.boilerplate_sentences or self.dead_links or self.summary_derived)


def sentences(text: str) -> list[str]:
    """The sentences of plain `text`."""
    text = _SPACE.sub(" ", text).strip()
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence]


def is_boilerplate(sentence: str) -> bool:
    """Whether a sentence speaks about the source page (an editor's note), not the case."""
    sentence = _SPACE.sub(" ", sentence).strip()
    return bool(
        _BOILERPLATE.search(sentence) or _BOILERPLATE.search(_NOTE_PREFIX.sub("", sentence))
    )


def summary_clean(summary: str, cleaning: Cleaning) -> str:
    """The plain-text summary without boilerplate sentences. A summary that opens with an
    editor's note ("Note: …") loses that sentence too: a note is never a summary."""
    kept = []
    for number, sentence in enumerate(sentences(summary)):
        if is_boilerplate(sentence) or (number == 0 and _NOTE_PREFIX.match(sentence)):
            cleaning.boilerplate_sentences += 1
        else:
            kept.append(sentence)
    return " ".join(kept)


def html_clean(value: str, cleaning: Cleaning) -> str:
    """Sanitised HTML without boilerplate paragraphs and with dead links unwrapped (their text
    stays). A paragraph goes when every sentence of it is boilerplate, or when it is an
    editor's note ("Note: …") with a boilerplate sentence."""
    if not value:
        return value
    root = _tree(value)
    for element in elements_bottom_up(root):
        children, changed = [], False
        for child in element.children:
            if _is_element(child, "a") and _is_dead(child):
                cleaning.dead_links += 1
                children.extend(child.children)
                changed = True
            elif _is_element(child, "p") and (dropped := _boilerplate_sentences(child)):
                cleaning.boilerplate_sentences += dropped
                changed = True
            else:
                children.append(child)
        if changed:
            element.children = []
            for child in children:
                element.append(child)
    return serialise(root, sanitizer=SANITIZER).strip()


def first_paragraph_summary(*texts: str) -> str:
    """A summary from the first real paragraph of `texts` (sanitised HTML, in reading order):
    the first of at least SUMMARY_MIN_CHARS letters that is not an editor's note, else the first
    with any text."""
    fallback = ""
    for value in texts:
        if not value:
            continue
        for element in _paragraphs(_tree(value)):
            text = element_text(element)
            if _NOTE_PREFIX.match(text) or any(map(is_boilerplate, sentences(text))):
                continue
            if sum(character.isalpha() for character in text) >= SUMMARY_MIN_CHARS:
                return Truncator(text).chars(SUMMARY_CHARS, truncate="…")
            fallback = fallback or text
    return Truncator(fallback).chars(SUMMARY_CHARS, truncate="…")


def element_text(element: Element) -> str:
    """The plain text of an element and its descendants, on one line."""
    pieces: list[str] = []
    pending: list[Element | str] = [element]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            pieces.append(node)
        else:
            pending.extend(reversed(node.children))
    return _SPACE.sub(" ", html.unescape("".join(pieces))).strip()


def _paragraphs(root: Element) -> Iterator[Element]:
    """The <p> elements under `root`, in document order."""
    pending: list[Element] = [root]
    while pending:
        element = pending.pop()
        if element.name == "p":
            yield element
        pending.extend(reversed([c for c in element.children if isinstance(c, Element)]))


def _tree(value: str) -> Element:
    tokens = list(fragment_tokens(value, tags=ALLOWED_TAGS))
    for token in tokens:
        if token["type"] == START_TAG:  # attributes keyed as the tree walkers key them
            token["data"] = {(None, name): item for name, item in token["data"].items()}
    return FragmentBuilder(attribute_budget=len(value)).build(tokens)


def _is_element(node, name: str) -> bool:
    return isinstance(node, Element) and node.name == name


def _is_dead(anchor: Element) -> bool:
    href = anchor.attributes.get((None, "href"), "").strip()
    if not href:
        return False
    if not _ABSOLUTE.match(href):
        # a path of the source's own site, a file share (//limbo/…) or a footnote anchor
        # whose note the import left out (the sanitiser keeps no ids to point at)
        return True
    return bool(_RED_LINK.search(href) or _RETIRED_WIKI.match(href))


def _boilerplate_sentences(paragraph: Element) -> int:
    """How many sentences the paragraph holds when it is to go as boilerplate, else 0."""
    found = sentences(element_text(paragraph))
    if not found:
        return 0
    boilerplate = [is_boilerplate(sentence) for sentence in found]
    if all(boilerplate) or (_NOTE_PREFIX.match(found[0]) and any(boilerplate)):
        return len(found)
    return 0
