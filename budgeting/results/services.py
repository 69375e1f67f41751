"""Results: counting the ballots under the frozen rule.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.counting.election import Outcome
from budgeting.counting.registry import tally
from budgeting.processes.models import CountingRule, Process
from budgeting.processes.selectors import ProcessRule, process_rule, tie_break_order
from budgeting.results.ballot_file import ballot_file_request_on_commit
from budgeting.results.selectors import election_build
from budgeting.voting.models import Ballot
from budgeting.voting.selectors import ballot_groups

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

COMPARISON_RULES: tuple[str, ...] = tuple(CountingRule.values)


def _outcome_data(outcome: Outcome) -> dict:
    return {
        "rule": str(outcome.rule),
        "selected": list(outcome.selected),
        "budget_used": float(outcome.budget_used),
    }


def results_compute(process: Process) -> dict:
    """Count every ballot group under the frozen rule and, for comparison, the other rules.

    Everything comes from the published rule (`process_rule`): the budgets, the counting rule,
    its minimum score and the order that breaks ties, so that what is published is what counts.
    """
    published = process_rule(process)
    groups = []
    for group in ballot_groups(process=process):
        election, voters = election_build(process=process, group=group)
        tie_break = tie_break_order(process=process, projects=group.projects)
        outcome = tally(
            election,
            published.counting_rule,
            threshold=_threshold_for(published, published.counting_rule),
            tie_break=tie_break,
        )
        comparison = []
        for rule in COMPARISON_RULES:
            if rule == published.counting_rule:
                continue
            other = tally(
                election, rule, threshold=_threshold_for(published, rule), tie_break=tie_break
            )
            comparison.append(_outcome_data(other))
        by_id = {project.election_id: project for project in group.projects}
        projects: list[dict[str, Any]] = []
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
                    # worded when read, in the reader's language (results.explanations)
                    "reason_code": str(explanation.reason or "") if explanation else "",
                    "reason_params": _reason_params(explanation),
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


def _reason_params(explanation) -> dict[str, float | int | str]:
    """The explanation's numbers as JSON keeps them (whole counts as ints, amounts as floats)."""
    if explanation is None:
        return {}
    return {
        name: value if isinstance(value, str | int) else float(value)
        for name, value in explanation.reason_params.items()
    }


def _optional_float(explanation, name: str) -> float | None:
    value = getattr(explanation, name, None) if explanation else None
    return None if value is None else float(value)


@transaction.atomic
def process_results_recompute(*, process: Process, user: User | AnonymousUser) -> Process:
    """Count the votes again under the frozen rule (e.g. after the rules module was fixed)."""
    permissions.process_manage_require(process=process, user=user)
    process = Process.objects.select_for_update().get(pk=process.pk)
    if not process.counts_visible:
        raise ValidationError(_("Results are counted when the process reaches its results phase."))
    process.results = results_compute(process)
    process.save(update_fields=["results", "updated_at"])
    ballot_file_request_on_commit(process)
    return process
