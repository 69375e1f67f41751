"""Changing participatory budgeting data: every rule of a process is enforced here.

Each function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from budgeting import impact, permissions, rules
from budgeting.models import (
    PHASE_ORDER,
    RULE_FIELDS,
    AssessmentVote,
    Ballot,
    BallotChoice,
    BallotCriterion,
    BallotType,
    BonusOutcome,
    Comment,
    CountingRule,
    District,
    EventKind,
    ImpactCriterion,
    Implementation,
    ImplementationEvent,
    ImplementationStatus,
    Indicator,
    Milestone,
    Phase,
    Process,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Support,
    UnexpectedEffect,
    VotingCode,
)
from budgeting.selectors import (
    ProcessRule,
    ballot_for,
    ballot_groups,
    ballot_projects,
    criteria_tally,
    election_build,
    implementation_score,
    process_can_manage,
    process_rule,
    ranked_points,
    rule_canonical_json,
    rule_config,
    rule_hash,
    tie_break_order,
    voter_eligible,
    voting_code_hash,
)
from network.models import Member, MemberStatus
from network.permissions import member_write_refusal
from network.services import member_residence_record
from portal.rate_limits import RateLimitExceeded, rate_limit_consume
from portal.rich_text import plain_text, sanitise_html

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
CODE_LENGTH = 12
RECEIPT_LENGTH = 10
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
    process = _process_locked(process)  # waits for ballots in flight (see `ballot_submit`)
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
    if target >= PHASE_ORDER.index(Phase.IMPLEMENTATION):
        _implementations_create(process, user)
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
    """A member proposes a project and becomes its champion (proposals phase only); only
    those who take part in the process may (`permissions.participation_refusal`)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to propose a project."))
    permissions.participation_require(process=process, user=user)
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
    """Add (or withdraw) a member's support for a proposal before the vote; True if supported.

    Supports feed the tie-break: only those who take part in the process add one; taking
    one's own support back stays open."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to support a proposal."))
    process = Process.objects.get(pk=project.process_id)
    if support:
        permissions.participation_require(process=process, user=user)
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(_("Supports are collected before the vote only."))
    if support:
        Support.objects.get_or_create(project=project, user=user)
    else:
        Support.objects.filter(project=project, user=user).delete()
    return support


def _comment_rate_check(user) -> None:
    """`SITE_RATE_LIMITS["pb_comment"]` per member, counted in the shared cache."""
    try:
        rate_limit_consume(action="pb_comment", user=user)
    except RateLimitExceeded as limited:
        raise limited.explained(
            _("You have posted %(limit)d comments in the last %(minutes)d minutes.")
            % {"limit": limited.amount, "minutes": max(int(limited.window // 60), 1)}
        ) from None


@transaction.atomic
def comment_add(*, project: Project, user, body: str, parent: Comment | None = None) -> Comment:
    """A member comments on a proposal or replies to a comment (sanitised, rate-limited): those
    who take part in the process, and its organisers."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to comment."))
    refusal = permissions.comment_refusal(
        process=Process.objects.get(pk=project.process_id), user=user
    )
    if refusal is not None:
        raise PermissionDenied(refusal)
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError(_("You can only reply to a comment on the same proposal."))
    body = sanitise_html(body)
    if not plain_text(body):
        raise ValidationError({"body": _("Write a comment first.")})
    _comment_rate_check(user)
    comment = Comment(project=project, author=user, body=body, parent=parent)
    comment.full_clean()  # the length limit (portal.text_limits)
    comment.save()
    return comment


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
    if not process_rule(process).eligibility_codes:
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
    rule = process_rule(process)  # the published limits once voting has opened
    ballot_type = rule.ballot_type
    has_districts = process.districts.exists()
    result: dict[int, tuple[int, int | None]] = {}
    for group in ballot_groups(process=process, projects=projects):
        chosen = [project for project in group.projects if project.pk in cleaned]
        where = (
            _(" in %(district)s") % {"district": group.name} if group.district is not None else ""
        )
        count = len(chosen)
        if ballot_type in (BallotType.APPROVAL, BallotType.K_APPROVAL, BallotType.RANKED):
            minimum = rule.min_choices
            maximum = rule.max_choices
            if ballot_type == BallotType.APPROVAL:
                minimum = min(minimum, 1)
            if count < minimum and (count or not has_districts):
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
            if not count and not has_districts:
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
                        "currency": rule.currency,
                    }
                )
        if ballot_type == BallotType.CUMULATIVE:
            used = sum(cleaned[project.pk] for project in chosen)
            if used > rule.points_total:
                errors.append(
                    _("You gave %(used)d points%(where)s; you have %(total)d points to give.")
                    % {"used": used, "total": rule.points_total, "where": where}
                )
            if not used and not has_districts:
                errors.append(_("Give at least one point."))
        if ballot_type == BallotType.RANKED:
            ranks_allowed = rule.max_choices or len(group.projects)
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
    """Cast or change a ballot while voting is open: one ballot per person, whatever the channel.

    - A signed-in voter votes as their account: with the account when it is eligible, or with
      a voting code, which is then tied to the account (`voting_code_claim`). Either way the
      account has one ballot (the database's unique constraint on process and voter), and a
      code tied to an account never casts a ballot of its own.
    - A voting code used signed out casts the code's ballot, unless an account has claimed it.

    The process row is locked first, as `process_phase_set` locks it, so that closing the vote
    waits for a ballot in flight and no ballot is stored after the count. The lock also makes
    simultaneous submissions by one voter end with one ballot whose choices are one submission's,
    whole.
    """
    process = _process_locked(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open in this process."))
    if voter is not None and not getattr(voter, "is_authenticated", False):
        voter = None
    if voter is not None:
        if voting_code is not None:
            code = _voting_code_claim(process, voting_code, voter)
        else:
            code = VotingCode.objects.filter(process=process, claimed_by=voter).first()
        if code is None and not voter_eligible(process, voter):
            raise PermissionDenied(_("Your account is not eligible to vote in this process."))
        lookup = {"voter": voter}
        defaults = {"voting_code": code}
    elif voting_code is not None:
        code = _voting_code_usable(process, voting_code)
        if code.claimed_by_id is not None:
            raise PermissionDenied(
                _("This voting code is tied to an account: sign in with it to vote.")
            )
        lookup, defaults = {"voting_code": code}, {}
    else:
        raise PermissionDenied(_("Sign in or enter a voting code to vote."))
    cleaned = ballot_validate(process=process, choices=choices)
    ballot, created = Ballot.objects.get_or_create(
        process=process, **lookup, defaults={"receipt": _random_code(RECEIPT_LENGTH), **defaults}
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


def _process_locked(process: Process) -> Process:
    # Ballots, claims and phase changes of one process take this row lock first, in the same
    # order, so that they happen one after another (and never deadlock).
    return Process.objects.select_for_update().get(pk=process.pk)


def _voting_code_usable(process: Process, voting_code: VotingCode) -> VotingCode:
    code = VotingCode.objects.select_for_update().filter(pk=voting_code.pk).first()
    if code is None or code.process_id != process.pk or not process_rule(process).eligibility_codes:
        raise PermissionDenied(_("This voting code is not valid for this process."))
    return code


def _voting_code_claim(process: Process, voting_code: VotingCode, user) -> VotingCode:
    # the caller holds the process lock and has checked that voting is open
    code = _voting_code_usable(process, voting_code)
    if code.claimed_by_id == user.pk:
        return code
    if code.claimed_by_id is not None:
        raise PermissionDenied(_("This voting code is already tied to another account."))
    if VotingCode.objects.filter(process=process, claimed_by=user).exists():
        raise ValidationError(
            _(
                "Your account already holds another voting code of this process: one person "
                "votes once."
            )
        )
    code_ballot = Ballot.objects.select_for_update().filter(voting_code=code).first()
    if code_ballot is not None and code_ballot.voter_id is None:
        if Ballot.objects.filter(process=process, voter=user).exists():
            # two ballots already, one from the account and one from the code signed out:
            # tying them together cannot undo that, and neither is known to be the double
            raise ValidationError(
                _(
                    "This voting code has already cast a ballot, and so has your account: one "
                    "person votes once, so the code cannot be tied to your account."
                )
            )
        # the ballot cast with the code signed out becomes the account's one ballot
        code_ballot.voter = user
        code_ballot.save(update_fields=["voter", "updated_at"])
    code.claimed_by, code.claimed_at = user, timezone.now()
    code.save(update_fields=["claimed_by", "claimed_at"])
    return code


@transaction.atomic
def voting_code_claim(*, process: Process, voting_code: VotingCode, user) -> VotingCode:
    """Tie a voting code entered while signed in to that account (voting phase only).

    From then on the code votes only as that account, which keeps one ballot: a ballot the
    code cast signed out becomes the account's ballot, and the code cannot cast another one
    signed out. Refused when the code belongs to another account, when the account already
    holds another code of the process, or when both the code and the account have voted.
    """
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to tie a voting code to your account."))
    process = _process_locked(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Voting is not open in this process."))
    return _voting_code_claim(process, voting_code, user)


@transaction.atomic
def voter_residence_confirm(*, process: Process, user, username: str) -> Member:
    """An organiser confirms that a member lives in the process's municipality, so that the
    member may vote there with their account (`voter_eligible`).

    Only for the process's own country and municipality, and only for a member whose profile
    already gives them: the organiser confirms what the member said, as the NCP of the country
    would (`network.services.member_residence_confirm`); the confirmation is audited there.
    """
    _require_manager(process, user)
    rule = process_rule(process)
    if not (rule.country and rule.municipality):
        raise ValidationError(
            _(
                "This process names no country and municipality: the national contact point "
                "confirms residences."
            )
        )
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("country")
        .filter(user__username=username.strip(), status=MemberStatus.ACTIVE)
        .first()
    )
    if member is None:
        raise ValidationError({"username": _("No active member has this account name.")})
    gave = (
        member.country is not None
        and member.country.key == rule.country
        and member.municipality.strip().casefold() == rule.municipality.casefold()
    )
    if not gave:
        raise ValidationError(
            {
                "username": _(
                    "This member's profile does not give %(municipality)s as their "
                    "municipality: they change their profile first."
                )
                % {"municipality": rule.municipality}
            }
        )
    return member_residence_record(
        actor=user,
        member=member,
        country=member.country,
        municipality=member.municipality,
        details={"process": process.slug},
    )


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
    """Count every ballot group under the frozen rule and, for comparison, the other rules.

    Everything comes from the published rule (`process_rule`): the budgets, the counting rule,
    its minimum score and the order that breaks ties, so that what is published is what counts.
    """
    published = process_rule(process)
    groups = []
    for group in ballot_groups(process=process):
        election, voters = election_build(process=process, group=group)
        tie_break = tie_break_order(process=process, projects=group.projects)
        outcome = rules.tally(
            election,
            published.counting_rule,
            threshold=_threshold_for(published, published.counting_rule),
            tie_break=tie_break,
        )
        comparison = []
        for rule in COMPARISON_RULES:
            if rule == published.counting_rule:
                continue
            other = rules.tally(
                election, rule, threshold=_threshold_for(published, rule), tie_break=tie_break
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
        "rule": published.counting_rule,
        "rule_hash": process.rule_hash,
        "ballots": Ballot.objects.filter(process=process).count(),
        "groups": groups,
    }


def _threshold_for(published: ProcessRule, rule: str) -> float:
    # the minimum score belongs to the greedy-with-threshold rule only
    return float(published.threshold) if rule == CountingRule.GREEDY_THRESHOLD else 0.0


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


# After the vote: impact criteria


def _criteria_open(process: Process) -> None:
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(
            _("The list of criteria was fixed when voting opened: citizens chose from it.")
        )


@transaction.atomic
def criterion_add(*, process: Process, user, title: str, unit: str = "") -> ImpactCriterion:
    """An organiser adds a criterion to the process's list (before voting opens)."""
    _require_manager(process, user)
    _criteria_open(process)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Name the criterion.")})
    if ImpactCriterion.objects.filter(process=process, title__iexact=title).exists():
        raise ValidationError({"title": _("This criterion is already on the list.")})
    criterion = ImpactCriterion(
        process=process,
        title=title[:200],
        unit=unit.strip()[:40],
        sort_order=ImpactCriterion.objects.filter(process=process).count(),
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: ImpactCriterion, user) -> None:
    """An organiser takes a criterion off the list (before voting opens)."""
    _require_manager(criterion.process, user)
    _criteria_open(criterion.process)
    criterion.delete()


@transaction.atomic
def criteria_from_suggestions(*, process: Process, user) -> list[ImpactCriterion]:
    """Put every criterion the champions suggested on the list (each once); return the new."""
    _require_manager(process, user)
    _criteria_open(process)
    known = {
        title.casefold()
        for title in ImpactCriterion.objects.filter(process=process).values_list("title", flat=True)
    }
    created = []
    projects = Project.objects.filter(process=process).exclude(status=ProjectStatus.WITHDRAWN)
    for project in projects.order_by("created_at", "pk"):
        for title in project.impact_criteria_list:
            title = " ".join(title.split())[:200]
            if title.casefold() in known:
                continue
            known.add(title.casefold())
            created.append(criterion_add(process=process, user=user, title=title))
    return created


@transaction.atomic
def criteria_choose(
    *,
    process: Process,
    criteria: list[int],
    voter=None,
    voting_code: VotingCode | None = None,
) -> list[ImpactCriterion]:
    """A voter who has cast a ballot chooses which criteria define success (the whole set is
    replaced; an empty list withdraws the choice). Changeable until voting closes (the process
    row is locked as for a ballot, so that no choice arrives after the close)."""
    process = _process_locked(process)
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Criteria are chosen while voting is open."))
    if voter is not None and not getattr(voter, "is_authenticated", False):
        voter = None
    if voter is not None and voting_code is not None:
        _voting_code_claim(process, voting_code, voter)  # one person, one ballot: see above
    ballot = ballot_for(process=process, voter=voter, voting_code=voting_code)
    if ballot is None:
        raise PermissionDenied(_("Cast your ballot first, then choose the criteria."))
    chosen = list(ImpactCriterion.objects.filter(process=process, pk__in=set(criteria)))
    if len(chosen) != len(set(criteria)):
        raise ValidationError(_("A criterion you chose is not on this process's list."))
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    BallotCriterion.objects.filter(ballot=ballot).delete()
    BallotCriterion.objects.bulk_create(
        [BallotCriterion(ballot=ballot, criterion=criterion) for criterion in chosen]
    )
    return chosen


def criteria_select(*, process: Process) -> list[ImpactCriterion]:
    """Store the choice counts and mark the criteria that define success by the published rule
    (`impact.criteria_chosen` with the process's frozen top-N and minimum share)."""
    tally, voters = criteria_tally(process=process)
    published = process_rule(process)
    keys = impact.criteria_chosen(
        counts=[(str(criterion.pk), count) for criterion, count in tally],
        voters=voters,
        top_n=published.criteria_top_n,
        min_share=published.criteria_min_share,
    )
    for criterion, count in tally:
        criterion.chosen_by = count
        criterion.selected = str(criterion.pk) in keys
        criterion.save(update_fields=["chosen_by", "selected"])
    by_pk = {str(criterion.pk): criterion for criterion, _count in tally}
    return [by_pk[key] for key in keys]


# After the vote: co-implementation


def _selected_project_pks(process: Process) -> list[int]:
    return [
        row["pk"]
        for group in (process.results or {}).get("groups", [])
        for row in group["projects"]
        if row["selected"]
    ]


def _event(implementation: Implementation, kind: str, actor, **fields) -> ImplementationEvent:
    return ImplementationEvent.objects.create(
        implementation=implementation, kind=kind, actor=actor, **fields
    )


def _implementations_create(process: Process, user) -> list[Implementation]:
    # once per process: the selected projects become implementations with the chosen criteria
    # as their indicators; later phase changes find them and change nothing
    if Implementation.objects.filter(project__process=process).exists():
        return []
    criteria = criteria_select(process=process)
    created = []
    projects = Project.objects.filter(pk__in=_selected_project_pks(process)).order_by("title")
    for project in projects:
        implementation = Implementation.objects.create(project=project, champion=project.champion)
        Indicator.objects.bulk_create(
            [Indicator(implementation=implementation, criterion=c) for c in criteria]
        )
        _event(
            implementation,
            EventKind.STARTED,
            user,
            status=ImplementationStatus.PLANNED,
            to_user=project.champion,
        )
        created.append(implementation)
    return created


@transaction.atomic
def implementation_start(*, process: Process, user) -> Process:
    """An organiser starts implementation after the results: every selected project becomes an
    implementation led by its champion, measured by the criteria citizens chose."""
    process = Process.objects.get(pk=process.pk)
    if not process.phase_reached(Phase.RESULTS):
        raise ValidationError(_("Implementation starts after the results are published."))
    return process_phase_set(process=process, phase=Phase.IMPLEMENTATION, user=user)


def _locked(implementation: Implementation) -> Implementation:
    return _implementation_locked(implementation.pk)


def _implementation_locked(pk: int) -> Implementation:
    return (
        Implementation.objects.select_for_update(of=("self",))
        .select_related("project", "project__process")
        .get(pk=pk)
    )


def _require_role(implementation: Implementation, user, *allowed: str) -> set[str]:
    return permissions.implementation_role_require(
        implementation=implementation, user=user, allowed=set(allowed)
    )


def _require_open(implementation: Implementation) -> None:
    implementation_open_check(implementation=implementation)


def implementation_open_check(*, implementation: Implementation) -> None:
    """The rule for every change of an implementation's record (also asked by the admin's
    form): once the bonus is decided nothing reopens it: no status change, team change or
    handover (the ledger pays the team), measurement, target, effect or milestone change.
    Progress updates and offers of help stay open: they change no outcome."""
    if implementation.closed_at is not None or implementation.bonus_outcome != BonusOutcome.PENDING:
        raise ValidationError(
            _(
                "The bonus has been decided: the assessment is closed and what it was based on "
                "can no longer change."
            )
        )


@transaction.atomic
def implementation_team_set(*, implementation: Implementation, user, civil_servants) -> None:
    """An organiser assigns the civil servants (accounts) who co-implement the project."""
    implementation = _locked(implementation)
    _require_manager(implementation.project.process, user)
    _require_open(implementation)
    servants = list(civil_servants)
    implementation_team_check(implementation=implementation, civil_servants=servants)
    implementation.civil_servants.set(servants)


def implementation_team_check(*, implementation: Implementation, civil_servants) -> None:
    """The rule for a team (also asked by the admin's form): the champion is not a civil
    servant too."""
    champion_id = implementation.champion_id
    if champion_id and any(servant.pk == champion_id for servant in civil_servants):
        raise ValidationError(_("The champion cannot also be one of the civil servants."))


@transaction.atomic
def implementation_volunteer(*, implementation: Implementation, user, offer: bool = True) -> bool:
    """Someone who takes part in the process offers to help (or withdraws the offer, which
    stays open to everyone); True if volunteering."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to offer your help."))
    if offer:
        permissions.participation_require(process=implementation.project.process, user=user)
        implementation.volunteers.add(user)
    else:
        implementation.volunteers.remove(user)
    return offer


@transaction.atomic
def implementation_status_set(
    *, implementation: Implementation, user, status: str, note: str = ""
) -> Implementation:
    """The team or an organiser changes the status; the change joins the public timeline."""
    implementation = _locked(implementation)
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    implementation_status_note_check(status=status, note=note)
    if status == implementation.status:
        return implementation
    implementation.status = status
    implementation.save(update_fields=["status"])
    _event(implementation, EventKind.STATUS, user, status=status, note=note.strip()[:2000])
    return implementation


def implementation_status_note_check(*, status: str, note: str) -> None:
    """The rule for a status change (also asked by the admin's form): "stalled" says why."""
    if status == ImplementationStatus.STALLED and not note.strip():
        raise ValidationError({"note": _("Say why the project is stalled.")})


@transaction.atomic
def champion_hand_over(
    *, implementation: Implementation, user, new_champion, reason: str
) -> Implementation:
    """An organiser hands the champion's role to another member when the champion steps back;
    the handover and its reason stay in the history."""
    implementation = _locked(implementation)
    _require_manager(implementation.project.process, user)
    _require_open(implementation)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the handover.")})
    if new_champion is None or not new_champion.is_active:
        raise ValidationError({"new_champion": _("Choose an active account.")})
    if new_champion.pk == implementation.champion_id:
        raise ValidationError({"new_champion": _("This member is already the champion.")})
    if member_write_refusal(new_champion) is not None:
        raise ValidationError(
            {"new_champion": _("Choose an active member of the network: a champion acts as one.")}
        )
    if implementation.civil_servants.filter(pk=new_champion.pk).exists():
        raise ValidationError(
            {"new_champion": _("A civil servant of the project cannot become its champion.")}
        )
    previous = implementation.champion
    implementation.champion = new_champion
    implementation.save(update_fields=["champion"])
    _event(
        implementation,
        EventKind.HANDOVER,
        user,
        from_user=previous,
        to_user=new_champion,
        note=reason.strip()[:2000],
    )
    return implementation


def _milestone_fields(title: str, description: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Name the milestone.")})
    return title[:200], description.strip()[:4000]


@transaction.atomic
def milestone_add(
    *, implementation: Implementation, user, title: str, due=None, description: str = ""
) -> Milestone:
    """The team or an organiser adds a milestone (title, optional due date and description)."""
    implementation = _locked(implementation)
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    title, description = _milestone_fields(title, description)
    return Milestone.objects.create(
        implementation=implementation,
        title=title,
        due=due,
        description=description,
        sort_order=implementation.milestones.count(),
    )


def _milestone_locked(milestone: Milestone) -> tuple[Milestone, Implementation]:
    # the implementation first, as every change of its record locks it (the bonus decision too)
    implementation = _implementation_locked(milestone.implementation_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    return milestone, implementation


@transaction.atomic
def milestone_edit(
    *, milestone: Milestone, user, title: str, due=None, description: str = ""
) -> Milestone:
    """The team or an organiser corrects a milestone that is not reached yet.

    A sign-off given to the old wording no longer holds when the title or due date changes: it
    is cleared, so that both sign-offs are given to the same milestone.
    """
    milestone, implementation = _milestone_locked(milestone)
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    if milestone.reached:
        raise ValidationError(_("The milestone is reached: it can no longer change."))
    title, description = _milestone_fields(title, description)
    if title != milestone.title or due != milestone.due:
        milestone.champion_signed_by, milestone.champion_signed_at = None, None
        milestone.servant_signed_by, milestone.servant_signed_at = None, None
    milestone.title, milestone.due, milestone.description = title, due, description
    milestone.save()
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, user) -> None:
    """The team or an organiser removes a milestone that is not reached yet (a reached one is
    part of the public record)."""
    milestone, implementation = _milestone_locked(milestone)
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    if milestone.reached:
        raise ValidationError(_("The milestone is reached: it stays in the record."))
    milestone.delete()


@transaction.atomic
def milestone_sign_off(*, milestone: Milestone, user) -> Milestone:
    """The champion or a civil servant of the project signs a milestone off (once each).

    The milestone is reached only when both have signed; who signed and when is recorded. One
    person cannot give both sign-offs (the champion is never a civil servant of the project).
    """
    milestone, implementation = _milestone_locked(milestone)
    _require_open(implementation)
    roles = permissions.implementation_acting_roles(implementation=implementation, user=user)
    now = timezone.now()
    if "champion" in roles:
        if milestone.champion_signed_at is not None:
            raise ValidationError(_("The champion has already signed this milestone off."))
        milestone.champion_signed_by, milestone.champion_signed_at = user, now
    elif "servant" in roles:
        if milestone.servant_signed_at is not None:
            raise ValidationError(_("A civil servant has already signed this milestone off."))
        milestone.servant_signed_by, milestone.servant_signed_at = user, now
    elif implementation.champion_id == user.pk:  # a champion whose membership is not active
        raise PermissionDenied(member_write_refusal(user))
    else:
        raise PermissionDenied(
            _("Only the champion and the project's civil servants sign milestones off.")
        )
    milestone.save()
    if milestone.reached:
        _event(implementation, EventKind.MILESTONE, user, note=milestone.title)
    return milestone


@transaction.atomic
def progress_update_post(
    *, implementation: Implementation, user, body: str, photo=None, photo_alt: str = ""
) -> ProgressUpdate:
    """The team posts a public progress update (sanitised) with an optional photo.

    `photo` is an uploaded image already checked and re-encoded without metadata by the form's
    `portal.uploaded_images.UploadedImageField` (format, size, pixels, a whole image, no EXIF);
    it becomes a Wagtail image whose title is the description the poster gave.
    """
    _require_role(implementation, user, "champion", "servant", "volunteer", "organiser")
    body = sanitise_html(body)
    if not plain_text(body):
        raise ValidationError({"body": _("Write what happened.")})
    photo_alt = " ".join(photo_alt.split())[:250]
    image = None
    if photo is not None:
        if not photo_alt:
            raise ValidationError(
                {"photo_alt": _("Describe the photo for people who cannot see it.")}
            )
        from wagtail.images import get_image_model

        image = get_image_model()(title=photo_alt, file=photo, uploaded_by_user=user)
        image.save()
    update = ProgressUpdate(
        implementation=implementation, author=user, body=body, photo=image, photo_alt=photo_alt
    )
    update.full_clean()  # the length limit (portal.text_limits)
    update.save()
    return update


def _indicator(indicator: Indicator) -> Indicator:
    # the implementation first, as every change of its record locks it (the bonus decision too)
    implementation = _implementation_locked(indicator.implementation_id)
    indicator = (
        Indicator.objects.select_for_update(of=("self",))
        .select_related("criterion")
        .get(pk=indicator.pk)
    )
    indicator.implementation = implementation
    return indicator


@transaction.atomic
def indicator_set_target(
    *, indicator: Indicator, user, baseline: Decimal, target: Decimal
) -> Indicator:
    """An organiser or civil servant sets the baseline and target (before the assessment)."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    _require_role(implementation, user, "servant", "organiser")
    _require_open(implementation)
    if implementation.assessed_at is not None:
        raise ValidationError(_("The project has been assessed: its targets cannot change."))
    indicator.baseline, indicator.target = baseline, target
    indicator.verified_by, indicator.verified_at = None, None
    indicator.save()
    return indicator


@transaction.atomic
def indicator_measure(*, indicator: Indicator, user, measured: Decimal, evidence: str) -> Indicator:
    """The champion, a civil servant or an organiser records a measured value with its evidence
    source; a new value needs verifying again."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    if indicator.baseline is None or indicator.target is None:
        raise ValidationError(_("Set the baseline and target before measuring."))
    if not evidence.strip():
        raise ValidationError({"evidence": _("Say where the value comes from.")})
    indicator.measured = measured
    indicator.evidence = evidence.strip()[:500]
    indicator.measured_by, indicator.measured_at = user, timezone.now()
    indicator.verified_by, indicator.verified_at = None, None
    indicator.save()
    return indicator


@transaction.atomic
def indicator_verify(*, indicator: Indicator, user) -> Indicator:
    """A civil servant or organiser other than the person who measured verifies the value."""
    indicator = _indicator(indicator)
    implementation = indicator.implementation
    _require_role(implementation, user, "servant", "organiser")
    _require_open(implementation)
    if indicator.measured is None:
        raise ValidationError(_("There is no measured value to verify yet."))
    if indicator.measured_by_id == user.pk:
        raise ValidationError(_("Someone other than the person who measured must verify."))
    indicator.verified_by, indicator.verified_at = user, timezone.now()
    indicator.save(update_fields=["verified_by", "verified_at"])
    return indicator


@transaction.atomic
def effect_record(
    *, implementation: Implementation, user, description: str, good: bool, evidence: str
) -> UnexpectedEffect:
    """The team records an unexpected effect, good or bad, with its evidence."""
    implementation = _locked(implementation)
    _require_role(implementation, user, "champion", "servant", "organiser")
    _require_open(implementation)
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe what happened.")
    if not evidence.strip():
        errors["evidence"] = _("Give the evidence: a count, a report, a link.")
    if errors:
        raise ValidationError(errors)
    return UnexpectedEffect.objects.create(
        implementation=implementation,
        description=description.strip()[:4000],
        good=good,
        evidence=evidence.strip()[:500],
        recorded_by=user,
    )


@transaction.atomic
def effect_count_set(*, effect: UnexpectedEffect, user, counts: bool) -> UnexpectedEffect:
    """An organiser decides whether an unexpected effect counts in the assessment."""
    implementation = _implementation_locked(effect.implementation_id)
    _require_manager(implementation.project.process, user)
    _require_open(implementation)
    effect.counts = counts
    effect.save(update_fields=["counts"])
    return effect


@transaction.atomic
def implementation_assess(*, implementation: Implementation, user) -> Implementation:
    """An organiser computes the success score (evaluation phase) by the published formula and
    opens the citizens' confirmation vote; assessing again clears the votes cast so far."""
    implementation = _locked(implementation)
    process = implementation.project.process
    _require_manager(process, user)
    _require_open(implementation)
    if process.phase != Phase.EVALUATION:
        raise ValidationError(_("Projects are assessed in the evaluation phase."))
    score = implementation_score(implementation=implementation)
    implementation.score = Decimal(str(round(score.value, 4)))
    implementation.success = score.success
    implementation.assessed_at = timezone.now()
    implementation.confirmation_open = True
    implementation.save()
    AssessmentVote.objects.filter(implementation=implementation).delete()
    _event(
        implementation,
        EventKind.ASSESSED,
        user,
        note=_("Score %(score)s: %(outcome)s")
        % {
            "score": f"{score.value:.2f}",
            "outcome": _("success") if score.success else _("not a success"),
        },
    )
    return implementation


@transaction.atomic
def assessment_vote(*, implementation: Implementation, user, agree: bool) -> AssessmentVote:
    """An eligible citizen confirms (or rejects) the assessment; one vote each, changeable
    while the confirmation is open."""
    implementation = Implementation.objects.select_related("project__process").get(
        pk=implementation.pk
    )
    if not implementation.confirmation_open:
        raise ValidationError(_("The assessment is not open for confirmation."))
    if not voter_eligible(implementation.project.process, user):
        raise PermissionDenied(_("Your account is not eligible to vote in this process."))
    vote, _created = AssessmentVote.objects.update_or_create(
        implementation=implementation, voter=user, defaults={"agree": agree}
    )
    return vote


@transaction.atomic
def implementation_bonus_decide(*, implementation: Implementation, user) -> Implementation:
    """An organiser closes the confirmation: the bonus is released when the project succeeded
    and more citizens confirmed the assessment than rejected it, otherwise forfeited."""
    implementation = _locked(implementation)
    _require_manager(implementation.project.process, user)
    _require_open(implementation)
    if not implementation.confirmation_open:
        raise ValidationError(_("Assess the project first."))
    votes = AssessmentVote.objects.filter(implementation=implementation)
    yes, no = votes.filter(agree=True).count(), votes.filter(agree=False).count()
    released = bool(implementation.success) and yes > no
    implementation.bonus_outcome = BonusOutcome.RELEASED if released else BonusOutcome.FORFEITED
    implementation.confirmation_open = False
    implementation.closed_at = timezone.now()
    implementation.save()
    _event(
        implementation,
        EventKind.BONUS,
        user,
        note=_("%(outcome)s (%(yes)d confirmed, %(no)d rejected)")
        % {"outcome": implementation.get_bonus_outcome_display(), "yes": yes, "no": no},
    )
    return implementation
