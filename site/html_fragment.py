"""HTML fragments parsed into a small tree in time linear in their length, and written back.

`bleach.clean()` builds its tree with html5lib, whose tree construction looks through the whole
stack of open elements at nearly every tag: 60,000 nested `<b>` took 24 s of CPU, 16,000
`<ul><li>` a minute and a half. The rich-text sanitiser (`portal.rich_text`) only ever keeps a
dozen tags, so this module builds the tree for those itself, following html5lib's "in body" rules
for them (implied end tags, list items, headings, the adoption agency for misnested `<a>`, `<b>`
and `<i>`), with bounds that keep each token's work and output constant:

- the tree is at most `MAX_DEPTH` elements deep: a tag that would open an element deeper than
  that is dropped (its text stays);
- formatting elements are compared on their sanitised attributes, so the list of active
  formatting elements holds at most three `<b>`, three `<i>` and one `<a>`;
- formatting reopened in later paragraphs copies its attributes only while the copies add up
  to less than the input's length: html5lib copied a 10,000-character link into each of 2,500
  paragraphs (20 KB in, 25 MB out). Later copies have no attributes (a link becomes its text).

Tokens come from bleach's own tokenizer and the tree goes back out through bleach's sanitizer
filter and serializer, so text, entities and attributes come out exactly as bleach writes them.
What stays above linear is html5lib's tokenizer building one very long tag name, attribute or
comment by adding to a string: a copy of memory per character (0.02 s for 20,000 characters),
which the length limits of `portal.text_limits` bound.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from bleach import html5lib_shim
from bleach.sanitizer import BleachSanitizerFilter

TOKEN = html5lib_shim.constants.tokenTypes
CHARACTERS, SPACE_CHARACTERS = TOKEN["Characters"], TOKEN["SpaceCharacters"]
START_TAG, END_TAG = TOKEN["StartTag"], TOKEN["EndTag"]

# Deeper than any real text nests (a list in a list in a quote...), shallow enough that walking
# the stack of open elements costs next to nothing.
MAX_DEPTH = 48
# Longer than any character reference ("&CounterClockwiseContourIntegral;" has 33 characters).
ENTITY_MAX = 64

_VOID = frozenset({"br", "hr"})
_FORMATTING = frozenset({"a", "b", "i"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# html5lib's "special" elements among those this module builds (the root is one too).
_SPECIAL = frozenset({"p", "ul", "ol", "li", "blockquote", "br", "hr"}) | _HEADINGS
_IMPLIED_END = frozenset({"li", "p"})
_SPACE = "\t\n\x0c\r "


class Element:
    """An element of the fragment: its children are elements and strings of raw text."""

    __slots__ = ("attributes", "children", "name", "open", "parent")

    def __init__(self, name: str, attributes: dict | None = None) -> None:
        self.name = name
        # keys as html5lib's tree walkers give them: (namespace, name)
        self.attributes = attributes or {}
        self.children: list[Element | str] = []
        self.parent: Element | None = None
        self.open = False  # on the stack of open elements

    def append(self, child: Element | str) -> None:
        if isinstance(child, Element):
            child.parent = self
        self.children.append(child)

    def detach(self) -> None:
        """Take this element out of its parent (an element being moved is usually the last)."""
        if self.parent is None:
            return
        siblings = self.parent.children
        for index in range(len(siblings) - 1, -1, -1):
            if siblings[index] is self:
                del siblings[index]
                break
        self.parent = None

    def attributes_length(self) -> int:
        return sum(len(name) + len(value) for (_namespace, name), value in self.attributes.items())


class _AttributeNames(list):
    """A tag's attributes as html5lib's tokenizer collects them ([name, value] pairs).

    The tokenizer checks each new name for a duplicate by comparing it with `attributes[:-1]`,
    every earlier name: quadratic in the attributes of one tag (50 KB of them took 1.5 s). This
    list answers that slice with the duplicate found through a set, or nothing.
    """

    def __init__(self) -> None:
        super().__init__()
        self._names: set[str] = set()
        self._counted = 0

    def __getitem__(self, index):
        if index != slice(None, -1, None):
            return super().__getitem__(index)
        for name, _value in super().__getitem__(slice(self._counted, -1)):
            self._names.add(name)
        self._counted = len(self) - 1
        newest = super().__getitem__(-1)[0]
        return [(newest, "")] if newest in self._names else []


class _Tokenizer(html5lib_shim.BleachHTMLTokenizer):
    def tagOpenState(self):
        result = super().tagOpenState()
        self._new_attribute_list()
        return result

    def closeTagOpenState(self):
        result = super().closeTagOpenState()
        self._new_attribute_list()
        return result

    def _new_attribute_list(self) -> None:
        if self.state == self.tagNameState:  # a tag token was just started
            self.currentToken["data"] = _AttributeNames()


def fragment_tokens(value: str, *, tags: Iterable[str]) -> Iterator[dict]:
    """html5lib tokens of `value`, as bleach tokenizes it: entities stay as typed, and a tag not
    in `tags` becomes text ("" or, for a block-level tag, a line break)."""
    parser = SimpleNamespace(
        tags=frozenset(tags), strip=True, tree=SimpleNamespace(openElements=[])
    )
    return iter(_Tokenizer(stream=value, consume_entities=False, parser=parser))


class FragmentBuilder:
    """html5lib's "in body" tree construction for p, h1-h6, ul, ol, li, blockquote, hr, br, a,
    b and i (any other start or end tag is ignored), within the bounds the module docstring
    gives. Start tags carry their final attributes as {(namespace, name): value}."""

    def __init__(self, *, attribute_budget: int) -> None:
        self.attribute_budget = attribute_budget  # characters of attributes copies may hold
        self.root = Element("html")
        self.stack: list[Element] = [self.root]
        self.active: list[Element] = []  # active formatting elements (no markers here)
        self.counts: Counter[str] = Counter()  # open elements by name, for "in scope"

    def build(self, tokens: Iterable[dict]) -> Element:
        for token in tokens:
            kind = token["type"]
            if kind in (CHARACTERS, SPACE_CHARACTERS):
                text = token["data"]
                if text != "\x00":  # html5lib drops NUL
                    # a stripped tag arrives as empty text, which reopens formatting too
                    self._reconstruct()
                    if text:
                        self.stack[-1].append(text)
            elif kind == START_TAG:
                self._start(token["name"], token["data"])
            elif kind == END_TAG:
                self._end(token["name"])
        return self.root

    # The stack of open elements

    def _insert(self, name: str, attributes: dict) -> Element | None:
        if len(self.stack) > MAX_DEPTH:
            return None
        element = Element(name, dict(attributes))
        self.stack[-1].append(element)
        self._push(element)
        return element

    def _push(self, element: Element, position: int | None = None) -> None:
        if position is None:
            self.stack.append(element)
        else:
            self.stack.insert(position, element)
        element.open = True
        self.counts[element.name] += 1

    def _pop(self) -> Element:
        element = self.stack.pop()
        element.open = False
        self.counts[element.name] -= 1
        return element

    def _pop_until(self, element: Element) -> None:
        while self._pop() is not element:
            pass

    def _pop_until_name(self, names: frozenset[str]) -> None:
        while self._pop().name not in names:
            pass

    def _remove(self, element: Element) -> None:
        self.stack.remove(element)
        element.open = False
        self.counts[element.name] -= 1

    def _clone(self, element: Element) -> Element:
        cost = element.attributes_length()
        if cost > self.attribute_budget:
            return Element(element.name)
        self.attribute_budget -= cost
        return Element(element.name, dict(element.attributes))

    def _current(self) -> str:
        return self.stack[-1].name

    def _in_scope(self, name: str) -> bool:
        # none of the elements built here bounds a scope: only the root does
        return self.counts[name] > 0

    def _in_list_item_scope(self) -> bool:
        for element in reversed(self.stack):
            if element.name == "li":
                return True
            if element.name in ("ul", "ol"):
                return False
        return False

    def _generate_implied_end_tags(self, exclude: str | None = None) -> None:
        while self._current() in _IMPLIED_END and self._current() != exclude:
            self._pop()

    def _close_p(self) -> None:
        if self._in_scope("p"):
            self._generate_implied_end_tags("p")
            self._pop_until_name(frozenset({"p"}))

    # Active formatting elements

    def _reconstruct(self) -> None:
        if not self.active or self.active[-1].open:
            return
        index = len(self.active) - 1
        while index > 0 and not self.active[index - 1].open:
            index -= 1
        for position in range(index, len(self.active)):
            if len(self.stack) > MAX_DEPTH:
                return
            element = self._clone(self.active[position])
            self.stack[-1].append(element)
            self._push(element)
            self.active[position] = element

    def _add_formatting(self, name: str, attributes: dict) -> None:
        element = self._insert(name, attributes)
        if element is None:
            return
        same = [
            entry
            for entry in reversed(self.active)
            if entry.name == name and entry.attributes == element.attributes
        ]
        if len(same) >= 3:  # html5lib's "Noah's Ark" clause
            self.active.remove(same[-1])
        self.active.append(element)

    def _active_named(self, name: str) -> Element | None:
        for element in reversed(self.active):
            if element.name == name:
                return element
        return None

    # Tokens

    def _start(self, name: str, attributes: dict) -> None:
        if name in ("p", "ul", "ol", "blockquote"):
            self._close_p()
            self._insert(name, attributes)
        elif name in _HEADINGS:
            self._close_p()
            if self._current() in _HEADINGS:
                self._pop()
            self._insert(name, attributes)
        elif name == "li":
            for element in reversed(self.stack):
                if element.name == "li":
                    self._end("li")
                    break
                if element is self.root or element.name in _SPECIAL and element.name != "p":
                    break
            self._close_p()
            self._insert(name, attributes)
        elif name == "hr":
            self._close_p()
            if self._insert(name, attributes):
                self._pop()
        elif name == "br":
            self._reconstruct()
            if self._insert(name, attributes):
                self._pop()
        elif name == "a":
            open_anchor = self._active_named("a")
            if open_anchor is not None:
                self._adopt("a")
                if open_anchor.open:
                    self._remove(open_anchor)
                if open_anchor in self.active:
                    self.active.remove(open_anchor)
            self._reconstruct()
            self._add_formatting(name, attributes)
        elif name in ("b", "i"):
            self._reconstruct()
            self._add_formatting(name, attributes)

    def _end(self, name: str) -> None:
        if name == "p":
            if not self._in_scope("p"):
                self._start("p", {})  # an empty paragraph, as browsers make of a stray </p>
            self._close_p()
        elif name in ("ul", "ol", "blockquote"):
            if self._in_scope(name):
                self._generate_implied_end_tags()
                self._pop_until_name(frozenset({name}))
        elif name == "li":
            if self._in_list_item_scope():
                self._generate_implied_end_tags("li")
                self._pop_until_name(frozenset({"li"}))
        elif name in _HEADINGS:
            if any(self._in_scope(heading) for heading in _HEADINGS):
                self._generate_implied_end_tags()
                self._pop_until_name(_HEADINGS)
        elif name in _FORMATTING:
            self._adopt(name)
        elif name == "br":
            self._start("br", {})

    def _end_other(self, name: str) -> None:
        for element in reversed(self.stack):
            if element.name == name:
                self._generate_implied_end_tags(name)
                self._pop_until(element)
                return
            if element is self.root or element.name in _SPECIAL:
                return

    def _adopt(self, name: str) -> None:
        """html5lib's adoption agency algorithm: an end tag of a formatting element closes it
        even when block elements were opened inside it, cloning it into them."""
        for _ in range(8):
            formatting = self._active_named(name)
            if formatting is None:
                self._end_other(name)
                return
            if not formatting.open:
                self.active.remove(formatting)
                return
            position = self.stack.index(formatting)
            furthest = next(
                (element for element in self.stack[position:] if element.name in _SPECIAL), None
            )
            if furthest is None:
                self._pop_until(formatting)
                self.active.remove(formatting)
                return
            ancestor = self.stack[position - 1]
            bookmark = self.active.index(formatting)
            last = node = furthest
            index = self.stack.index(node)
            for _ in range(3):
                index -= 1
                node = self.stack[index]
                if node not in self.active:
                    self._remove(node)
                    continue
                if node is formatting:
                    break
                if last is furthest:
                    bookmark = self.active.index(node) + 1
                clone = self._clone(node)
                self.active[self.active.index(node)] = clone
                self.stack[index] = clone
                node.open, clone.open = False, True
                node = clone
                last.detach()
                node.append(last)
                last = node
            last.detach()
            ancestor.append(last)
            clone = self._clone(formatting)
            for child in furthest.children:
                if isinstance(child, Element):
                    child.parent = clone
            clone.children, furthest.children = furthest.children, []
            furthest.append(clone)
            self.active.remove(formatting)
            self.active.insert(bookmark, clone)
            self._remove(formatting)
            self._push(clone, self.stack.index(furthest) + 1)


def walk(root: Element) -> Iterator[dict]:
    """html5lib tree-walker tokens of the root's content (no recursion: trees may be deep)."""
    namespace = html5lib_shim.namespaces["html"]
    pending: list[tuple[Element, int]] = [(root, 0)]
    while pending:
        element, index = pending.pop()
        children = element.children
        if index == 0 and element is not root:
            kind = "EmptyTag" if element.name in _VOID else "StartTag"
            yield {
                "type": kind,
                "name": element.name,
                "namespace": namespace,
                "data": dict(element.attributes),
            }
        if index < len(children) and isinstance(children[index], str):
            texts: list[str] = []
            while index < len(children) and isinstance(text := children[index], str):
                texts.append(text)
                index += 1
            yield from _text_tokens("".join(texts))
        if index < len(children) and not isinstance(child := children[index], str):
            pending.append((element, index + 1))
            pending.append((child, 0))
        elif element is not root and element.name not in _VOID:
            yield {"type": "EndTag", "name": element.name, "namespace": namespace}


def _text_tokens(text: str) -> Iterator[dict]:
    # as html5lib's tree walkers split text: leading and trailing white space apart
    middle = text.lstrip(_SPACE)
    if len(middle) < len(text):
        yield {"type": "SpaceCharacters", "data": text[: len(text) - len(middle)]}
    stripped = middle.rstrip(_SPACE)
    for piece in _entity_sized_pieces(stripped):
        yield {"type": "Characters", "data": piece}
    if len(stripped) < len(middle):
        yield {"type": "SpaceCharacters", "data": middle[len(stripped) :]}


def _entity_sized_pieces(text: str) -> Iterator[str]:
    """The text cut so that no piece holds more than ENTITY_MAX characters after an "&".

    bleach's sanitizer filter looks for a character reference after each "&" by popping
    characters off the front of a list: a reference that never ends (`&#` and 500,000 digits)
    cost 15 s. Its pieces are merged again before they are written.
    """
    first, *rest = text.split("&")
    piece = [first]
    for part in rest:
        if len(part) < ENTITY_MAX:
            piece.append("&" + part)
        else:
            piece.append("&" + part[: ENTITY_MAX - 1])
            yield "".join(piece)
            piece = [part[ENTITY_MAX - 1 :]]
    if any(piece):
        yield "".join(piece)


def elements_bottom_up(root: Element) -> list[Element]:
    """Every element under and including the root, each after all of its descendants."""
    order, pending = [], [root]
    while pending:
        element = pending.pop()
        order.append(element)
        pending.extend(child for child in element.children if isinstance(child, Element))
    order.reverse()
    return order


def sanitizer_filter(options: dict, source: Iterable[dict] = ()) -> BleachSanitizerFilter:
    """bleach's sanitizer filter with `options` (its keyword arguments) over `source`."""
    return BleachSanitizerFilter(source=source, **options)


def serialise(root: Element, *, sanitizer: dict) -> str:
    """The root's content as HTML, through bleach's sanitizer filter (`sanitizer` holds its
    options) and serializer, set up as `bleach.clean()` sets them up, except that `<br/>` and
    `<hr/>` are closed as Wagtail stores them: its rich-text editor cannot open a `<br>`."""
    filtered = sanitizer_filter(sanitizer, walk(root))
    serializer = html5lib_shim.BleachHTMLSerializer(
        quote_attr_values="always",
        omit_optional_tags=False,
        escape_lt_in_attrs=True,
        resolve_entities=False,
        sanitize=False,
        alphabetical_attributes=False,
        use_trailing_solidus=True,
        space_before_trailing_solidus=False,
    )
    return serializer.render(filtered)
