"""The probes' shared world: one account of every role, the pages and PB processes they act on.

The world is built once per test module inside a transaction that is rolled back when the
module ends (each test then runs in a savepoint of it, as Django's `setUpTestData` does), so a
module of a few hundred probes pays for it once and leaves nothing behind for other modules.
Everything is made with the apps' factories and services, as a demo site would have it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.test import Client
from django.utils import timezone

import pytest

# Every role a probe is tried as; "visitor" is not signed in.
ROLES = (
    "visitor",
    "pending",
    "deactivated",
    "member_fi",
    "member_se",
    "ambassador",
    "ncp_fi",
    "ncp_se",
    "editor",
    "superuser",
    "organiser",
    "servant",
    "champion",
)

# Words only the members-only story holds (title, summary, body): they must not reach anyone
# who may not read it. The page itself names the title to visitors on purpose (sign in to read).
MEMBERS_STORY_TITLE = "Quokkatitle Zyxsunrise"
MEMBERS_STORY_SECRETS = ("Wombatsummary", "Narwhalbody")
# a word of the title that nobody searches for (a search page repeats the words it was given,
# and highlighting splits the title into pieces)
MEMBERS_STORY_TITLE_WORD = "Zyxsunrise"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (None for the visitor)
    members: dict = field(default_factory=dict)  # name -> network.Member
    pages: dict = field(default_factory=dict)  # name -> Wagtail page
    processes: dict = field(default_factory=dict)  # name -> budgeting.Process
    objects: dict = field(default_factory=dict)  # anything else a probe needs, by name
    codes: list = field(default_factory=list)  # plain voting codes of the "voting" process

    def client(self, role: str) -> Client:
        """A test client signed in as `role` (not signed in for the visitor); a server error
        comes back as a 500 response instead of an exception, as a browser would see it."""
        client = Client(raise_request_exception=False)
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        return client


def search_drain() -> None:
    """Send every queued change to the knowledge index now (tests run no on-commit drain)."""
    from search.outbox import outbox_drain

    while outbox_drain(force=True).entries:
        pass


def _site_home():
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Collection, Locale, Page, Site

    from portal.models import HomePage

    # a transactional test before this module may have flushed what the migrations made
    Locale.objects.get_or_create(language_code="en")
    if Collection.get_first_root_node() is None:  # uploaded images go into it
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(
                title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
            )
        )
    home = root.add_child(instance=HomePage(title="Kokeilu", slug="probe-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": "Kokeilu"},
    )
    return home


def world_build() -> World:
    """One of everything, as on the demo site (see the module docstring)."""
    from budgeting import factories as pb
    from budgeting.implementation import services as implementation_services
    from budgeting.implementation.models import Implementation, ImplementationStatus
    from budgeting.processes import services as processes_services
    from budgeting.processes.models import Phase
    from budgeting.proposals import services as proposals_services
    from budgeting.proposals.models import ProjectStatus
    from budgeting.voting import services as voting_services
    from cases.factories import CaseIndexPageFactory, CasePageFactory
    from network.factories import GroupFactory, GroupMembershipFactory, MemberFactory, UserFactory
    from network.models import GroupPolicy, GroupRole, MemberStatus
    from portal.factories import CountryFactory
    from stories.factories import StoryIndexPageFactory, StoryPageFactory
    from stories.permissions import ambassador_group_sync, editor_group_sync
    from stories.vocabularies import Disclosure
    from stories.workshops.factories import (
        WorkshopIndexPageFactory,
        WorkshopPageFactory,
        WorkshopRegistrationFactory,
        days_from_now,
    )
    from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory

    world = World()
    fi = CountryFactory(key="fi", name="Finland")
    se = CountryFactory(key="se", name="Sweden")
    world.objects.update(fi=fi, se=se)

    def member(username: str, **fields):
        fields.setdefault("country", fi)
        return MemberFactory(
            user=UserFactory(username=username), display_name=f"Probe {username}", **fields
        )

    # pb.UserFactory makes an approved resident of the demo town: whatever "approved
    # residence" comes to mean, the PB factories keep that meaning for the eligible voter
    def resident(username: str, **user_fields):
        user = pb.UserFactory(username=username, **user_fields)
        return user.member

    members = world.members
    members["pending"] = member(
        "probe-pending", status=MemberStatus.PENDING, municipality=pb.DEMO_TOWN
    )
    members["deactivated"] = member(
        "probe-deactivated", status=MemberStatus.DEACTIVATED, municipality=pb.DEMO_TOWN
    )
    members["member_fi"] = resident("probe-member-fi")
    members["member_se"] = member("probe-member-se", country=se, municipality="Malmö")
    members["ambassador"] = member("probe-ambassador", is_ambassador=True)
    ambassador_group_sync(members["ambassador"])
    members["ncp_fi"] = member("probe-ncp-fi", ncp_country=fi)
    members["ncp_se"] = member("probe-ncp-se", country=se, ncp_country=se)
    members["editor"] = member("probe-editor", is_editor=True)
    editor_group_sync(members["editor"])
    superuser = UserFactory(username="probe-admin", is_superuser=True, is_staff=True)
    members["superuser"] = MemberFactory(user=superuser, country=fi, display_name="Probe admin")
    members["organiser"] = resident("probe-organiser")
    members["servant"] = resident("probe-servant")
    # the people NCP actions are tried on
    members["applicant_fi"] = member("probe-applicant-fi", status=MemberStatus.PENDING)
    members["applicant_se"] = member("probe-applicant-se", country=se, status=MemberStatus.PENDING)
    members["target_fi"] = member("probe-target-fi")
    members["target_se"] = member("probe-target-se", country=se)

    # pages
    home = _site_home()
    stories = StoryIndexPageFactory(parent=home)
    workshops = WorkshopIndexPageFactory(parent=stories)
    workshop = WorkshopPageFactory(
        parent=workshops, title="Probe workshop", capacity=50, capture_open=True
    )
    workshop.facilitators.add(members["ambassador"])
    workshop.save()
    cases = CaseIndexPageFactory(parent=home)
    toolkit = ToolkitIndexPageFactory(parent=home)
    world.pages.update(
        home=home,
        stories=stories,
        workshops=workshops,
        workshop=workshop,
        cases=cases,
        case=CasePageFactory(parent=cases, title="Probe case", countries=[fi]),
        toolkit=toolkit,
        resource=ResourcePageFactory(parent=toolkit, title="Probe resource"),
        story_public=StoryPageFactory(
            parent=stories, title="Probe public story", author=members["ambassador"]
        ),
        story_members=StoryPageFactory(
            parent=stories,
            title=MEMBERS_STORY_TITLE,
            summary=f"{MEMBERS_STORY_SECRETS[0]} harbour at dawn.",
            what_happened=f"<p>{MEMBERS_STORY_SECRETS[1]} basement flooded twice.</p>",
            author=members["ambassador"],
            disclosure=Disclosure.MEMBERS,
        ),
        story_anonymous=StoryPageFactory(
            parent=stories,
            title="Probe anonymous story",
            author=members["target_fi"],
            disclosure=Disclosure.PUBLIC_ANONYMOUS,
        ),
    )
    for name in ("member_fi", "pending", "deactivated"):
        WorkshopRegistrationFactory(workshop=workshop, member=members[name])
    world.objects["later_workshop"] = WorkshopPageFactory(
        parent=workshops,
        title="Probe later workshop",
        starts_at=days_from_now(30),
        ends_at=days_from_now(30) + datetime.timedelta(hours=2),
    )

    group = GroupFactory(name="Probe open group", slug="probe-open", policy=GroupPolicy.OPEN)
    GroupMembershipFactory(group=group, member=members["ambassador"], role=GroupRole.FACILITATOR)
    world.objects["group"] = group

    # PB: one process per phase a probe needs, all organised by the organiser
    organiser = members["organiser"].user
    proposals = pb.ProcessFactory(slug="probe-proposals", phase=Phase.PROPOSALS)
    proposals.organisers.add(organiser)
    idea = pb.ProjectFactory(
        process=proposals, title="Probe idea", champion=members["member_fi"].user
    )
    world.objects["idea"] = idea
    world.objects["idea_comment"] = proposals_services.comment_add(
        project=idea, user=members["member_fi"].user, body="A first comment."
    )

    voting = pb.ProcessFactory(
        slug="probe-voting",
        phase=Phase.PROPOSALS,
        eligibility_codes=True,
        counting_rule="greedy",
        budget_amount=Decimal("100000"),
    )
    voting.organisers.add(organiser)
    for title, cost in (("Skate park", 60000), ("Library", 40000), ("Trees", 30000)):
        pb.ProjectFactory(
            process=voting,
            title=title,
            estimated_cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
            reviewed_cost=Decimal(cost),
        )
    voting = processes_services.process_phase_set(
        process=voting, phase=Phase.VOTING, user=organiser
    )
    world.codes = voting_services.voting_codes_issue(process=voting, user=organiser, count=5)

    counted = pb.process_in_implementation(organiser=organiser, slug="probe-counted", start=False)
    doing = pb.process_in_implementation(organiser=organiser, slug="probe-doing")
    skate = Implementation.objects.get(project__process=doing, project__title="Skate park")
    implementation_services.implementation_team_set(
        implementation=skate, user=organiser, civil_servants=[members["servant"].user]
    )
    # accounts that volunteered while they were active members (or before anyone checked)
    skate.volunteers.add(members["pending"].user, members["deactivated"].user)
    decided = Implementation.objects.get(project__process=doing, project__title="Trees")
    decided.civil_servants.add(members["servant"].user)
    Implementation.objects.filter(pk=decided.pk).update(
        status=ImplementationStatus.DONE,
        score=Decimal("0.8"),
        success=True,
        assessed_at=timezone.now(),
        bonus_outcome="released",
        closed_at=timezone.now(),
    )
    decided.refresh_from_db()
    members["champion"] = skate.champion.member
    world.processes.update(proposals=proposals, voting=voting, counted=counted, doing=doing)
    world.objects.update(skate=skate, decided=decided)

    world.users = dict.fromkeys(ROLES)
    for role in ROLES[1:]:
        world.users[role] = members[role].user
    search_drain()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of this module (see the module docstring); tests that use it need `db`."""
    from django.core.cache import cache

    with django_db_blocker.unblock():
        cache.clear()
        with transaction.atomic():
            built = world_build()
            _planner_statistics_refresh()
            yield built
            transaction.set_rollback(True)
        cache.clear()


def _planner_statistics_refresh() -> None:
    """ANALYZE the world just built, as autovacuum would have done after a bulk load.

    PostgreSQL plans with what it knew of each table before the world was built: on a fresh
    test database, "empty", and a search joins the index tables row by row, seconds a query.
    ANALYZE in this transaction counts its own rows.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and Wagtail's site lookup live in the cache: each probe starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
