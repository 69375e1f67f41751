"""Demo accounts and members of the network (password `kokeilu-demo`, demo content only).

`load_members` is called by `portal.demo.demo_load`, which refuses to run under production
settings. Idempotent: accounts are found by username and completed (an account created by
another loader gets its profile), never duplicated.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Group, GroupMembership, GroupPolicy, GroupRole, Member, MemberStatus
from network.vocabularies import EXCHANGE, SKILLS
from portal.demo_records import demo_records_read, vocabulary_terms

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "organisations.jsonl.gz"
DEMO_PASSWORD = "kokeilu-demo"  # published on purpose: demo content only
DEMO_NOTE = "<p>This is a demo profile: the person is invented.</p>"

# username, display name, country, role, organisation (None: from the data), organisation type
ACCOUNTS: tuple[dict, ...] = (
    {
        "username": "ncp-fi",
        "name": "Kaisa Nieminen",
        "country": "fi",
        "ncp": True,
        "organisation": "Ministry of Finance (demo)",
        "organisation_type": "government",
    },
    {
        "username": "ncp-se",
        "name": "Johan Lindqvist",
        "country": "se",
        "ncp": True,
        "organisation": "Vinnova (demo)",
        "organisation_type": "government",
    },
    {
        "username": "ambassador-fi",
        "name": "Elina Korhonen",
        "country": "fi",
        "ambassador": True,
        "organisation": "City of Helsinki",
        "organisation_type": "government",
    },
    {
        "username": "member-fi",
        "name": "Mikko Mäkinen",
        "country": "fi",
        "organisation": "City of Espoo (demo)",
        "organisation_type": "government",
        # lives in the demo town of budgeting.demo, so can vote there with the account
        "city": "Kokeilu demo town",
    },
    {
        "username": "member-se",
        "name": "Sara Nilsson",
        "country": "se",
        "organisation": "Demoex",
        "organisation_type": "non-governmental-organisation",
    },
    {
        "username": "applicant-fi",
        "name": "Ville Heikkinen",
        "country": "fi",
        "status": MemberStatus.PENDING,
        "organisation": "City of Tampere (demo)",
        "organisation_type": "government",
        "motivation": "We are starting a basic-income style trial in Tampere and want to learn "
        "from cities that have run one.",
    },
    {
        "username": "applicant-se",
        "name": "Emma Berg",
        "country": "se",
        "status": MemberStatus.PENDING,
        "organisation": "Region Skåne (demo)",
        "organisation_type": "government",
        "motivation": "I coordinate service design pilots in the region's health care and look "
        "for peers who test new ways of working.",
    },
)
FIRST_NAMES = (
    "Anna",
    "Lukas",
    "Sofia",
    "Mateo",
    "Ingrid",
    "Noah",
    "Amara",
    "Olivia",
    "Kwame",
    "Priya",
    "Lars",
    "Chiara",
    "Tomás",
    "Aiko",
    "Fatima",
    "Jonas",
    "Léa",
    "Rafael",
    "Hanna",
    "Daniel",
    "Maren",
    "Luca",
    "Zanele",
    "Isabel",
    "Oskar",
    "Camila",
    "Arjun",
    "Freya",
    "Elif",
    "Pieter",
)
LAST_NAMES = (
    "Schmidt",
    "Rossi",
    "García",
    "Dubois",
    "Jensen",
    "Novak",
    "Okafor",
    "Smith",
    "Silva",
    "Murphy",
    "Kowalski",
    "Van Dijk",
    "Moreau",
    "Hansen",
    "Costa",
    "Fischer",
    "Nakamura",
    "Mensah",
    "Patel",
    "Andersen",
    "Ferreira",
    "Bauer",
    "Romano",
    "Walsh",
    "Dlamini",
)
GROUPS = (
    {
        "slug": "nordic-experimentation-circle",
        "name": "Nordic experimentation circle",
        "policy": GroupPolicy.OPEN,
        "themes": ["public-administration-modernisation-and-reform"],
        "countries": ["fi", "se"],
        "description": "<p>Public servants from the Nordic countries compare notes on running "
        "experiments in government: what to test, how to measure, how to stop.</p>",
    },
    {
        "slug": "behavioural-insights-practitioners",
        "name": "Behavioural insights practitioners",
        "policy": GroupPolicy.REQUEST,
        "themes": ["health"],
        "countries": [],
        "description": "<p>Randomised trials, nudges and their ethics. Ask to join and tell the "
        "facilitators what you work on.</p>",
    },
    {
        "slug": "participatory-budgeting-champions",
        "name": "Participatory budgeting champions",
        "policy": GroupPolicy.INVITATION,
        "themes": [],
        "countries": [],
        "description": "<p>Organisers of participatory budgeting processes. By invitation.</p>",
    },
)


def load_members(home=None, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the demo accounts, ~45 members from the organisations data, and three groups.

    Returns how many profiles were created. Refuses to run under production settings, where a
    published password has no place."""
    from portal.demo import DemoRefused, demo_allowed

    if not demo_allowed():
        raise DemoRefused(_("The network demo accounts are not created under production settings."))
    with transaction.atomic():
        terms = vocabulary_terms("countries", "methods", "themes", "organisation_types")
        password = make_password(DEMO_PASSWORD)  # hashed once: fast for every account
        created = 0
        admin = get_user_model().objects.filter(username="admin").first()
        if admin is not None:
            created += _profile_ensure(
                admin,
                {
                    "name": "Kokeilu admin",
                    "country": "fi",
                    "editor": True,
                    "organisation": "Kokeilu",
                    "organisation_type": "government",
                    # a service account: it acts, but is nobody to find in the directory
                    "listed": False,
                },
                terms,
                random.Random("admin"),
            )
        for spec in ACCOUNTS:
            user = _user_ensure(spec["username"], password)
            created += _profile_ensure(user, spec, terms, random.Random(spec["username"]))
        for index, record in enumerate(islice(_records(), limit)):
            rng = random.Random(record["participedia_id"])
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            username = f"demo-{record['country']}-{record['participedia_id']}"
            spec = {
                "name": name,
                "country": record["country"],
                "city": record["city"],
                "organisation": record["name"],
                "organisation_type": record["organisation_type"],
                "ambassador": index % 9 == 0,
            }
            user = _user_ensure(username, password)
            created += _profile_ensure(user, spec, terms, rng)
        _groups_ensure(terms)
    if stdout is not None:
        stdout.write(_("Network members: %(created)d created.\n") % {"created": created})
    return created


def _records() -> Iterator[dict]:
    """About every third organisation, so that ~45 members spread over many countries."""
    for index, record in enumerate(demo_records_read(DATA_FILE)):
        if index % 3 == 0 or record["country"] in ("fi", "se", "dk", "ee", "no"):
            yield record


def _user_ensure(username: str, password: str):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={"email": f"{username}@example.org", "password": password},
    )
    from portal.demo import demo_email_verify

    if not user.email:
        user.email = f"{username}@example.org"
        user.save(update_fields=["email"])
    demo_email_verify(user)
    return user


def _profile_ensure(user, spec: dict, terms: dict, rng: random.Random) -> int:
    existing = Member.objects.filter(user=user).first()
    if existing is not None:
        if existing.listed != spec.get("listed", True):
            # a demo loaded before profiles could be unlisted; save() re-indexes it
            existing.listed = spec.get("listed", True)
            existing.save(update_fields=["listed", "updated_at"])
        if existing.status == MemberStatus.ACTIVE and existing.residence_confirmed_at is None:
            # a demo loaded before residences were confirmed: as if approved with it
            Member.objects.filter(pk=existing.pk).update(
                residence_country=existing.country,
                residence_municipality=existing.municipality,
                residence_confirmed_at=timezone.now(),
            )
        return 0
    countries = terms["countries"]
    country = countries.get(spec["country"])
    methods = rng.sample(
        sorted(terms["methods"].values(), key=lambda t: t.key), k=min(3, len(terms["methods"]))
    )
    themes = rng.sample(
        sorted(terms["themes"].values(), key=lambda t: t.key), k=min(2, len(terms["themes"]))
    )
    skills = sorted(rng.sample(sorted(SKILLS), k=rng.randint(1, 3)))
    exchange = sorted(EXCHANGE)
    looking_for = sorted(rng.sample(exchange, k=2))
    offering = sorted(rng.sample([key for key in exchange if key not in looking_for], k=2))
    status = spec.get("status", MemberStatus.ACTIVE)
    active = status == MemberStatus.ACTIVE
    member = Member.objects.create(
        user=user,
        display_name=spec["name"],
        country=country,
        municipality=spec.get("city", ""),
        # approved members: their residence was confirmed with the approval (member-fi lives in
        # the demo town of budgeting.demo, so votes there with the account)
        residence_country=country if active else None,
        residence_municipality=spec.get("city", "") if active else "",
        residence_confirmed_at=timezone.now() if active else None,
        organisation=spec.get("organisation", ""),
        organisation_type=terms["organisation_types"].get(spec.get("organisation_type", "")),
        skills=skills,
        looking_for=looking_for,
        offering=offering,
        bio=DEMO_NOTE,
        motivation=spec.get("motivation", ""),
        contact_email=user.email,
        status=status,
        status_changed_at=timezone.now(),
        is_ambassador=spec.get("ambassador", False),
        is_editor=spec.get("editor", False),
        ncp_country=country if spec.get("ncp") else None,
        listed=spec.get("listed", True),
    )
    member.methods.set(methods)
    member.themes.set(themes)
    return 1


def _groups_ensure(terms: dict) -> None:
    members = {
        m.user.username: m
        for m in Member.objects.select_related("user").filter(
            user__username__in=["ncp-fi", "ncp-se", "ambassador-fi", "member-fi", "member-se"]
        )
    }
    for spec in GROUPS:
        group, created = Group.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "policy": spec["policy"],
            },
        )
        if not created:
            continue
        group.themes.set([terms["themes"][k] for k in spec["themes"] if k in terms["themes"]])
        group.countries.set(
            [terms["countries"][k] for k in spec["countries"] if k in terms["countries"]]
        )
        facilitator = members.get("ambassador-fi")
        if facilitator:
            GroupMembership.objects.create(
                group=group, member=facilitator, role=GroupRole.FACILITATOR
            )
        if spec["policy"] == GroupPolicy.OPEN:
            for username in ("member-fi", "member-se", "ncp-se"):
                if username in members:
                    GroupMembership.objects.create(group=group, member=members[username])
