"""Processes to and from pabulib `.pb` files, so that anyone can recompute a result.

The file format itself is `budgeting.counting.pabulib`; this module maps it onto the models. A
process with districts is one pabulib election per district (pabulib's "subunit"), so export
takes the district to write; import creates one process per file.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from budgeting.counting.pabulib import PabulibFile, pabulib_write
from budgeting.counting.registry import rule_spec
from budgeting.processes.models import BallotType, CountingRule, District, Phase, Process
from budgeting.processes.selectors import (
    ProcessRule,
    process_rule,
    rule_canonical_json,
    rule_config,
    rule_hash,
)
from budgeting.proposals.models import Project, ProjectStatus
from budgeting.voting.models import Ballot, BallotChoice
from budgeting.voting.selectors import BallotGroup, ballot_groups
from portal import text_limits
from portal.rich_text import plain_text, sanitise_html

VOTE_TYPES = {
    BallotType.APPROVAL: "approval",
    BallotType.K_APPROVAL: "approval",
    BallotType.KNAPSACK: "approval",
    BallotType.CUMULATIVE: "cumulative",
    BallotType.RANKED: "ordinal",
}
IMPORT_BATCH = 2000


def _number(value) -> str:
    """Whole numbers without decimals (pabulib's costs and budgets are usually integers)."""
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)


def _group(process: Process, district: District | None) -> BallotGroup:
    groups = ballot_groups(process=process)
    for group in groups:
        if (group.district and district and group.district.pk == district.pk) or (
            group.district is None and district is None
        ):
            return group
    if not groups:
        rule = process_rule(process)
        return BallotGroup(
            district, rule.district_budget(district) if district else rule.budget, []
        )
    return groups[0]


Entries = list[tuple[str, int, int | None]]  # one ballot: (election id, points, rank) each


def _ballot_entries(process: Process, by_pk: dict[int, Project]) -> dict[int, Entries]:
    """Every ballot's choices among the given projects, by ballot id, in ballot order."""
    choices = (
        BallotChoice.objects.filter(ballot__process=process, project__in=list(by_pk))
        .order_by("ballot_id", "rank", "pk")
        .values_list("ballot_id", "project_id", "points", "rank")
    )
    ballots: dict[int, Entries] = defaultdict(list)
    for ballot_id, project_id, points, rank in choices:
        ballots[ballot_id].append((by_pk[project_id].election_id, points, rank))
    return ballots


def _meta(
    process: Process, rule: ProcessRule, group: BallotGroup, ballots: dict[int, Entries]
) -> dict[str, str]:
    """The META section: where, when, the budget, the ballot and the counting rule."""
    meta = {
        "description": process.title,
        "country": rule.country.upper(),
        "unit": rule.municipality or process.organiser_name,
        "instance": str((process.voting_start or process.created_at or timezone.now()).year),
        "num_projects": str(len(group.projects)),
        "num_votes": str(len(ballots)),
        "budget": _number(group.budget),
        "vote_type": VOTE_TYPES[rule.ballot_type],
        "rule": rule.counting_rule,
        "currency": rule.currency,
    }
    if group.district is not None:
        meta["subunit"] = group.district.name
    if process.voting_start:
        meta["date_begin"] = process.voting_start.isoformat()
    if process.voting_end:
        meta["date_end"] = process.voting_end.isoformat()
    meta.update(_meta_ballot(rule, group))
    if rule_spec(rule.counting_rule).threshold:
        meta["min_project_score_threshold"] = str(rule.threshold)
    if process.rule_hash:
        meta["comment"] = f"rule sha256 {process.rule_hash}"
    return meta


def _meta_ballot(rule: ProcessRule, group: BallotGroup) -> dict[str, str]:
    """The META keys that say what a ballot may hold."""
    meta = {}
    if rule.ballot_type in (BallotType.K_APPROVAL, BallotType.RANKED):
        meta["min_length"] = str(rule.min_choices)
    if rule.max_choices and rule.ballot_type != BallotType.KNAPSACK:
        meta["max_length"] = str(rule.max_choices)
    elif rule.ballot_type == BallotType.RANKED:
        meta["max_length"] = str(len(group.projects))
    if rule.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(rule.points_total)
    if rule.ballot_type == BallotType.KNAPSACK:
        meta["max_sum_cost"] = _number(group.budget)
    return meta


def _projects_section(
    process: Process, group: BallotGroup, ballots: dict[int, Entries], vote_type: str
) -> tuple[list[str], list[dict[str, str]]]:
    """The PROJECTS section's columns and rows, with the counted winners if there are any."""
    results = process.results or {}
    result_group = next(
        (g for g in results.get("groups", []) if g.get("district", "") == group.name), None
    )
    selected = set(result_group["selected"]) if result_group else set()
    scores: dict[str, float] = defaultdict(float)
    for entries in ballots.values():
        for election_id, points, _rank in entries:
            scores[election_id] += points if vote_type != "approval" else 1
    score_column = "votes" if vote_type == "approval" else "score"
    columns = ["project_id", "cost", score_column, "name"]
    if any(project.theme_id for project in group.projects):
        columns.append("category")
    if result_group:
        columns.append("selected")
    rows = []
    for project in group.projects:
        row = {
            "project_id": project.election_id,
            "cost": _number(project.cost),
            score_column: _number(Decimal(str(scores.get(project.election_id, 0)))),
            "name": project.title,
        }
        if "category" in columns:
            row["category"] = project.theme.key if project.theme_id else ""
        if result_group:
            row["selected"] = "1" if project.election_id in selected else "0"
        rows.append(row)
    return columns, rows


def _votes_section(
    ballots: dict[int, Entries], vote_type: str
) -> tuple[list[str], list[dict[str, str]]]:
    """The VOTES section's columns and rows: one row per ballot."""
    columns = ["voter_id", "vote"] + (["points"] if vote_type == "cumulative" else [])
    rows = []
    for ballot_id, entries in ballots.items():
        if vote_type == "ordinal":
            entries = sorted(entries, key=lambda entry: entry[2] or 0)
        row = {"voter_id": str(ballot_id), "vote": ",".join(entry[0] for entry in entries)}
        if vote_type == "cumulative":
            row["points"] = ",".join(str(entry[1]) for entry in entries)
        rows.append(row)
    return columns, rows


def process_to_pabulib(process: Process, *, district: District | None = None) -> str:
    """The process (or one district of it) as `.pb` text: META, PROJECTS and every ballot."""
    group = _group(process, district)
    rule = process_rule(process)  # the published rule, as it was counted
    ballots = _ballot_entries(process, {project.pk: project for project in group.projects})
    vote_type = VOTE_TYPES[rule.ballot_type]
    project_columns, project_rows = _projects_section(process, group, ballots, vote_type)
    vote_columns, vote_rows = _votes_section(ballots, vote_type)
    return pabulib_write(
        PabulibFile(
            meta=_meta(process, rule, group, ballots),
            project_columns=project_columns,
            projects=project_rows,
            vote_columns=vote_columns,
            votes=vote_rows,
        )
    )


def _ballot_type_of(pb: PabulibFile) -> str:
    vote_type = pb.vote_type
    if vote_type in ("cumulative", "scoring"):
        return BallotType.CUMULATIVE
    if vote_type == "ordinal":
        return BallotType.RANKED
    if pb.meta.get("max_sum_cost"):
        return BallotType.KNAPSACK
    if pb.meta.get("min_length") or pb.meta.get("max_length") or vote_type == "choose-1":
        return BallotType.K_APPROVAL
    return BallotType.APPROVAL


def _int_meta(pb: PabulibFile, key: str) -> int | None:
    text = (pb.meta.get(key) or "").strip()
    try:
        return int(Fraction(text)) if text else None
    except (ValueError, ZeroDivisionError):
        return None


def _unique_slug(base: str) -> str:
    base = slugify(base)[:90] or "pb"
    slug, n = base, 2
    while Process.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _title_of(pb: PabulibFile) -> str:
    meta = pb.meta
    parts = [meta.get("country"), meta.get("unit"), meta.get("subunit"), meta.get("instance")]
    return meta.get("description") or " ".join(filter(None, parts)) or "Imported election"


def _process_new(pb: PabulibFile, *, slug: str, title: str) -> Process:
    """The process a file describes, not saved yet; the rule META names becomes its counting
    rule (greedy when META names one this project does not implement)."""
    meta = pb.meta
    try:
        counting_rule = CountingRule(pb.rule_name)
    except ValueError:
        counting_rule = CountingRule.GREEDY
    ballot_type = _ballot_type_of(pb)
    title = title or _title_of(pb)
    return Process(
        title=title[:200],
        slug=slug or _unique_slug(title),
        organiser_name=(meta.get("unit") or meta.get("country") or "pabulib")[:200],
        municipality=(meta.get("unit") or "")[:200],
        summary=plain_text(meta.get("comment", ""))[: text_limits.SUMMARY],
        currency=(meta.get("currency") or "EUR")[:3].upper(),
        budget_amount=Decimal(str(float(pb.budget))),
        phase=Phase.RESULTS,
        ballot_type=ballot_type,
        min_choices=_int_meta(pb, "min_length")
        or (1 if ballot_type != BallotType.CUMULATIVE else 0),
        max_choices=_int_meta(pb, "max_length"),
        points_total=_int_meta(pb, "max_sum_points") or 10,
        counting_rule=counting_rule,
        threshold=_int_meta(pb, "min_project_score_threshold") or 0,
        eligibility_accounts=False,
    )


def _projects_import(process: Process, pb: PabulibFile, now: datetime) -> dict[str, Project]:
    """The file's projects, all feasible, by their pabulib id."""
    projects = Project.objects.bulk_create(
        [
            Project(
                process=process,
                title=(record.get("name") or record["project_id"])[:200],
                description=sanitise_html(record.get("description", "")) or "",
                estimated_cost=Decimal(str(float(Fraction(record["cost"])))),
                reviewed_cost=Decimal(str(float(Fraction(record["cost"])))),
                status=ProjectStatus.FEASIBLE,
                review_reason="",
                reviewed_at=now,
                external_id=record["project_id"][:64],
            )
            for record in pb.projects
        ]
    )
    if not projects or projects[0].pk is None:  # backends without RETURNING
        projects = list(Project.objects.filter(process=process))
    return {project.external_id: project for project in projects}


@transaction.atomic
def process_from_pabulib(
    pb: PabulibFile, *, slug: str = "", title: str = "", count: bool = True
) -> Process:
    """A process in its results phase with the file's projects (all feasible) and ballots.

    The rule named in META becomes the frozen counting rule (greedy when META names one this
    project does not implement); `count` also counts the votes, as the results page needs.
    Imported ballots belong to no account or code: they are the file's voters.
    """
    from budgeting.results.ballot_file import ballot_file_request_on_commit
    from budgeting.results.services import results_compute  # the one place that counts a process

    process = _process_new(pb, slug=slug, title=title)
    process.full_clean()
    process.save()
    now = timezone.now()
    by_id = _projects_import(process, pb, now)
    _ballots_import(process, pb, by_id)
    process.rule_json = rule_canonical_json(rule_config(process))
    process.rule_hash = rule_hash(process.rule_json)
    process.rule_frozen_at = now
    if count:
        process.results = results_compute(process)
    process.save()
    if count:
        ballot_file_request_on_commit(process)
    return process


def _vote_entries(
    record: dict[str, str], vote_type: str, ordinal_length: int, by_id: dict[str, Project]
) -> list[tuple[Project, int, int | None]]:
    """One VOTES row as (project, points, rank) choices."""
    ids = [pid.strip() for pid in record.get("vote", "").split(",") if pid.strip()]
    points = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
    entries: list[tuple[Project, int, int | None]] = []
    for position, pid in enumerate(ids):
        if vote_type in ("cumulative", "scoring"):
            entries.append((by_id[pid], int(Fraction(points[position])), None))
        elif vote_type == "ordinal":
            length = max(len(ids), ordinal_length)
            entries.append((by_id[pid], length - position, position + 1))
        else:
            entries.append((by_id[pid], 1, None))
    return entries


def _ballots_import(process: Process, pb: PabulibFile, by_id: dict[str, Project]) -> None:
    from budgeting.voting.services import RECEIPT_LENGTH, random_code

    ordinal_length = _int_meta(pb, "max_length") or 0
    has_weights = "weight" in pb.vote_columns
    rows = []
    for record in pb.votes:
        entries = _vote_entries(record, pb.vote_type, ordinal_length, by_id)
        copies = int(Fraction(record.get("weight") or "1")) if has_weights else 1
        rows.extend([entries] * copies)
    for start in range(0, len(rows), IMPORT_BATCH):
        batch = rows[start : start + IMPORT_BATCH]
        ballots = Ballot.objects.bulk_create(
            [Ballot(process=process, receipt=random_code(RECEIPT_LENGTH)) for _ in batch]
        )
        if ballots and ballots[0].pk is None:
            receipts = [ballot.receipt for ballot in ballots]
            ids = dict(Ballot.objects.filter(receipt__in=receipts).values_list("receipt", "pk"))
            for ballot in ballots:
                ballot.pk = ids[ballot.receipt]
        BallotChoice.objects.bulk_create(
            [
                BallotChoice(ballot=ballot, project=project, points=points, rank=rank)
                for ballot, entries in zip(ballots, batch, strict=True)
                for project, points, rank in entries
            ],
            batch_size=5000,
        )
