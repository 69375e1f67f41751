"""What the ballot pages show: the ballot by section, its limits, the session's voting code."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgeting.processes.models import BallotType, Process
from budgeting.processes.selectors import ProcessRule, process_rule
from budgeting.proposals.models import Project
from budgeting.texts import ShownText
from budgeting.voting.selectors import ballot_groups, ballot_projects
from portal.rich_text import plain_text

CODE_SESSION_KEY = "budgeting:code:{pk}"
RECEIPT_SESSION_KEY = "budgeting:receipt:{pk}"


def session_voting_code(request, process):
    """The voting code this browser entered for `process` (kept in the session), or None."""
    code_pk = request.session.get(CODE_SESSION_KEY.format(pk=process.pk))
    return process.voting_codes.filter(pk=code_pk).first() if code_pk else None


@dataclass
class BallotProject:
    project: Project
    summary: ShownText  # the start of the description, in the reader's language if given
    checked: bool = False
    value: str = ""


@dataclass
class BallotSection:
    key: str
    name: str
    budget: Decimal
    projects: list[BallotProject] = field(default_factory=list)


@dataclass
class BallotView:
    process: Process
    rule: ProcessRule  # the published limits and budgets
    sections: list[BallotSection]
    uses_checkboxes: bool
    uses_points: bool
    uses_ranks: bool
    rank_choices: list[int]
    limit_text: str


def ballot_view(process: Process, *, chosen: dict[int, int] | None = None) -> BallotView:
    """The ballot's sections (one per district) with the voter's current choices filled in."""
    chosen = chosen or {}
    projects = ballot_projects(process=process)
    prefetch_related_objects(projects, "translations")  # their texts in the reader's language
    sections = []
    for group in ballot_groups(process=process, projects=projects):
        section = BallotSection(group.key, group.name, group.budget)
        for project in group.projects:
            value = chosen.get(project.pk)
            description = project.text["description"]
            section.projects.append(
                BallotProject(
                    project=project,
                    summary=ShownText(plain_text(description.value)[:240], description.language),
                    checked=bool(value),
                    value="" if value in (None, 0) else str(value),
                )
            )
        sections.append(section)
    rule = process_rule(process)
    ballot_type = rule.ballot_type
    uses_points = ballot_type == BallotType.CUMULATIVE
    uses_ranks = ballot_type == BallotType.RANKED
    most = max((len(section.projects) for section in sections), default=0)
    ranks_allowed = rule.max_choices or most
    return BallotView(
        process=process,
        rule=rule,
        sections=sections,
        uses_checkboxes=not (uses_points or uses_ranks),
        uses_points=uses_points,
        uses_ranks=uses_ranks,
        rank_choices=list(range(1, ranks_allowed + 1)),
        limit_text=ballot_limit_text(process),
    )


def ballot_limit_text(process: Process) -> str:
    """The ballot's limits in one sentence, shown above the ballot."""
    rule = process_rule(process)
    ballot_type = rule.ballot_type
    if ballot_type == BallotType.KNAPSACK:
        return _("Choose projects whose costs together fit within the budget.")
    if ballot_type == BallotType.CUMULATIVE:
        return ngettext(
            "Share up to %(points)d point between the projects you like.",
            "Share up to %(points)d points between the projects you like.",
            rule.points_total,
        ) % {"points": rule.points_total}
    if ballot_type == BallotType.RANKED:
        ranks = rule.max_choices or len(ballot_projects(process=process))
        return ngettext(
            "Rank up to %(k)d project: 1 is your favourite.",
            "Rank up to %(k)d projects: 1 is your favourite.",
            ranks,
        ) % {"k": ranks}
    if ballot_type == BallotType.K_APPROVAL:
        if rule.max_choices:
            # the noun agrees with the number just before it
            return ngettext(
                "Choose at least %(min)d and at most %(max)d project.",
                "Choose at least %(min)d and at most %(max)d projects.",
                rule.max_choices,
            ) % {"min": rule.min_choices, "max": rule.max_choices}
        return ngettext(
            "Choose at least %(min)d project.",
            "Choose at least %(min)d projects.",
            rule.min_choices,
        ) % {"min": rule.min_choices}
    if rule.max_choices:
        return _("Choose the projects you support, at most %(max)d.") % {"max": rule.max_choices}
    return _("Choose every project you support.")
