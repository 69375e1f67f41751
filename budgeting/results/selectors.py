"""Reads for counting: the election of a ballot group and its tie-break order."""

from __future__ import annotations

from collections import defaultdict

from budgeting.counting.election import Election
from budgeting.processes.models import Process
from budgeting.voting.models import BallotChoice
from budgeting.voting.selectors import BallotGroup


def ranked_points(*, rank: int, ranks_allowed: int) -> int:
    """Ordinal ballots score by rank: first place gets `ranks_allowed` points, the last 1."""
    return max(ranks_allowed - rank + 1, 0)


def election_build(*, process: Process, group: BallotGroup) -> tuple[Election, int]:
    """The election of one ballot group from the stored ballots, and how many voters it has.

    Voters who chose nothing in the group do not take part in it (as in pabulib's districts).
    """
    by_pk = {project.pk: project for project in group.projects}
    rows = BallotChoice.objects.filter(
        ballot__process=process, project__in=list(by_pk)
    ).values_list("ballot_id", "project_id", "points")
    ballots: dict[int, dict[str, float]] = defaultdict(dict)
    for ballot_id, project_id, points in rows:
        if points:
            ballots[ballot_id][by_pk[project_id].election_id] = float(points)
    election = Election.build(
        budget=float(group.budget),
        projects=[(project.election_id, float(project.cost)) for project in group.projects],
        ballots=list(ballots.values()),
    )
    return election, len(ballots)
