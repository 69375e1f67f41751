"""portal.html_fragment builds the tree html5lib builds (as bleach.clean() writes it) for the
tags rich text allows, however misnested, with bounded work per token."""

import random
import time

import bleach
import pytest

from portal.html_fragment import START_TAG, FragmentBuilder, fragment_tokens, serialise
from portal.rich_text import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS, SANITIZER


def _built(value: str) -> str:
    tokens = list(fragment_tokens(value, tags=ALLOWED_TAGS))
    for token in tokens:
        if token["type"] == START_TAG:
            token["data"] = {(None, name): item for name, item in token["data"].items()}
    root = FragmentBuilder(attribute_budget=len(value)).build(tokens)
    return serialise(root, sanitizer=SANITIZER)


def _bleach(value: str) -> str:
    cleaned = bleach.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaned.replace("<br>", "<br/>").replace("<hr>", "<hr/>")  # as Wagtail stores them


_PIECES = (
    "<p>", "</p>", "<b>", "</b>", "<i>", "</i>", '<a href="https://x.org/">', "</a>",
    '<a href="https://y.org/">', "<a>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>",
    "<h2>", "</h2>", "<h3>", "</h4>", "<blockquote>", "</blockquote>", "<br>", "</br>", "<hr>",
    "<div>", "</div>", "<span>", "<table>", "<td>", "<!-- c -->", "<img src=x>",
    "x", "y z", " ", "\n", "&amp;", "&nbsp;", "&", "<", ">", "&#160;", "\xa0",
)  # fmt: skip


def test_misnested_markup_makes_the_tree_bleach_makes():
    generator = random.Random(15)
    for _ in range(300):
        given = "".join(generator.choice(_PIECES) for _ in range(generator.randint(1, 30)))
        assert _built(given) == _bleach(given), given


@pytest.mark.parametrize(
    "given",
    [
        "<b>1<p>2</b>3</p>",
        "<a href='https://x.org/'>1<p>2<a href='https://y.org/'>3</a></p>",
        "<p><b><i>1</p>2<p>3",
        "<ul><li>1<li>2<ul><li>3</ul>4</ul>",
        "<h2>1<h3>2</h2>3",
        "<b><b><b><b>1</b></b></b></b><p>2",
    ],
)
def test_the_classic_misnestings_come_out_as_html5lib_makes_them(given):
    assert _built(given) == _bleach(given)


def test_each_tag_costs_the_same_however_deep_the_nesting():
    # html5lib walks the whole stack of open elements at each tag: for bleach.clean() the
    # ratio below is about 15
    def seconds(count: int) -> float:
        started = time.process_time()
        _built("<ul><li>" * count)
        return time.process_time() - started

    seconds(100)  # warm up
    small, large = min(seconds(500) for _ in range(3)), min(seconds(2_000) for _ in range(3))
    assert large < 8 * small  # four times the input: about four times the time, not sixteen
