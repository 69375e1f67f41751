"""The XSS corpus (`xss_corpus.PAYLOADS`) through every field people write, into every place
the value is shown: pages, the admin, the Atom feed, the JSON APIs and e-mail.

One author per payload writes it into all their fields at once, through the site's own forms
(so the input path, sanitising included, is the one an attacker uses): profile, PB proposal and
comment, shared story, group, workshop draft, and, as the PB team, progress updates,
milestones and effects. Each surface is then fetched once per object (or once for a listing)
and checked with `xss_corpus.live_markers`; a failure names the surface and the payloads that
became live there. Admin edit pages (half a second each to render) and the workshop drafts'
own pages (seen by their author only) are sampled; every listing is fetched whole. CSV exports
are `test_csv_injection.py`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.core import mail
from django.test import Client

import pytest

from tests.security.xss_corpus import MARKER, PAYLOADS, live_markers, payload_of

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _text(payload: str) -> str:
    # text after the payload: a field a sanitiser empties would be refused, and seen by nobody
    return f"{payload} Probe text."


def _titled(n: int, payload: str, limit: int) -> str:
    # a searchable word first (the suggester completes titles from their start)
    return f"Xss{n:02d} {payload}"[:limit]


@dataclass
class Planted:
    authors: list = field(default_factory=list)  # network.Member per payload
    projects: list = field(default_factory=list)
    stories: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    # (what was written, status) of every write that answered with a server error
    write_errors: list = field(default_factory=list)
    # reflected surfaces: the answer to a form that refused the payload
    reflected: dict = field(default_factory=dict)


def _post(planted: Planted, client: Client, what: str, path: str, data: dict, files=None):
    response = client.post(path, {**data, **(files or {})})
    if response.status_code >= 500:
        planted.write_errors.append((what, response.status_code))
    return response


def _plant(world) -> Planted:
    from budgeting import factories as pb
    from budgeting.assessment import criteria as assessment_criteria
    from budgeting.proposals import services as proposals_services
    from budgeting.proposals.models import Project
    from network.models import VISIBILITY_FIELDS as PROFILE_VISIBILITY
    from network.models import Group, Visibility
    from stories.models import StoryDraft, StoryPage
    from stories.workshops.factories import WorkshopRegistrationFactory
    from tests.security.conftest import search_drain

    planted = Planted()
    organiser = world.users["organiser"]
    champion = world.client("champion")
    skate = world.objects["skate"]
    implementation = f"/en/pb/probe-doing/projects/{skate.project_id}/implementation/"
    public = {
        f"visibility_{name}": Visibility.MEMBERS if name == "contact" else Visibility.PUBLIC
        for name in PROFILE_VISIBILITY
    }
    for n, payload in enumerate(PAYLOADS):
        user = pb.UserFactory(username=f"xss-author-{n:02d}")
        member = user.member
        planted.authors.append(member)
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"10.9.{n}.1")
        client.force_login(user)
        profile = {
            "display_name": _titled(n, payload, 120),
            "organisation": payload[:255],
            "municipality": payload[:120],
            "bio": _text(payload),
            "country": "fi",
            **public,
        }
        _post(planted, client, "profile", f"/en/network/members/{member.pk}/edit/", profile)
        _post(
            planted,
            client,
            "proposal",
            "/en/pb/probe-proposals/propose/",
            {
                "title": _titled(n, payload, 200),
                "description": _text(payload),
                "place": payload[:200],
                "impact_criteria": payload,
                "estimated_cost": "1000",
            },
        )
        _post(
            planted,
            client,
            "comment",
            f"/en/pb/probe-proposals/projects/{world.objects['idea'].pk}/comment/",
            {"body": _text(payload)},
        )
        _post(
            planted,
            client,
            "story share",
            world.pages["stories"].url + "share/",
            {
                "title": _titled(n, payload, 200),
                "kind": "slip-up",
                "summary": payload[:500],
                "municipality": payload[:120],
                "what_we_tried": _text(payload),
                "what_happened": _text(payload),
                "disclosure": "public-named",
                "consent": "on",
            },
        )
        _post(
            planted,
            client,
            "group",
            "/en/network/groups/new/",
            {"name": _titled(n, payload, 150), "description": _text(payload), "policy": "open"},
        )
        WorkshopRegistrationFactory(workshop=world.pages["workshop"], member=member)
        _post(
            planted,
            client,
            "workshop draft",
            world.pages["workshop"].url + "capture/",
            {
                "title": _titled(n, payload, 200),
                "project": payload,
                "what_went_wrong": payload,
                "why": payload,
                "lesson": payload,
                "do_differently": payload,
                "kind": "slip-up",
                "disclosure": "public-named",
                "consent": "on",
                "action": "share",
            },
        )
        planted.reflected[f"voting code {n:02d}"] = _post(
            planted, client, "voting code", "/en/pb/probe-voting/vote/code/", {"code": payload[:40]}
        )

    # the implementation team writes on its public page (six payloads a post)
    for first in range(0, len(PAYLOADS), 6):
        batch = " ".join(PAYLOADS[first : first + 6])
        for action, data in (
            ("update", {"body": _text(batch)}),
            ("milestone", {"title": _titled(first, batch, 200), "description": _text(batch)}),
            ("effect", {"description": _text(batch), "good": "yes", "evidence": batch[:500]}),
        ):
            _post(planted, champion, f"implementation {action}", implementation + action, data)
    # a link must be a web address: the refusal repeats what was typed (one per line)
    author = planted.authors[0]
    client = Client(raise_request_exception=False)
    client.force_login(author.user)
    for first in range(0, len(PAYLOADS), 6):
        planted.reflected[f"profile links {first:02d}+"] = _post(
            planted,
            client,
            "profile links",
            f"/en/network/members/{author.pk}/edit/",
            {
                "display_name": "Links probe",
                "country": "fi",
                "links": "\n".join(PAYLOADS[first : first + 6]),
                **public,
            },
        )

    planted.projects = list(
        Project.objects.filter(process=world.processes["proposals"], title__startswith="Xss")
    )
    for project in planted.projects:
        # the organiser's public review reason, and the criteria they add
        proposals_services.project_review(
            project=project,
            user=organiser,
            feasible=True,
            reason=PAYLOADS[int(project.title[3:5])],
            reviewed_cost=project.estimated_cost,
        )
    for payload in PAYLOADS[:20]:
        assessment_criteria.criterion_add(
            process=world.processes["proposals"], user=organiser, title=payload[:200]
        )
    editor = world.users["superuser"]
    for story in StoryPage.objects.filter(title__startswith="Xss"):
        # an editor approves the shared stories: they go live as the author wrote them
        story.save_revision(user=editor).publish(user=editor)
        planted.stories.append(story)
    planted.groups = list(Group.objects.filter(name__startswith="Xss"))
    planted.drafts = list(StoryDraft.objects.filter(title__startswith="Xss"))
    search_drain()
    return planted


@pytest.fixture(scope="module")
def planted(world, django_db_blocker):
    with django_db_blocker.unblock():
        return _plant(world)


def _findings(response) -> set[str]:
    return live_markers(response.content.decode("utf-8", "replace"))


def _report(failures: dict[str, set[str]]) -> str:
    return "; ".join(
        f"{where}: {sorted(payload_of(m) for m in markers)}" for where, markers in failures.items()
    )


def _check_pages(client: Client, paths: list[str]) -> None:
    failures: dict[str, set[str]] = {}
    errors = []
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            errors.append((path, response.status_code))
            continue
        found = _findings(response)
        if found:
            failures[path] = found
    assert not errors, f"server errors: {errors}"
    assert not failures, f"live markup: {_report(failures)}"


def test_every_payload_was_written_without_a_server_error(planted):
    n = len(PAYLOADS)
    assert not planted.write_errors
    # the probes below see nothing unless the payloads got in
    assert len(planted.authors) == n
    assert len(planted.projects) >= n - 5, "proposals refused: the probe would be blind"
    assert len(planted.stories) >= n - 5, "shared stories refused: the probe would be blind"
    assert len(planted.groups) >= n - 5, "groups refused: the probe would be blind"
    assert len(planted.drafts) >= n - 5, "workshop drafts refused: the probe would be blind"


def test_forms_that_refuse_a_payload_show_it_as_text(planted):
    failures = {
        where: found
        for where, response in planted.reflected.items()
        if (found := _findings(response))
    }
    assert not failures, _report(failures)


# -- pages


def test_pb_pages(world, planted):
    paths = [f"/en/pb/probe-proposals/projects/{p.pk}/" for p in planted.projects]
    paths += [
        "/en/pb/probe-proposals/",
        f"/en/pb/probe-proposals/projects/{world.objects['idea'].pk}/",
        "/en/pb/probe-proposals/criteria/",
        f"/en/pb/probe-doing/projects/{world.objects['skate'].project_id}/implementation/",
    ]
    _check_pages(world.client("visitor"), paths)


def test_pb_organiser_pages(world, planted):
    _check_pages(
        world.client("organiser"),
        [
            "/en/pb/probe-proposals/manage/",
            f"/en/pb/probe-proposals/projects/{world.objects['idea'].pk}/",
            f"/en/pb/probe-doing/projects/{world.objects['skate'].project_id}/implementation/",
        ],
    )


def test_member_profiles_and_directory(world, planted):
    paths = [f"/en/network/members/{m.pk}/" for m in planted.authors]
    paths += [f"/en/network/?q=Xss{n:02d}" for n in range(0, len(PAYLOADS), 5)]
    paths += ["/en/network/", "/en/network/?page=2", "/en/network/?page=3"]
    _check_pages(world.client("member_fi"), paths)


def test_ncp_dashboard(world, planted):
    _check_pages(world.client("ncp_fi"), ["/en/network/ncp/", "/en/network/ncp/?page=2"])


def test_group_pages(world, planted):
    _check_pages(world.client("visitor"), [f"/en/network/groups/{g.slug}/" for g in planted.groups])


def test_story_pages_and_listing(world, planted):
    index = world.pages["stories"].url
    paths = [story.url for story in planted.stories]
    paths += [index, f"{index}?page=2", f"{index}?page=3"]
    _check_pages(world.client("visitor"), paths)


def test_workshop_capture_pages_of_their_authors(world, planted):
    failures = {}
    for draft in planted.drafts[::3]:  # only their author sees them
        client = Client(raise_request_exception=False)
        client.force_login(draft.author.user)
        response = client.get(world.pages["workshop"].url + f"capture/{draft.pk}/")
        assert response.status_code < 500
        if found := _findings(response):
            failures[f"draft {draft.pk}"] = found
    assert not failures, _report(failures)


def test_search_pages_with_the_payload_found(world, planted):
    # searching for a payload's marker finds its documents with highlights
    paths = [f"/en/search/?q=kxss{n:02d}" for n in range(len(PAYLOADS))]
    _check_pages(world.client("member_fi"), paths)


# -- what people type into search boxes comes back on the page


def _query_batches(size: int = 6) -> list[str]:
    return [" ".join(PAYLOADS[i : i + size]) for i in range(0, len(PAYLOADS), size)]


@pytest.mark.parametrize(
    "surface",
    ["/en/search/", "/en/network/", "stories", "cases", "toolkit"],
)
def test_search_queries_are_shown_as_text(world, surface):
    base = world.pages[surface].url if not surface.startswith("/") else surface
    client = world.client("member_fi")
    failures = {}
    for query in _query_batches():
        response = client.get(base, {"q": query})
        assert response.status_code < 500, query
        if found := _findings(response):
            failures[query[:40]] = found
    assert not failures, _report(failures)


# -- the admin, as an editor sees it


def test_admin_pages(world, planted):
    from wagtail.admin.admin_url_finder import AdminURLFinder

    editor = world.users["superuser"]
    finder = AdminURLFinder(editor)
    paths = [f"/admin/pages/{story.pk}/edit/" for story in planted.stories[::18]]
    paths += [
        f"/admin/pages/{world.pages['stories'].pk}/",
        "/admin/pages/search/?q=Xss",
        finder.get_edit_url(world.objects["skate"]),
        finder.get_edit_url(world.processes["proposals"]),
    ]
    paths += [finder.get_edit_url(member) for member in planted.authors[::18]]
    from django.urls import reverse

    paths.append(reverse("workshop_drafts:index"))
    paths += [reverse("workshop_drafts:review", args=[d.pk]) for d in planted.drafts[::18]]
    paths.append(reverse("wagtailsnippets_network_member:list"))
    _check_pages(world.client("superuser"), [p for p in paths if p])


def test_admin_pages_of_a_network_editor(world, planted):
    from django.urls import reverse

    paths = [f"/admin/pages/{story.pk}/edit/" for story in planted.stories[9::27]]
    paths += [reverse("workshop_drafts:index")]
    paths += [reverse("workshop_drafts:review", args=[d.pk]) for d in planted.drafts[9::27]]
    _check_pages(world.client("editor"), paths)


# -- the Atom feed: readers render <summary type="html"> and <content type="html"> as HTML


def test_atom_feed(world, planted):
    response = world.client("visitor").get(world.pages["stories"].url + "feed/")

    assert response.status_code == 200
    try:
        feed = ET.fromstring(response.content)
    except ET.ParseError as error:  # a feed reader shows nothing of a broken feed
        pytest.fail(f"the feed is not well-formed XML: {error}")
    failures: dict[str, set[str]] = {}
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) >= min(len(planted.stories), 40), "the stories are not in the feed"
    for entry in entries:
        for child in entry:
            name = child.tag.removeprefix(ATOM)
            kind = child.get("type", "text")
            text = "".join(child.itertext())
            # readers show text as text; what is marked as HTML they render
            found = live_markers(f"<body>{text}</body>") if kind in ("html", "xhtml") else set()
            if found:
                failures[f"{entry.findtext(f'{ATOM}title', '')[:40]!r} {name}"] = found
    assert not failures, _report(failures)


# -- JSON: values are strings; the HTML among them (highlights) is safe


def _json_strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield value


def test_search_api(world, planted):
    client = world.client("member_fi")
    failures = {}
    found_any = 0
    for n in range(len(PAYLOADS)):
        response = client.get("/en/api/search/", {"q": f"kxss{n:02d}"})
        assert response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        data = response.json()
        found_any += data.get("total", 0)
        for hit in data.get("hits", []):
            for name, html in (hit.get("highlights") or {}).items():
                assert isinstance(html, str)
                if found := live_markers(f"<body>{html}</body>"):
                    failures[f"kxss{n:02d} highlight {name}"] = found
            for name in ("title", "summary", "url"):
                assert isinstance(hit.get(name, ""), str)
    assert found_any, "no payload was found through the API: the probe would be blind"
    assert not failures, _report(failures)


def test_suggest_api(world, planted):
    client = world.client("visitor")
    titles = 0
    for prefix in ("Xss0", "Xss1", "Xss2", "Xss3", "Xss4", "Xss5"):
        response = client.get("/en/api/search/suggest/", {"q": prefix, "limit": 20})
        assert response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        for suggestion in response.json()["suggestions"]:
            assert all(isinstance(v, str) for v in _json_strings(suggestion))
            titles += 1
    assert titles, "no payload title was suggested: the probe would be blind"
    for payload in PAYLOADS[::5]:
        response = client.get("/en/api/search/suggest/", {"q": payload})
        assert response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        json.loads(response.content)


# -- e-mail: what members write reaches other people's mailboxes


def test_invitation_emails(world, planted, django_capture_on_commit_callbacks):
    """A group's name and its inviter's name go into an e-mail to someone else."""
    failures = []
    mail.outbox.clear()
    for group, author in zip(planted.groups, planted.authors, strict=False):
        client = Client(raise_request_exception=False)
        client.force_login(author.user)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    f"/en/network/groups/{group.slug}/invite/", {"email": "friend@example.org"}
                )
        except Exception as error:  # raised while sending: a server error in production
            failures.append(f"{group.name[:12]!r}: sending raised {error!r}")
            continue
        if response.status_code >= 500:
            failures.append(f"{group.name[:12]!r}: {response.status_code}")
    assert mail.outbox, "no invitation was sent: the probe would be blind"
    for message in mail.outbox:
        if "\n" in message.subject or "\r" in message.subject:
            failures.append(f"a line break in the subject {message.subject!r}")
        for content, mimetype in getattr(message, "alternatives", []):
            if "html" in mimetype and (found := live_markers(content)):
                failures.append(f"{message.subject[:30]}: {sorted(found)}")
    assert not failures, failures


def test_marker_check_sees_live_markup():
    """The check itself: every payload is live when pasted raw into an attribute or a page
    (except those whose danger is in double decoding or plain text), and none is live escaped."""
    from django.utils.html import escape

    raw_live = {
        m
        for p in PAYLOADS
        for m in live_markers(f"<body><div>{p}</div><a title='{p}'>x</a><b title=\"{p}\">y</b>")
    }
    assert len(raw_live) >= 40
    assert not live_markers(
        "".join(f'<p>{escape(p)}</p><input value="{escape(p)}">' for p in PAYLOADS)
    )
    assert MARKER.search(PAYLOADS[0])
