"""Changing participatory budgeting data: every rule of a process is enforced here.

Each function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from budgeting import rules
from budgeting.models import (
    PHASE_ORDER,
    RULE_FIELDS,
    Ballot,
    BallotChoice,
    BallotType,
    Comment,
    CountingRule,
    District,
    Phase,
    Process,
    Project,
    ProjectStatus,
    Support,
    VotingCode,
)
from budgeting.selectors import (
    ballot_groups,
    ballot_projects,
    election_build,
    process_can_manage,
    ranked_points,
    rule_canonical_json,
    rule_config,
    rule_hash,
    tie_break_order,
    voter_eligible,
    voting_code_hash,
)
from portal.rich_text import plain_text, sanitise_html

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
CODE_LENGTH = 12
RECEIPT_LENGTH = 10
DEFAULT_COMMENT_RATE = (5, 300)  # at most 5 comments per user in 300 seconds
MAX_CODES_PER_BATCH = 5000


def _require_manager(process: Process, user) -> None:
    if not process_can_manage(process=process, user=user):
        raise PermissionDenied(_("Only the organisers of this process can do that."))


def _grouped(code: str, size: int = 4) -> str:
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


# Process and rule


@transaction.atomic
def process_rule_update(*, process: Process, user, **values) -> Process:
    """Change the ballot and counting rule; refused once the rule is frozen."""
    _require_manager(process, user)
    process = Process.objects.select_for_update().get(pk=process.pk)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not rule fields: {sorted(unknown)}")
    if process.rule_frozen:
        raise ValidationError(_("The rule was frozen when voting opened and cannot change."))
    for name, value in values.items():
        setattr(process, name, value)
    process.full_clean()
    process.save()
    return process


def _rule_freeze(process: Process) -> None:
    if process.rule_frozen:
        return
    config = rule_config(process)
    process.rule_json = rule_canonical_json(config)
    process.rule_hash = rule_hash(process.rule_json)
    process.rule_frozen_at = timezone.now()


@transaction.atomic
def process_phase_set(*, process: Process, phase: str, user) -> Process:
    """Move the process to a later phase.

    Opening the vote needs at least one feasible project and freezes the rule configuration
    (published as canonical JSON with its SHA-256); reaching the results phase counts the votes
    under the frozen rule and stores the outcome. Phases never go back once voting has opened.
    """
    _require_manager(process, user)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if phase not in PHASE_ORDER:
        raise ValidationError(_("Unknown phase."))
    current, target = PHASE_ORDER.index(process.phase), PHASE_ORDER.index(phase)
    if target == current:
        return process
    if target < current and process.rule_frozen:
        raise ValidationError(
            _("Voting has opened: the process cannot go back to an earlier phase.")
        )
    voting = PHASE_ORDER.index(Phase.VOTING)
    if target >= voting > current or (target >= voting and not process.rule_frozen):
        if not Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE).exists():
            raise ValidationError(
                _("Voting cannot open: no proposal has been reviewed as feasible yet.")
            )
        _rule_freeze(process)
    process.phase = phase
    if target >= PHASE_ORDER.index(Phase.RESULTS) and process.results is None:
        process.results = _results_compute(process)
    process.save()
    return process


# Proposals, supports and comments


@transaction.atomic
def project_propose(
    *,
    process: Process,
    user,
    title: str,
    description: str,
    estimated_cost: Decimal,
    place: str = "",
    theme=None,
    district: District | None = None,
    impact_criteria: str = "",
) -> Project:
    """A member proposes a project and becomes its champion (proposals phase only)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to propose a project."))
    if process.phase != Phase.PROPOSALS:
        raise ValidationError(_("This process is not taking proposals now."))
    if district is not None and district.process_id != process.pk:
        raise ValidationError(_("Choose a district of this process."))
    description = sanitise_html(description)
    if not plain_text(description):
        raise ValidationError({"description": _("Describe the project.")})
    project = Project(
        process=process,
        champion=user,
        title=title.strip(),
        description=description,
        estimated_cost=estimated_cost,
        place=place.strip(),
        theme=theme,
        district=district,
        impact_criteria=impact_criteria.strip(),
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_support(*, project: Project, user, support: bool = True) -> bool:
    """Add (or withdraw) a member's support for a proposal before the vote; True if supported."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to support a proposal."))
    process = Process.objects.get(pk=project.process_id)
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(_("Supports are collected before the vote only."))
    if support:
        Support.objects.get_or_create(project=project, user=user)
    else:
        Support.objects.filter(project=project, user=user).delete()
    return support


def _comment_rate_check(user) -> None:
    limit, seconds = getattr(settings, "BUDGETING_COMMENT_RATE", DEFAULT_COMMENT_RATE)
    key = f"budgeting:comments:{user.pk}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    if count > limit:
        raise ValidationError(
            _(
                "You have posted %(limit)d comments in the last %(minutes)d minutes; "
                "please wait a little before posting again."
            )
            % {"limit": limit, "minutes": max(seconds // 60, 1)}
        )


@transaction.atomic
def comment_add(*, project: Project, user, body: str, parent: Comment | None = None) -> Comment:
    """A member comments on a proposal or replies to a comment (sanitised, rate-limited)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to comment."))
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError(_("You can only reply to a comment on the same proposal."))
    body = sanitise_html(body)
    if not plain_text(body):
        raise ValidationError({"body": _("Write a comment first.")})
    _comment_rate_check(user)
    return Comment.objects.create(project=project, author=user, body=body, parent=parent)


@transaction.atomic
def comment_hide(*, comment: Comment, user, reason: str = "") -> Comment:
    """An organiser hides a comment (its replies stay; the reason is shown in its place)."""
    _require_manager(comment.project.process, user)
    comment.hidden_at = timezone.now()
    comment.hidden_by = user
    comment.hidden_reason = reason.strip()[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return comment


# Review


@transaction.atomic
def project_review(
    *,
    project: Project,
    user,
    feasible: bool,
    reason: str,
    reviewed_cost: Decimal | None = None,
) -> Project:
    """An organiser marks a proposal feasible (it reaches the ballot) or not, with a reason."""
    process = Process.objects.get(pk=project.process_id)
    _require_manager(process, user)
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(_("The ballot is fixed once voting opens; reviews cannot change."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the public reason for the decision.")})
    if reviewed_cost is not None and reviewed_cost < 0:
        raise ValidationError({"reviewed_cost": _("A cost cannot be negative.")})
    if feasible and reviewed_cost is None and project.reviewed_cost is None:
        reviewed_cost = project.estimated_cost
    project.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.INFEASIBLE
    project.review_reason = reason.strip()
    if reviewed_cost is not None:
        project.reviewed_cost = reviewed_cost
    project.reviewed_at = timezone.now()
    project.reviewed_by = user
    project.save()
    return project


# Voting


@transaction.atomic
def voting_codes_issue(*, process: Process, user, count: int) -> list[str]:
    """Create `count` single-use voting codes; the plain codes are returned once, only hashes
    are stored. Print them straight away: they cannot be shown again."""
    _require_manager(process, user)
    if not process.eligibility_codes:
        raise ValidationError(_("This process does not use voting codes."))
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ValidationError(
            _("Issue between 1 and %(max)d codes at a time.") % {"max": MAX_CODES_PER_BATCH}
        )
    codes = []
    seen = set()
    while len(codes) < count:
        code = _random_code(CODE_LENGTH)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    VotingCode.objects.bulk_create(
        [VotingCode(process=process, code_hash=voting_code_hash(code)) for code in codes]
    )
    return [_grouped(code) for code in codes]


def _money(value) -> str:
    return number_format(Decimal(value).quantize(Decimal("1")), force_grouping=True)


def ballot_validate(
    *, process: Process, choices: Mapping[int, int], projects: list[Project] | None = None
) -> dict[int, tuple[int, int | None]]:
    """Check a ballot against the process's limits; return project pk -> (points, rank).

    `choices` maps project pks to 1 (approval, k-approval, knapsack), points (cumulative) or
    ranks (ranked). Each district is a ballot of its own: limits apply per district. Raises a
    ValidationError whose messages name the limit that was broken.
    """
    projects = ballot_projects(process=process) if projects is None else projects
    by_pk = {project.pk: project for project in projects}
    errors: list[str] = []
    cleaned: dict[int, tuple[int, int | None]] = {}
    for pk, value in choices.items():
        if pk not in by_pk:
            errors.append(_("A project you chose is not on this ballot."))
            continue
        if value is None or int(value) < 0:
            errors.append(_("Points and ranks cannot be negative."))
            continue
        if int(value) > 0:
            cleaned[pk] = int(value)
    if errors:
        raise ValidationError(errors)
    ballot_type = process.ballot_type
    result: dict[int, tuple[int, int | None]] = {}
    for group in ballot_groups(process=process, projects=projects):
        chosen = [project for project in group.projects if project.pk in cleaned]
        where = (
            _(" in %(district)s") % {"district": group.name} if group.district is not None else ""
        )
        count = len(chosen)
        if ballot_type in (BallotType.APPROVAL, BallotType.K_APPROVAL, BallotType.RANKED):
            minimum = process.min_choices
            maximum = process.max_choices
            if ballot_type == BallotType.APPROVAL:
                minimum = min(minimum, 1)
            if count < minimum and (count or not process.districts.exists()):
                errors.append(
                    _("Choose at least %(min)d projects%(where)s; you chose %(count)d.")
                    % {"min": minimum, "count": count, "where": where}
                )
            if maximum is not None and count > maximum:
                errors.append(
                    _("Choose at most %(max)d projects%(where)s; you chose %(count)d.")
                    % {"max": maximum, "count": count, "where": where}
                )
        if ballot_type == BallotType.KNAPSACK:
            if not count and not process.districts.exists():
                errors.append(_("Choose at least one project."))
            total = sum(project.cost for project in chosen)
            if total > group.budget:
                errors.append(
                    _(
                        "The projects you chose%(where)s cost %(total)s %(currency)s, more than "
                        "the budget of %(budget)s %(currency)s."
                    )
                    % {
                        "where": where,
                        "total": _money(total),
                        "budget": _money(group.budget),
                        "currency": process.currency,
                    }
                )
        if ballot_type == BallotType.CUMULATIVE:
            used = sum(cleaned[project.pk] for project in chosen)
            if used > process.points_total:
                errors.append(
                    _("You gave %(used)d points%(where)s; you have %(total)d points to give.")
                    % {"used": used, "total": process.points_total, "where": where}
                )
            if not used and not process.districts.exists():
                errors.append(_("Give at least one point."))
        if ballot_type == BallotType.RANKED:
            ranks_allowed = process.max_choices or len(group.projects)
            ranks = sorted(cleaned[project.pk] for project in chosen)
            if len(set(ranks)) != len(ranks):
                errors.append(_("Give each rank%(where)s to one project only.") % {"where": where})
            if ranks and ranks[-1] > ranks_allowed:
                errors.append(
                    _("Rank projects%(where)s from 1 to %(max)d.")
                    % {"max": ranks_allowed, "where": where}
                )
            for project in chosen:
                rank = cleaned[project.pk]
                result[project.pk] = (ranked_points(rank=rank, ranks_allowed=ranks_allowed), rank)
        else:
            for project in chosen:
                points = cleaned[project.pk] if ballot_type == BallotType.CUMULATIVE else 1
                result[project.pk] = (points, None)
    if not cleaned and not errors:
        errors.append(_("Choose at least one project."))
    if errors:
        raise ValidationError(errors)
    return result


@transaction.atomic
def ballot_submit(
    *,
    process: Process,
    choices: Mapping[int, int],
    voter=None,
    voting_code: VotingCode | None = None,
) -> Ballot:
    """Cast or change a ballot while voting is open; one ballot per voter or code.

    The database's unique constraints make simultaneous submissions by one voter end with one
    ballot: the loser of the insert race finds the winner's ballot and changes it, under a row
    lock so that choices are replaced whole.
    """
    process = Process.objects.get(pk=process.pk)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open in this process."))
    if voter is not None:
        if not voter_eligible(process, voter):
            raise PermissionDenied(_("Your account is not eligible to vote in this process."))
        lookup = {"voter": voter}
    elif voting_code is not None:
        if voting_code.process_id != process.pk or not process.eligibility_codes:
            raise PermissionDenied(_("This voting code is not valid for this process."))
        lookup = {"voting_code": voting_code}
    else:
        raise PermissionDenied(_("Sign in or enter a voting code to vote."))
    cleaned = ballot_validate(process=process, choices=choices)
    ballot, created = Ballot.objects.get_or_create(
        process=process, **lookup, defaults={"receipt": _random_code(RECEIPT_LENGTH)}
    )
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(ballot=ballot, project_id=pk, points=points, rank=rank)
            for pk, (points, rank) in cleaned.items()
        ]
    )
    if not created:
        ballot.save(update_fields=["updated_at"])
    return ballot


def receipt_display(receipt: str) -> str:
    return _grouped(receipt, 5)


# Results


COMPARISON_RULES: tuple[str, ...] = tuple(CountingRule.values)


def _outcome_data(outcome: rules.Outcome) -> dict:
    return {
        "rule": str(outcome.rule),
        "selected": list(outcome.selected),
        "budget_used": float(outcome.budget_used),
    }


def _results_compute(process: Process) -> dict:
    """Count every ballot group under the frozen rule and, for comparison, the other rules."""
    groups = []
    for group in ballot_groups(process=process):
        election, voters = election_build(process=process, group=group)
        tie_break = tie_break_order(process=process, projects=group.projects)
        outcome = rules.tally(
            election,
            process.counting_rule,
            threshold=_threshold_for(process, process.counting_rule),
            tie_break=tie_break,
        )
        comparison = []
        for rule in COMPARISON_RULES:
            if rule == process.counting_rule:
                continue
            other = rules.tally(
                election, rule, threshold=_threshold_for(process, rule), tie_break=tie_break
            )
            comparison.append(_outcome_data(other))
        by_id = {project.election_id: project for project in group.projects}
        projects = []
        for project_id, project in by_id.items():
            explanation = outcome.explanations.get(project_id)
            projects.append(
                {
                    "id": project_id,
                    "pk": project.pk,
                    "title": project.title,
                    "cost": float(project.cost),
                    "selected": project_id in outcome.selected,
                    "score": float(explanation.score) if explanation else 0.0,
                    "supporters": int(explanation.supporters) if explanation else 0,
                    "budget_left_at_turn": _optional_float(explanation, "budget_left_at_turn"),
                    "supporters_money": _optional_float(explanation, "supporters_money"),
                    "price_per_supporter": _optional_float(explanation, "price_per_supporter"),
                    "reason": explanation.reason if explanation else "",
                }
            )
        projects.sort(key=lambda row: (-row["score"], row["cost"], row["pk"]))
        groups.append(
            {
                "district": group.name,
                "budget": float(group.budget),
                "voters": voters,
                **_outcome_data(outcome),
                "projects": projects,
                "comparison": comparison,
            }
        )
    return {
        "computed_at": timezone.now().isoformat(),
        "rule": process.counting_rule,
        "rule_hash": process.rule_hash,
        "ballots": Ballot.objects.filter(process=process).count(),
        "groups": groups,
    }


def _threshold_for(process: Process, rule: str) -> float:
    # the minimum score belongs to the greedy-with-threshold rule only
    return float(process.threshold) if rule == CountingRule.GREEDY_THRESHOLD else 0.0


def _optional_float(explanation, name: str) -> float | None:
    value = getattr(explanation, name, None) if explanation else None
    return None if value is None else float(value)


@transaction.atomic
def process_results_recompute(*, process: Process, user) -> Process:
    """Count the votes again under the frozen rule (e.g. after the rules module was fixed)."""
    _require_manager(process, user)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if not process.counts_visible:
        raise ValidationError(_("Results are counted when the process reaches its results phase."))
    process.results = _results_compute(process)
    process.save(update_fields=["results", "updated_at"])
    return process
