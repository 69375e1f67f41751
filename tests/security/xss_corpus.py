"""The XSS corpus and the check that none of it became live markup.

Every payload carries its own marker (`kxss07`) in the part that would run, so a page that
shows the payload as text (escaped) passes, and a page where the payload made an element, an
event handler, a script or a `javascript:` URL is caught and names the payload that did it.
Pages are parsed the way a browser parses them (html5lib follows the WHATWG algorithm).
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element

import html5lib

MARKER = re.compile(r"kxss\d\d")
_MARKER_ANYHOW = re.compile(r"xss\d\d")

_TEMPLATES = (
    # script tags
    "<script>{m}()</script>",
    "<SCRIPT SRC=https://evil.example/{m}.js></SCRIPT>",
    "<svg><script>{m}()</script></svg>",
    "</script><script>{m}()</script>",
    "<scr<script>ipt>{m}()</scr</script>ipt>",
    "<<script>script>{m}()<</script>/script>",
    # event handlers
    "<img src=x onerror={m}()>",
    "<svg onload={m}()>",
    "<svg/onload={m}()>",
    "<body onload={m}()>",
    "<input autofocus onfocus={m}()>",
    "<details open ontoggle={m}()>",
    "<video><source onerror={m}()></video>",
    "<svg><animate onbegin={m}() attributeName=x dur=1s>",
    '<a href="https://example.org/" onclick="{m}()">a good link</a>',
    "<img src=x onerror=&#107;xss{n}()>",
    # javascript: and data: URLs
    '<a href="javascript:{m}()">click</a>',
    '<a href="JaVaScRiPt:{m}()">click</a>',
    '<a href="jav&#x09;ascript:{m}()">click</a>',
    '<a href="&#106;avascript:{m}()">click</a>',
    '<a href=" \tjavascript:{m}()">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{m}">click</a>',
    '<iframe src="javascript:{m}()"></iframe>',
    '<iframe srcdoc="<script>{m}()</script>"></iframe>',
    '<object data="javascript:{m}()"></object>',
    '<embed src="javascript:{m}()">',
    '<form action="javascript:{m}()"><button>go</button></form>',
    '<button formaction="javascript:{m}()">go</button>',
    '<base href="javascript:{m}()//">',
    '<meta http-equiv="refresh" content="0;url=javascript:{m}()">',
    "javascript:{m}()",
    # SVG and MathML
    '<svg><a xlink:href="javascript:{m}()"><text x="9" y="9">x</text></a></svg>',
    '<math href="javascript:{m}()">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror={m}()>",
    # breaking out of attributes and elements
    '"><script>{m}()</script>',
    "' onmouseover='{m}()' x='",
    '" onfocus="{m}()" autofocus="',
    "</textarea><script>{m}()</script>",
    "</title><script>{m}()</script>",
    '<p title="</p><img src=x onerror={m}()>">x</p>',
    '<noscript><p title="</noscript><img src=x onerror={m}()>"></noscript>',
    '<!--<img src="--><img src=x onerror={m}()//">',
    "<template><img src=x onerror={m}()></template>",
    # entities and unicode
    "&lt;script&gt;{m}()&lt;/script&gt;",
    "&amp;lt;img src=x onerror={m}()&amp;gt;",
    "\uff1cscript\uff1e{m}()\uff1c/script\uff1e",
    "\u202e<script>{m}()</script>\u202c",
    '<a href="java\u2028script:{m}()">click</a>',
    # CSS
    "<style>@import 'https://evil.example/{m}.css';</style>",
    '<div style="width: expression({m}())">x</div>',
    '<div style="background:url(javascript:{m}())">x</div>',
    # Atom and XML
    "]]><script>{m}()</script><![CDATA[",
    "<![CDATA[<script>{m}()</script>]]>",
    # e-mail headers (a line break in a subject) and a plain word, for the URL fields
    "Probe {m}\r\nBcc: victim@example.org",
)

PAYLOADS: tuple[str, ...] = tuple(
    template.format(m=f"kxss{n:02d}", n=f"{n:02d}") for n, template in enumerate(_TEMPLATES)
)
assert len(PAYLOADS) >= 40 and all(MARKER.search(html.unescape(p)) for p in PAYLOADS)

# attributes that hold a URL a browser follows or loads
_URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "lowsrc",
        "dynsrc",
        "codebase",
        "ping",
        "xlink:href",
    }
)
# elements that act on the page by their mere presence (with the payload in them)
_ACTIVE_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "applet", "base", "link", "style"}
)
_SCRIPT_TYPES = frozenset(
    {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
)
_URL_IGNORED = re.compile(r"[\x00-\x20\u2028\u2029]")


def _dangerous_url(value: str) -> bool:
    # browsers drop tabs and line breaks inside URLs, and leading spaces and controls
    url = _URL_IGNORED.sub("", value).lower()
    return url.startswith(("javascript:", "vbscript:", "data:"))


# links that name another address of the page (its languages) and load nothing; their URL
# still counts when it is a dangerous one (checked through _URL_ATTRIBUTES)
_INERT_LINK_RELS = frozenset({"alternate", "canonical"})


def _inert_link(tag: str, element: Element) -> bool:
    rels = set((element.attrib.get("rel") or "").lower().split())
    return tag == "link" and bool(rels) and rels <= _INERT_LINK_RELS


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _element_findings(element: Element) -> set[str]:
    tag = _local(element.tag) if isinstance(element.tag, str) else ""
    found: set[str] = set()
    for raw_name, value in element.attrib.items():
        name = _local(raw_name)
        if "xlink" in raw_name and name == "href":
            name = "xlink:href"
        markers = set(MARKER.findall(value)) | set(MARKER.findall(raw_name))
        if not markers:
            continue
        if (
            MARKER.search(raw_name)
            or name.startswith("on")
            or name == "srcdoc"
            or (name in _URL_ATTRIBUTES and _dangerous_url(value))
            or (name == "style" and re.search(r"expression|javascript:|url\(", value, re.I))
            or (tag in _ACTIVE_ELEMENTS and not _inert_link(tag, element))
            or (tag == "meta" and "http-equiv" in element.attrib)
        ):
            found |= markers
    if tag in ("script", "style"):
        script_type = (element.attrib.get("type") or "").strip().lower()
        if tag == "style" or script_type in _SCRIPT_TYPES:
            found |= set(MARKER.findall(element.text or ""))
    return found


def live_markers(html: str) -> set[str]:
    """The payload markers that became live markup in `html` (parsed as a browser would,
    scripting on): handlers, scripts, dangerous URLs, frames, styles. Escaped text is fine."""
    if not _MARKER_ANYHOW.search(html):  # no payload here, even written with entities
        return set()
    document = html5lib.parse(
        html, treebuilder="etree", namespaceHTMLElements=False, scripting=True
    )
    found: set[str] = set()
    for element in document.iter():
        found |= _element_findings(element)
    return found


def payload_of(marker: str) -> str:
    return PAYLOADS[int(marker[-2:])]
