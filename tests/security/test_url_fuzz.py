"""The URL fuzzer: every URL of the site with malformed, huge and unicode values, and no answer
is a server error.

It walks `portal.urls` (the project's apps and allauth; the Wagtail and Django admin are
left out) and the routes of the site's routable pages (case library, stories, workshops,
toolkit). Each path parameter gets, in turn, values that do not fit (huge and negative numbers,
unicode, `..`, `%00`, a lone surrogate, 10,000 characters) while the others keep a real value
from the probe world, so the view gets as deep as it can; every known query parameter and form
field gets the same kind of values. Requests go as a visitor, as an active member and, on the PB
pages, as the process's organiser; POSTs go without CSRF checks, empty, malformed and huge.

Each family (first path segment) is one test that prints
`url-fuzz family=<name> requests=<n> failures=<n>` (shown with `pytest -s`) and fails with
the list of requests that answered 5xx.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.regex_helper import normalize

import pytest

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000
# values for any parameter: (name for the report, percent-encoded text)
BAD_VALUES = (
    ("huge number", "99999999999999999999"),
    ("minus one", "-1"),
    ("zero", "0"),
    ("letters", "abc"),
    ("NUL", "%00"),
    ("10,000 characters", LONG),
    ("path traversal", quote("../../etc/passwd", safe="")),
    ("emoji", quote("😀🦄", safe="")),
    ("RTL marks", quote("\u202e\u200fabc\u200e", safe="")),
    ("lone surrogate", "%ED%A0%80"),
    ("SQL", quote("' OR 1=1 --", safe="")),
)
# in a path segment an int converter matches digits only; other values fall through to 404
INT_VALUES = ("99999999999999999999", "9223372036854775808", "0")
# every query parameter the site reads
QUERY_PARAMS = (
    "q",
    "page",
    "sort",
    "kind",
    "limit",
    "case",
    "status",
    "next",
    "shared",
    "country",
    "theme",
    "method",
    "stage",
    "government_level",
    "innovation_type",
    "sdg",
    "outcome",
    "year",
    "experiment_outcome",
    "format",
    "purpose",
    "audience",
    "skill_level",
    "time_needed",
    "group_size",
    "cost",
    "language",
    "openness",
    "role",
    "skill",
    "looking_for",
    "offering",
    "organisation_type",
    "root_cause",
    "implementation_status",
    "stage_answer",
    "goal",
    "time",
    "experience",
    "budget",
)
SHORT_QUERY_PARAMS = ("q", "page", "case", "sort", "limit", "next")
# form fields of the site's forms (a view reads what it knows and ignores the rest)
FORM_FIELDS = (
    "title",
    "description",
    "body",
    "place",
    "estimated_cost",
    "reviewed_cost",
    "theme",
    "district",
    "impact_criteria",
    "parent",
    "reason",
    "phase",
    "count",
    "code",
    "project",
    "remove",
    "feasible",
    "name",
    "policy",
    "themes",
    "methods",
    "email",
    "display_name",
    "organisation",
    "organisation_type",
    "country",
    "municipality",
    "links",
    "bio",
    "criteria",
    "status",
    "note",
    "new_champion",
    "civil_servants",
    "milestone",
    "indicator",
    "effect",
    "measured",
    "baseline",
    "target",
    "evidence",
    "good",
    "agree",
    "offer",
    "support",
    "counts",
    "ambassador",
    "accept",
    "consent",
    "kind",
    "disclosure",
    "summary",
    "started_on",
    "ended_on",
    "action",
    "password",
    "login",
    "next",
    "confirm",
    "due",
    "photo_alt",
    "user",
    "residence_country",
    "residence_municipality",
)
FORM_VALUES = (
    "99999999999999999999",
    "-1",
    "abc",
    "\x00",
    LONG,
)
# a lone surrogate cannot be encoded as UTF-8: it goes as raw bytes
SURROGATE_FORM = "&".join(f"{name}=%ED%A0%80" for name in FORM_FIELDS).encode()
SKIPPED_PREFIXES = ("admin/", "django-admin/")
# PB pages where the organiser gets further than a member does
ORGANISER_ROUTES = re.compile(r"manage|criteria|implementation|comments|results|ledger|rule")
FIVE_MB = 5 * 1024 * 1024


def _pieces(pattern) -> list:
    """A URL pattern as literal text and (name, converter) pieces."""
    out: list = []
    if isinstance(pattern, LocalePrefixPattern):
        return [pattern.language_prefix]  # "en/": the public site in the default language
    if isinstance(pattern, RoutePattern):
        # text, converter, name, text, converter, name, ..., text
        parts = re.split(r"<(?:(\w+):)?(\w+)>", str(pattern._route))
        for index in range(0, len(parts), 3):
            out.append(parts[index])
            if index + 2 < len(parts):
                out.append((parts[index + 2], parts[index + 1] or "str"))
    else:
        # text, name, text, name, ..., text
        fmt, _params = normalize(pattern._regex)[0]
        parts = re.split(r"%\((\w+)\)s", fmt)
        for index, part in enumerate(parts):
            out.append((part, "str") if index % 2 else part)
    return [piece for piece in out if piece != ""]


def _walk(patterns, prefix: list):
    for entry in patterns:
        pieces = prefix + _pieces(entry.pattern)
        literal = "".join(p for p in pieces if isinstance(p, str))
        if literal.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, pieces)
        elif isinstance(entry, URLPattern) and entry.name != "wagtail_serve":
            yield pieces


def _family(pieces: list) -> str:
    literal = "".join(p if isinstance(p, str) else "x" for p in pieces).strip("/")
    segments = literal.split("/")
    if segments[0] in ("fi", "sv", "en"):  # the public site under its language prefix
        segments = segments[1:]
    first = segments[0] if segments else ""
    first = {"api": "search"}.get(first, first)
    return first if first in FAMILIES else "pages"


def _valid_values(world) -> dict:
    """Real values for path parameters, by (family, name): the view gets past its lookups."""
    from network.models import GroupMembership

    skate = world.objects["skate"]
    membership = GroupMembership.objects.filter(group=world.objects["group"]).first()
    return {
        ("pb", "slug"): ("probe-doing", "probe-voting", "probe-proposals"),
        ("pb", "pk"): (str(skate.project_id), str(world.objects["idea"].pk)),
        ("pb", "action"): ("status", "update", "milestone_edit", "target", "confirm", "decide"),
        ("network", "pk"): (str(world.members["member_fi"].pk),),
        ("network", "slug"): ("probe-open",),
        ("network", "membership_id"): (str(membership.pk) if membership else "1",),
        ("network", "token"): ("not-a-token",),
        # the library's path after the language prefix ("/en/cases/" -> "cases/")
        ("cases", "path"): (world.pages["cases"].url.strip("/").split("/", 1)[1] + "/",),
        ("cases", "fmt"): ("csv", "json"),
        ("stories", "draft_id"): ("1",),
    }


def _bad_values(converter: str) -> list[str]:
    if converter == "int":
        return list(INT_VALUES)
    if converter == "slug":
        return ["abc", "-", "x" * 2000]
    return [value for _, value in BAD_VALUES]


def _path(pieces: list, values: dict) -> str:
    return "/" + "".join(p if isinstance(p, str) else values[p[0]] for p in pieces)


def _urls(pieces: list, valid: dict, family: str) -> tuple[list[str], list[str]]:
    """(URLs with every parameter real, URLs with one parameter malformed)."""
    params = [p for p in pieces if not isinstance(p, str)]
    choices = {name: valid.get((family, name), ("1",)) for name, _ in params}
    good = []
    for index in range(max([len(c) for c in choices.values()] or [1])):
        good.append(_path(pieces, {n: c[index % len(c)] for n, c in choices.items()}))
    bad = []
    for name, converter in params:
        for value in _bad_values(converter):
            bad.append(_path(pieces, {n: c[0] for n, c in choices.items()} | {name: value}))
    return list(dict.fromkeys(good)), bad


def _routable_pages(world) -> list[tuple[str, list]]:
    """The routes of the routable pages as (family, pieces), with the page's URL before."""
    pages = [
        ("cases", world.pages["cases"]),
        ("stories", world.pages["stories"]),
        ("stories", world.pages["workshop"]),
        ("toolkit", world.pages["toolkit"]),
        ("toolkit", world.pages["resource"]),
    ]
    out = []
    for family, page in pages:
        base = page.url.lstrip("/")
        for route in page.specific.get_subpage_urls():
            out.append((family, [base, *_pieces(route.pattern)]))
    plain = ["", *(world.pages[name].url.lstrip("/") for name in ("case", "story_public"))]
    out += [("pages", [path]) for path in plain]
    return out


class Tally:
    def __init__(self) -> None:
        self.requests = 0
        self.failures: list[str] = []

    def check(self, response, what: str) -> None:
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {what[:300]}")


def _targets(world) -> dict[str, list[list]]:
    by_family: dict[str, list[list]] = defaultdict(list)
    for pieces in _walk(get_resolver().url_patterns, []):
        by_family[_family(pieces)].append(pieces)
    for family, pieces in _routable_pages(world):
        by_family[family].append(pieces)
    return by_family


FAMILIES = ("pb", "network", "accounts", "search", "cases", "stories", "toolkit", "pages")


def _rotated_query(turn: int) -> tuple[str, str]:
    """Every known query parameter with a malformed value: parameter i gets value i + turn, so
    that over len(BAD_VALUES) turns each parameter meets every value (the 10,000 characters
    only in a few parameters, or the query would be megabytes)."""
    pairs = []
    for index, name in enumerate(QUERY_PARAMS):
        label, value = BAD_VALUES[(index + turn) % len(BAD_VALUES)]
        if value == LONG and name not in SHORT_QUERY_PARAMS:
            value = "abc"
        pairs.append(f"{name}={value}")
    return BAD_VALUES[turn % len(BAD_VALUES)][0], "&".join(pairs)


def _get_variants(tally: Tally, client, url: str, role: str, turns: range) -> None:
    """The URL plain, with every known query parameter malformed, and with a repeated id."""
    tally.check(client.get(url), f"GET {url} as {role}")
    for turn in turns:
        name, query = _rotated_query(turn)
        tally.check(client.get(f"{url}?{query}"), f"GET {url}?<{name} and others> as {role}")
    tally.check(
        client.get(f"{url}?case=1&case=99999999999999999999&case=abc"),
        f"GET {url}?case=… as {role}",
    )


def _post_variants(tally: Tally, client, url: str, role: str, full: bool = True) -> None:
    """POSTs without a CSRF token: empty, every form field malformed (field i gets value
    i + turn, so each field meets every value), bodies that are not forms."""
    tally.check(client.post(url), f"POST {url} (empty) as {role}")
    for turn in range(len(FORM_VALUES) if full else 1):
        data = {
            name: FORM_VALUES[(index + turn) % len(FORM_VALUES)]
            for index, name in enumerate(FORM_FIELDS)
        }
        tally.check(client.post(url, data), f"POST {url} form turn {turn} as {role}")
    if not full:
        return
    for body in (SURROGATE_FORM, b"\xff\xfe=%%%&&==\x00"):
        tally.check(
            client.post(url, body, content_type="application/x-www-form-urlencoded"),
            f"POST {url} (body {body[:20]!r}…) as {role}",
        )
    tally.check(
        client.post(
            url,
            b'--xx\r\nContent-Disposition: form-data; name="title"\r\n\r\nbroken',
            content_type="multipart/form-data; boundary=xx",
        ),
        f"POST {url} (broken multipart) as {role}",
    )


def _fuzz(world, family: str) -> Tally:
    """Each URL pattern: its first set of real values with every variant, as a visitor and as a
    member (the PB pages also as their organiser); its other real values (other processes,
    other implementation actions) plainly and with one malformed form by the most powerful role;
    each malformed path parameter as a member, GET and POST."""
    tally = Tally()
    valid = _valid_values(world)
    users = {"visitor": None, "member": world.users["member_fi"]}
    if family == "pb":
        users["organiser"] = world.users["organiser"]
    clients = {role: world.client("visitor") for role in users}
    strongest = list(users)[-1]

    def signed_in(role):
        # signed in again each time: a POST to the log-out URL signs the client out
        client = clients[role]
        if users[role] is not None:
            client.force_login(users[role])
        return client

    for pieces in _targets(world)[family]:
        good, bad = _urls(pieces, valid, family)
        first, *others = good
        literal = "".join(p for p in pieces if isinstance(p, str))
        for role in users:
            if role == "organiser" and not ORGANISER_ROUTES.search(literal):
                continue  # a page every voter sees: the member's requests went there
            client = signed_in(role)
            # the visitor and the member share the turns between them; the organiser's pages
            # read few parameters
            turns = range(6, 12) if role == "member" else range(6 if role == "visitor" else 3)
            _get_variants(tally, client, first, role, turns)
            if role == "visitor":
                tally.check(client.post(first), f"POST {first} (empty) as visitor")
            else:
                _post_variants(tally, signed_in(role), first, role)
        for url in others:
            client = signed_in(strongest)
            tally.check(client.get(url), f"GET {url} as {strongest}")
            _post_variants(tally, signed_in(strongest), url, strongest, full=False)
        for url in bad:
            client = signed_in("member")
            tally.check(client.get(url), f"GET {url[:200]} as member")
            tally.check(signed_in("member").post(url), f"POST {url[:200]} as member")
    return tally


@pytest.mark.parametrize("family", FAMILIES)
def test_no_server_error(world, family, capsys):
    tally = _fuzz(world, family)

    with capsys.disabled():
        print(
            f"\nurl-fuzz family={family} requests={tally.requests} failures={len(tally.failures)}"
        )
    assert tally.requests, "nothing was tried"
    assert not tally.failures, "\n".join(tally.failures[:60])


# -- bodies that are too big


def _big_form(size: int) -> bytes:
    return b"title=Big&estimated_cost=1&place=x&description=" + b"a" * size


@pytest.mark.parametrize("kind", ["form", "multipart_text"])
def test_a_five_megabyte_body_is_refused(world, kind):
    """Finding 1: a request body has a limit, and going over it is a 400 or 413, not a 500
    (nor a proposal stored)."""
    from budgeting.proposals.models import Project

    client = world.client("member_fi")
    before = Project.objects.count()
    path = "/en/pb/probe-proposals/propose/"
    if kind == "form":
        response = client.post(
            path, _big_form(FIVE_MB), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post(
            path,
            {"title": "Big", "estimated_cost": "1", "description": "a" * FIVE_MB},
        )

    assert response.status_code in (400, 413), response.status_code
    assert Project.objects.count() == before


def test_a_five_megabyte_photo_is_refused(world, settings, tmp_path):
    """Files have their own limits (they do not count towards the form data's): a 5 MB photo is
    refused with a message, and nothing is stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from network.models import Member

    settings.MEDIA_ROOT = str(tmp_path)
    member = world.members["member_fi"]

    response = world.client("member_fi").post(
        f"/en/network/members/{member.pk}/edit/",
        {
            "display_name": member.display_name,
            "visibility_contact": "members",
            "photo": SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\0" * FIVE_MB, "image/jpeg"),
        },
    )

    assert response.status_code in (400, 413), response.status_code
    assert not Member.objects.get(pk=member.pk).photo
