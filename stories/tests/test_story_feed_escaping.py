"""The Atom feed as a feed reader reads it: no field of a story, its author or the index can
put markup that runs into a reader, and text arrives as the text that was typed.

A reader unescapes each element once (XML), then shows a text construct (no `type`, or
`type="text"`) as text and renders a `type="html"` one as HTML; so every `type="html"` element
must hold no markup but what the feed itself wrote, and every link must be a web address.
"""

from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree

from network.factories import MemberFactory
from stories.factories import StoryPageFactory
from stories.vocabularies import Disclosure

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"

# What a tester would type into every field a story, its author or the index has.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=javascript:alert(1)>click</a>",
    "<a href='jav&#x09;ascript:alert(1)'>tab</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<marquee onstart=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<x:script xmlns:x='http://www.w3.org/1999/xhtml'>alert(1)</x:script>",
    "javascript:alert(1)",
    "Line one\x0bwith a vertical tab\x1f and a unit separator",
]


class _Markup(HTMLParser):
    """What an HTML renderer would build from a string: its tags and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_comment(self, data):
        self.tags.append("!--")

    def handle_decl(self, decl):
        self.tags.append("!" + decl)

    def unknown_decl(self, data):
        self.tags.append("![" + data)

    def handle_pi(self, data):
        self.tags.append("?")

    def handle_data(self, data):
        self.text.append(data)


def _as_reader_sees(element) -> tuple[list[str], str]:
    """The tags a reader would render from an element, and the text it would show."""
    kind = element.get("type", "text")
    assert kind in ("text", "html"), f"<{element.tag}> has type {kind!r}"
    content = element.text or ""
    if kind == "text":
        return [], content
    markup = _Markup()
    markup.feed(content)
    markup.close()
    return markup.tags, "".join(markup.text)


def _feed(client, index):
    response = client.get(index.url + "feed/")
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_story_field_puts_markup_into_a_feed_reader(client, index, payload):
    index.title = f"Stories {payload}"
    index.intro = f"About {payload}"
    index.save_revision().publish()
    StoryPageFactory(
        parent=index,
        title=f"Pilot {payload}",
        summary=f"We tried {payload} and learned",
        author=MemberFactory(display_name=f"Nora {payload}"),
        disclosure=Disclosure.PUBLIC_NAMED,
    )

    feed = _feed(client, index)

    shown = []
    for element in feed.iter():
        tags, text = _as_reader_sees(element)
        # the feed writes plain text only: a reader must render no element from a story
        assert tags == [], f"<{element.tag}> renders {tags} from {element.text!r}"
        shown.append(text)
        for name in ("href", "src", "uri"):
            if element.get(name) is not None:
                assert element.get(name).startswith(("http://", "https://", "/"))
    entry = feed.find(f"{ATOM}entry")
    # and a reader shows what was typed (control characters XML cannot carry left out)
    typed = payload.replace("\x0b", "").replace("\x1f", "")
    assert _as_reader_sees(entry.find(f"{ATOM}summary"))[1] == f"We tried {typed} and learned"
    assert entry.findtext(f"{ATOM}title") == f"Slip-up: Pilot {typed}"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == f"Nora {typed}"
    assert feed.findtext(f"{ATOM}subtitle") == f"About {typed}"
    assert any(f"Stories {typed}" in text for text in shown)


def test_every_story_of_the_corpus_in_one_feed_stays_text(client, index):
    for number, payload in enumerate(PAYLOADS):
        StoryPageFactory(parent=index, title=f"Story {number}", summary=payload)

    feed = _feed(client, index)

    summaries = [
        _as_reader_sees(entry.find(f"{ATOM}summary")) for entry in feed.findall(f"{ATOM}entry")
    ]
    assert len(summaries) == len(PAYLOADS)
    assert all(tags == [] for tags, _ in summaries)
