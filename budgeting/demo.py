"""Demo content: three invented participatory budgets of "Kokeilu demo town".

Everything here is made up and labelled as a demo (pabulib's real elections have no licence and
are used only in tests and benchmarks). One process has its results (with ballots chosen so
that the counting rules disagree, which makes the comparison worth reading), one is open for
voting and one takes proposals.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from budgeting.assessment import criteria as assessment_criteria
from budgeting.assessment import services as assessment_services
from budgeting.assessment.models import ImpactCriterion
from budgeting.implementation import services as implementation_services
from budgeting.implementation.models import Implementation, ImplementationStatus
from budgeting.permissions import (
    comment_refusal,
    implementation_acting_roles,
    participation_refusal,
    voter_eligible,
)
from budgeting.processes import services as processes_services
from budgeting.processes.models import (
    BallotType,
    CountingRule,
    Phase,
    Process,
    ProcessTranslation,
)
from budgeting.proposals import services as proposals_services
from budgeting.proposals.models import Project, ProjectStatus, ProjectTranslation
from budgeting.voting.models import Ballot, BallotChoice, BallotCriterion
from portal.demo import demo_email_verify
from portal.languages import site_languages
from portal.models import Theme

DEMO_PASSWORD = "kokeilu-demo"  # published on purpose, as for the network's demo accounts
DEMO_USERS = (
    ("admin", True),
    ("member-fi", False),
    ("member-se", False),
    ("servant-fi", False),  # a civil servant of the demo town: co-implements funded projects
)
TOWN = "Kokeilu demo town"
SEED = 2026
# The demo's own texts are written in English (the source language of the catalogues); their
# Finnish and Swedish versions are the catalogues' translations, stored as translation rows.
SOURCE_LANGUAGE = "en"

# slug -> (title, summary)
PROCESS_TEXTS = {
    "demo-town-2025": (
        gettext_lazy("Kokeilu demo town: participatory budget 2025 (demo)"),
        gettext_lazy(
            "A demonstration process with invented proposals and votes: see who won, why, and "
            "what other counting rules would have chosen."
        ),
    ),
    "demo-town-youth-2026": (
        gettext_lazy("Kokeilu demo town: youth budget 2026 (demo)"),
        gettext_lazy(
            "A demonstration vote: sign in as member-fi or member-se and choose projects that fit "
            "the budget."
        ),
    ),
    "demo-town-green-2026": (
        gettext_lazy("Kokeilu demo town: green ideas 2026 (demo)"),
        gettext_lazy("A demonstration process taking proposals: sign in and propose a project."),
    ),
}

# (title, cost, theme key, place, description); the titles and descriptions are marked with
# `gettext_lazy` by name: makemessages does not extract strings marked with the `_lazy` alias
# (xgettext knows `_` and `gettext_lazy`, not aliases)
RESULTS_PROJECTS = (
    (
        gettext_lazy("New sports hall floor"),
        52000,
        "recreation-culture-and-religion",
        "Sports hall",
        gettext_lazy("Replace the worn floor of the town's sports hall."),
    ),
    (
        gettext_lazy("Lit ski track"),
        38000,
        "recreation-culture-and-religion",
        "Northern woods",
        gettext_lazy("Lights along three kilometres of ski track."),
    ),
    (
        gettext_lazy("Library open on Sundays"),
        14000,
        "recreation-culture-and-religion",
        "Main library",
        gettext_lazy("Staff the library on Sunday afternoons for a year."),
    ),
    (
        gettext_lazy("Benches along the river"),
        9000,
        "environmental-protection-climate-change-and-agriculture",
        "River path",
        gettext_lazy("Twelve benches along the river path, with shade."),
    ),
    (
        gettext_lazy("Community garden"),
        12000,
        "environmental-protection-climate-change-and-agriculture",
        "Old school yard",
        gettext_lazy("Raised beds and a water point for residents."),
    ),
    (
        gettext_lazy("Youth music room"),
        16000,
        "recreation-culture-and-religion",
        "Youth centre",
        gettext_lazy("Sound-proofing and instruments for the youth centre."),
    ),
    (
        gettext_lazy("Safe crossing at the school"),
        21000,
        "transport-and-infrastructure",
        "School street",
        gettext_lazy("A raised crossing and better lights."),
    ),
)
RESULTS_CRITERIA = (
    ("Residents use it every week", _lazy("visits a week")),
    ("It is still in good shape after a year", _lazy("condition, 1 to 5")),
    ("Residents are satisfied", _lazy("% satisfied")),
    ("It stays within its budget", _lazy("% of the cost")),
)
DEMO_MILESTONES = (
    _lazy("Plan agreed with the technical services"),
    _lazy("Works ordered"),
    _lazy("Opened to residents"),
)
DEMO_TARGETS = ((Decimal(0), Decimal(200)), (Decimal(3), Decimal(4)), (Decimal(50), Decimal(80)))
# voter groups: (how many voters, the projects they approve), so that greedy and MES differ
RESULTS_VOTERS = (
    (46, (0, 1, 6)),
    (22, (2, 3, 4)),
    (14, (5, 2)),
    (10, (6, 3)),
    (8, (4, 5, 3)),
)
VOTING_PROJECTS = (
    (
        gettext_lazy("Skate ramp"),
        18000,
        "recreation-culture-and-religion",
        "Harbour park",
        gettext_lazy("A small concrete skate ramp."),
    ),
    (
        gettext_lazy("Free bus on Saturdays"),
        25000,
        "transport-and-infrastructure",
        "Town centre",
        gettext_lazy("Free town buses on Saturdays for a year."),
    ),
    (
        gettext_lazy("Repair café"),
        6000,
        "environmental-protection-climate-change-and-agriculture",
        "Community house",
        gettext_lazy("A monthly repair café with tools."),
    ),
    (
        gettext_lazy("Outdoor gym"),
        15000,
        "health",
        "Beach",
        gettext_lazy("Outdoor exercise machines near the beach."),
    ),
    (
        gettext_lazy("Study space"),
        9000,
        "education",
        "Main library",
        gettext_lazy("A quiet study room open late."),
    ),
)
PROPOSAL_PROJECTS = (
    (
        gettext_lazy("Flower meadows instead of lawns"),
        7000,
        "environmental-protection-climate-change-and-agriculture",
        "Town parks",
        gettext_lazy("Turn some lawns into meadows."),
    ),
    (
        gettext_lazy("Drinking fountains"),
        11000,
        "health",
        "Market square",
        gettext_lazy("Three drinking fountains in the centre."),
    ),
)


def load_processes(home, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the demo processes that are missing; return how many were created.

    Idempotent: processes are found by slug and demo users by username (the network's demo
    accounts are reused when they exist). `home` is not used: processes are not pages.
    """
    loaders = (_results_process, _voting_process, _proposals_process)[: limit or None]
    created = 0
    with transaction.atomic(), translation.override(SOURCE_LANGUAGE):
        users = _demo_users()
        for loader in loaders:
            created += loader(users)
        _after_the_vote(users)
        _translations_ensure()
    if stdout is not None:
        stdout.write(_("Participatory budgets: %(created)d created.\n") % {"created": created})
    return created


def _demo_users() -> dict:
    user_model = get_user_model()
    users = {}
    for username, superuser in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            create = (
                user_model.objects.create_superuser if superuser else user_model.objects.create_user
            )
            user = create(
                username=username, email=f"{username}@example.org", password=DEMO_PASSWORD
            )
            demo_email_verify(user)
        users[username] = user
    return users


def _themes() -> dict[str, Theme]:
    return {theme.key: theme for theme in Theme.objects.all()}


def _process(slug: str, **fields) -> Process | None:
    if Process.objects.filter(slug=slug).exists():
        return None
    title, summary = PROCESS_TEXTS[slug]
    return Process.objects.create(
        slug=slug,
        title=str(title),
        summary=str(summary),
        written_in=SOURCE_LANGUAGE,
        organiser_name=TOWN,
        municipality=TOWN,
        country="fi",
        currency="EUR",
        **fields,
    )


def _projects(process: Process, rows, users: dict, *, feasible: bool) -> list[Project]:
    themes = _themes()
    champions = [users["member-fi"], users["member-se"]]
    projects = []
    for index, (title, cost, theme, place, description) in enumerate(rows):
        projects.append(
            Project.objects.create(
                process=process,
                title=str(title),
                description=f"<p>{description}</p>",
                written_in=SOURCE_LANGUAGE,
                place=place,
                theme=themes.get(theme),
                estimated_cost=Decimal(cost),
                reviewed_cost=Decimal(cost) if feasible else None,
                champion=champions[index % 2],
                status=ProjectStatus.FEASIBLE if feasible else ProjectStatus.SUBMITTED,
                review_reason=_("Feasible: the town can deliver it within a year.")
                if feasible
                else "",
                impact_criteria=_(
                    "Residents use it every week\nIt is still in good shape after a year"
                ),
            )
        )
    return projects


def _results_process(users: dict) -> int:
    process = _process(
        "demo-town-2025",
        budget_amount=Decimal(100000),
        bonus_pool_percentage=Decimal(5),
        bonus_champion_share=Decimal(40),
        ballot_type=BallotType.APPROVAL,
        counting_rule=CountingRule.EQUAL_SHARES_ADD1,
        phase=Phase.REVIEW,
        proposals_start=date(2025, 3, 1),
        review_start=date(2025, 4, 15),
        voting_start=date(2025, 5, 15),
        voting_end=date(2025, 6, 5),
        results_date=date(2025, 6, 10),
    )
    if process is None:
        return 0
    admin = users["admin"]
    process.organisers.add(admin)
    projects = _projects(process, RESULTS_PROJECTS, users, feasible=True)
    for title, unit in RESULTS_CRITERIA:
        assessment_criteria.criterion_add(process=process, user=admin, title=title, unit=unit)
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=admin)
    rng = random.Random(SEED)
    groups = []
    for count, approved in RESULTS_VOTERS:
        for _voter in range(count):
            # most voters of a group approve all its projects; some leave one out
            chosen = [i for i in approved if rng.random() > 0.12] or [approved[0]]
            groups.append(chosen)
    ballots = Ballot.objects.bulk_create(
        [Ballot(process=process, receipt=f"DEMO{index:06d}") for index in range(len(groups))]
    )
    if ballots and ballots[0].pk is None:
        ballots = list(Ballot.objects.filter(process=process).order_by("receipt"))
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(ballot=ballot, project=projects[i], points=1)
            for ballot, chosen in zip(ballots, groups, strict=True)
            for i in chosen
        ]
    )
    _criteria_choices(process, ballots, rng)
    processes_services.process_phase_set(process=process, phase=Phase.RESULTS, user=admin)
    return 1


def _criteria_choices(process: Process, ballots: list[Ballot], rng: random.Random) -> None:
    # about two voters in three choose criteria; use and upkeep are the favourites
    criteria = list(ImpactCriterion.objects.filter(process=process).order_by("sort_order"))
    weights = (0.8, 0.55, 0.3, 0.2)
    BallotCriterion.objects.bulk_create(
        [
            BallotCriterion(ballot=ballot, criterion=criterion)
            for ballot in ballots
            if rng.random() < 0.66
            for criterion, weight in zip(criteria, weights, strict=False)
            if rng.random() < weight
        ]
    )


def _after_the_vote(users: dict) -> None:
    """Carry the results process into evaluation: implementations with a team, milestones,
    updates, measured indicators, an unexpected effect, one assessed and confirmed project
    whose bonus is released and one whose bonus is forfeited (idempotent)."""
    process = Process.objects.filter(slug="demo-town-2025").first()
    if process is None or process.phase != Phase.RESULTS:
        return
    admin, servant = users["admin"], users["servant-fi"]
    if not process.criteria.exists():
        # a demo loaded before criteria existed: add the list and choices as the voters' would be
        for order, (title, unit) in enumerate(RESULTS_CRITERIA):
            ImpactCriterion.objects.create(
                process=process, title=title, unit=unit, sort_order=order
            )
        ballots = list(Ballot.objects.filter(process=process).order_by("receipt"))
        _criteria_choices(process, ballots, random.Random(SEED))
    Process.objects.filter(pk=process.pk).update(
        implementation_start=date(2025, 8, 1), evaluation_start=date(2026, 9, 1)
    )
    processes_services.implementation_start(process=process, user=admin)
    implementations = list(
        Implementation.objects.filter(project__process=process).order_by("project__title")
    )
    for index, implementation in enumerate(implementations):
        champion = implementation.champion
        implementation_services.implementation_team_set(
            implementation=implementation, user=admin, civil_servants=[servant]
        )
        other = users["member-se"] if champion == users["member-fi"] else users["member-fi"]
        if participation_refusal(process=process, user=other) is None:
            implementation_services.implementation_volunteer(
                implementation=implementation, user=other
            )
        lead = _lead(implementation, admin)
        champion_acts = lead == champion
        implementation_services.implementation_status_set(
            implementation=implementation,
            user=lead,
            status=ImplementationStatus.IN_PROGRESS if index % 3 else ImplementationStatus.DONE,
            note=_("Work started with the town's technical services."),
        )
        _milestones_demo(implementation, index, servant=servant, signs=champion_acts)
        implementation_services.progress_update_post(
            implementation=implementation,
            user=lead,
            body=_("<p>We met the technical services and agreed the plan and the timetable.</p>"),
        )
        _indicators_demo(implementation, index, servant=servant, lead=lead)
    if implementations:
        assessment_services.effect_record(
            implementation=implementations[0],
            user=_lead(implementations[0], admin),
            description=_("Neighbours started a volunteer group that looks after the place."),
            good=True,
            evidence=_("The group's sign-up list (24 names)."),
        )
        effect = implementations[0].effects.get()
        assessment_services.effect_count_set(effect=effect, user=admin, counts=True)
    processes_services.process_phase_set(process=process, phase=Phase.EVALUATION, user=admin)
    for implementation in implementations[:2]:
        implementation = assessment_services.implementation_assess(
            implementation=implementation, user=admin
        )
        for voter in (users["member-fi"], users["member-se"]):
            if voter_eligible(process=process, user=voter):
                assessment_services.assessment_vote(
                    implementation=implementation, user=voter, agree=True
                )
        if not implementation.assessment_votes.exists():
            continue  # no resident account to confirm it (demo without the network): left open
        assessment_services.implementation_bonus_decide(implementation=implementation, user=admin)


def _milestones_demo(implementation: Implementation, index: int, *, servant, signs: bool) -> None:
    """The demo milestones of one project; signed off by both sides where the champion acts."""
    champion = implementation.champion
    for step, title in enumerate(DEMO_MILESTONES):
        milestone = implementation_services.milestone_add(
            implementation=implementation, user=servant, title=title
        )
        if not signs:
            continue
        if step <= (1 if index % 3 == 0 else 0):
            implementation_services.milestone_sign_off(milestone=milestone, user=champion)
            implementation_services.milestone_sign_off(milestone=milestone, user=servant)
        elif step == 2:
            implementation_services.milestone_sign_off(milestone=milestone, user=champion)


def _indicators_demo(implementation: Implementation, index: int, *, servant, lead) -> None:
    """Targets for every indicator; the first project did well, the second less so, the rest
    are still measuring."""
    for number, indicator in enumerate(implementation.indicators.all()):
        baseline, target = DEMO_TARGETS[number % len(DEMO_TARGETS)]
        assessment_services.indicator_set_target(
            indicator=indicator, user=servant, baseline=baseline, target=target
        )
        if index < 2:
            share = (Decimal("0.9"), Decimal("0.3"))[index]
            assessment_services.indicator_measure(
                indicator=indicator,
                user=lead,
                measured=baseline + (target - baseline) * share,
                evidence=_("Counts by the town's technical services, autumn 2025."),
            )
            assessment_services.indicator_verify(indicator=indicator, user=servant)


def _lead(implementation: Implementation, admin):
    """Who keeps the project's record in the demo: its champion while their membership is
    active (only then do they act as champion); the organiser in a demo loaded without the
    network, which has no memberships."""
    champion = implementation.champion
    if "champion" in implementation_acting_roles(implementation=implementation, user=champion):
        return champion
    return admin


def _voting_process(users: dict) -> int:
    process = _process(
        "demo-town-youth-2026",
        budget_amount=Decimal(40000),
        ballot_type=BallotType.KNAPSACK,
        counting_rule=CountingRule.EQUAL_SHARES_ADD1,
        eligibility_codes=True,
        phase=Phase.REVIEW,
        proposals_start=date(2026, 1, 10),
        voting_start=date(2026, 3, 1),
        voting_end=date(2026, 12, 31),
    )
    if process is None:
        return 0
    process.organisers.add(users["admin"])
    _projects(process, VOTING_PROJECTS, users, feasible=True)
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=users["admin"])
    return 1


def _proposals_process(users: dict) -> int:
    process = _process(
        "demo-town-green-2026",
        budget_percentage=Decimal("0.5"),
        municipal_budget=Decimal(12000000),
        ballot_type=BallotType.K_APPROVAL,
        min_choices=1,
        max_choices=3,
        counting_rule=CountingRule.GREEDY,
        phase=Phase.PROPOSALS,
        proposals_start=date(2026, 9, 1),
        review_start=date(2026, 12, 1),
    )
    if process is None:
        return 0
    process.organisers.add(users["admin"])
    projects = _projects(process, PROPOSAL_PROJECTS, users, feasible=False)
    # a resident of the demo town comments (only those who take part in a process do)
    if comment_refusal(process=process, user=users["member-fi"]) is None:
        proposals_services.comment_add(
            project=projects[1],
            user=users["member-fi"],
            body=_("<p>Good idea: the market square gets hot in summer.</p>"),
            written_in=SOURCE_LANGUAGE,
        )
    return 1


# slug -> the projects' (title, description) rows
PROJECT_TEXTS = {
    "demo-town-2025": RESULTS_PROJECTS,
    "demo-town-youth-2026": VOTING_PROJECTS,
    "demo-town-green-2026": PROPOSAL_PROJECTS,
}


def _translations_ensure() -> None:
    """Each demo process and each of its projects in Finnish and Swedish, from the catalogues.

    Idempotent, also on a database loaded before translations existed: an existing translation
    is left as it is (an organiser may have changed it); the originals are found by slug and by
    their English title, and say they are written in English.
    """
    others = [code for code in site_languages() if code != SOURCE_LANGUAGE]
    for slug, (title, summary) in PROCESS_TEXTS.items():
        process = Process.objects.filter(slug=slug).first()
        if process is None:
            continue
        if not process.written_in:
            Process.objects.filter(pk=process.pk).update(written_in=SOURCE_LANGUAGE)
        have = set(process.translations.values_list("language", flat=True))
        for language in others:
            if language in have:
                continue
            with translation.override(language):
                ProcessTranslation.objects.create(
                    process=process, language=language, title=str(title), summary=str(summary)
                )
        _project_translations_ensure(process, PROJECT_TEXTS[slug], others)


def _project_translations_ensure(process: Process, rows, languages: list[str]) -> None:
    with translation.override(SOURCE_LANGUAGE):
        texts = {str(title): (title, description) for title, _c, _t, _p, description in rows}
    for project in process.projects.filter(title__in=list(texts)).prefetch_related("translations"):
        if not project.written_in:
            Project.objects.filter(pk=project.pk).update(written_in=SOURCE_LANGUAGE)
        have = {row.language for row in project.translations.all()}
        title, description = texts[project.title]
        for language in languages:
            if language in have:
                continue
            with translation.override(language):
                ProjectTranslation.objects.create(
                    project=project,
                    language=language,
                    title=str(title),
                    description=f"<p>{description}</p>",
                )
