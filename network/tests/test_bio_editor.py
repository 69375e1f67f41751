"""The bio's Markdown and the HTML the profile stores: both ways, safe, and stable on edit."""

import re
from html import unescape

import pytest

from network.bio_text import bio_html_from_text, bio_text_from_html


def _html(text: str) -> str:
    # the converter's line breaks (between blocks, after <br/>) say nothing on the page
    return bio_html_from_text(text).replace("\n", "")


# Markdown → HTML


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("I run **trials**.", "<p>I run <b>trials</b>.</p>"),
        ("An _italic_ word, un*believ*able.", "<p>An <i>italic</i> word, un<i>believ</i>able.</p>"),
        (
            "[Our lab](https://example.org/lab)",
            '<p><a href="https://example.org/lab">Our lab</a></p>',
        ),
        ("One\n\nTwo", "<p>One</p><p>Two</p>"),
        ("One\nline each", "<p>One<br/>line each</p>"),
        ("- design\n- trials", "<ul><li>design</li><li>trials</li></ul>"),
        ("I work on:\n- design", "<p>I work on:</p><ul><li>design</li></ul>"),
        (
            "See https://example.org/a_b_c.",
            '<p>See <a href="https://example.org/a_b_c">https://example.org/a_b_c</a>.</p>',
        ),
        ("snake_case stays", "<p>snake_case stays</p>"),
        ("AT&T &amp; more", "<p>AT&amp;T &amp;amp; more</p>"),
        ("", ""),
    ],
)
def test_markdown_becomes_the_bios_html(text, html):
    assert _html(text) == html


@pytest.mark.parametrize(
    "text",
    [
        "Hi <script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[click](javascript&#58;alert(1))",
        "**[click](vbscript:msgbox(1))**",
    ],
)
def test_script_typed_into_the_bio_never_survives(text):
    html = bio_html_from_text(text).lower()

    assert "<script" not in html and "<img" not in html
    for href in re.findall(r'href="([^"]*)"', html):
        address = unescape(href).strip()
        assert not address.startswith(("javascript:", "vbscript:", "data:")), href


def test_html_typed_into_the_bio_is_shown_as_text():
    assert _html('<b onclick="x()">hi</b>') == '<p>&lt;b onclick="x()"&gt;hi&lt;/b&gt;</p>'


def test_a_link_keeps_only_a_web_or_mail_address():
    assert _html("[web](https://a.org) [mail](mailto:a@b.org) [file](file:///etc)") == (
        '<p><a href="https://a.org">web</a> <a href="mailto:a@b.org">mail</a> file</p>'
    )


# HTML → Markdown


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>I run <strong>trials</strong></p>", "I run **trials**"),
        ("<p>I run <b>trials</b></p>", "I run **trials**"),
        ("<p>An <em>italic</em> and <i>another</i></p>", "An _italic_ and _another_"),
        ("<p>un<i>believ</i>able</p>", "un*believ*able"),
        ("<p>A <b> spaced </b>word</p>", "A **spaced** word"),
        (
            '<p>See <a href="https://e.org/t">our trials</a>.</p>',
            "See [our trials](https://e.org/t).",
        ),
        ('<p><a href="https://e.org/t">https://e.org/t</a></p>', "https://e.org/t"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
        ("<p>One</p><p>Two<br>lines</p>", "One\n\nTwo\nlines"),
        ("<p>2*3 [draft] a_b _c</p>", "2\\*3 \\[draft\\] a_b \\_c"),
        ("<p>- not a list<br>1. nor this</p>", "\\- not a list\n1\\. nor this"),
        ("<p>One &amp; two &lt;three&gt;</p>", "One & two <three>"),
        ("", ""),
    ],
)
def test_stored_html_becomes_the_markdown_to_edit(html, text):
    assert bio_text_from_html(html) == text


# Both ways


@pytest.mark.parametrize(
    "html",
    [
        '<p>I run <b>trials</b>, see <a href="https://example.org/t">our trials</a>.</p>',
        "<p>Hi <strong>there</strong> and <em>you</em>, un<i>believ</i>able.</p>",
        "<p>First,<br>second line.</p><ul><li>design</li><li>trials <b>too</b></li></ul>",
        '<ul><li>one<ul><li>sub</li></ul></li><li><a href="mailto:a@b.org">mail</a></li></ul>',
        "<p>2*3*4, [draft], snake_case and _under_ and a \\ backslash</p>",
        "<p>- not a list<br>1. nor this<br>---<br># nor a heading<br>&gt; nor a quote</p>",
        '<p><a href="https://e.org/?a=1&amp;b=2">https://e.org/?a=1&amp;b=2</a> AT&amp;T</p>',
        "<h2>Head</h2><blockquote><p>quoted</p></blockquote><hr><ol><li>one</li></ol>",
    ],
)
def test_a_stored_bio_is_stable_through_editing(html):
    """html → text → html, then the same again: the first round may only normalise (<strong>
    to <b>), after that nothing changes."""
    once = bio_html_from_text(bio_text_from_html(html))
    twice = bio_html_from_text(bio_text_from_html(once))

    assert twice == once
    assert bio_text_from_html(once) == bio_text_from_html(html)


def test_bold_italic_and_links_of_an_older_bio_survive_an_edit():
    html = '<p>I run <strong>trials</strong>, <em>often</em>: <a href="https://e.org">here</a></p>'

    assert _html(bio_text_from_html(html)) == (
        '<p>I run <b>trials</b>, <i>often</i>: <a href="https://e.org">here</a></p>'
    )


@pytest.mark.parametrize(
    "text",
    [
        "One & two <three>\n\n- a **b**\n- _c_ https://example.org",
        "**Bold** start, [a link](https://e.org/x_y) and snake_case\nnext line",
        "1. first\n2. second\n\n## Heading",
    ],
)
def test_markdown_written_by_the_member_comes_back_as_written(text):
    assert bio_text_from_html(bio_html_from_text(text)) == text
