"""Vote integrity probes: the count follows the rule published when voting opened, and closing
the vote loses no ballot.

These build their own small processes (no shared world): the close race needs committed rows
that other threads see, so it runs outside a test transaction, on PostgreSQL only (SQLite
writes one at a time; production settings refuse it).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.test import Client

import pytest

from budgeting import factories as pb
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase, Process
from budgeting.proposals.models import ProjectStatus
from budgeting.voting.models import Ballot


def _voting_process(organiser, *, slug: str, budget: str = "100000") -> Process:

    process = pb.ProcessFactory(
        slug=slug, phase=Phase.PROPOSALS, counting_rule="greedy", budget_amount=Decimal(budget)
    )
    process.organisers.add(organiser)
    for title, cost in (("Skate park", 60000), ("Library", 40000), ("Trees", 30000)):
        pb.ProjectFactory(
            process=process,
            title=title,
            estimated_cost=Decimal(cost),
            status=ProjectStatus.FEASIBLE,
            reviewed_cost=Decimal(cost),
        )
    return processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)


def _vote(client: Client, process: Process, *titles: str):
    pks = [process.projects.get(title=title).pk for title in titles]
    return client.post(f"/en/pb/{process.slug}/vote/", {"project": pks})


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_count_uses_the_budget_published_when_voting_opened(home):
    """Finding 2: an administrator raises the budget while voting is open; the results must
    still be counted with the budget in rule.json (whose SHA-256 was published)."""
    organiser = pb.UserFactory(username="frozen-organiser")
    process = _voting_process(organiser, slug="frozen-budget")
    visitor = Client()
    published = visitor.get("/en/pb/frozen-budget/rule.json").content
    for _ in range(3):
        response = _vote(_signed_in(pb.UserFactory()), process, "Skate park", "Library", "Trees")
        assert response.status_code < 400, "an eligible voter could not vote"

    # the admin's edit form ends in a save of the process
    changed = Process.objects.get(pk=process.pk)
    changed.budget_amount = Decimal("1000000")
    changed.save()
    closed = _signed_in(organiser).post(
        "/en/pb/frozen-budget/manage/phase/", {"phase": Phase.RESULTS}
    )

    assert closed.status_code < 500
    process.refresh_from_db()
    assert process.phase == Phase.RESULTS
    assert visitor.get("/en/pb/frozen-budget/rule.json").content == published
    budget = Decimal(json.loads(published)["budget"])
    selected = [
        row for group in process.results["groups"] for row in group["projects"] if row["selected"]
    ]
    spent = sum(Decimal(str(row["cost"])) for row in selected)
    assert spent <= budget, (
        f"the count spent {spent} of a published budget of {budget}: "
        f"{[row['title'] for row in selected]}"
    )
    assert all(Decimal(str(group["budget"])) == budget for group in process.results["groups"])


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the close race needs concurrent writers (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_closing_the_vote_loses_no_ballot():
    """Finding 3: ballots posted while the organiser moves the process to results are either
    all counted or refused; none is stored after the count, none is stored uncounted."""
    organiser = pb.UserFactory(username="race-organiser")
    process = _voting_process(organiser, slug="close-race")
    voters = [_signed_in(pb.UserFactory()) for _ in range(30)]
    closer = _signed_in(organiser)
    start = threading.Barrier(len(voters) + 1)
    statuses: list[int] = []

    def run(post):
        try:
            start.wait(timeout=30)
            statuses.append(post().status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda c=c: _vote(c, process, "Trees"),))
        for c in voters[:15]
    ]
    threads.append(
        threading.Thread(
            target=run,
            args=(
                lambda: closer.post("/en/pb/close-race/manage/phase/", {"phase": Phase.RESULTS}),
            ),
        )
    )
    threads += [
        threading.Thread(target=run, args=(lambda c=c: _vote(c, process, "Trees"),))
        for c in voters[15:]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    process.refresh_from_db()
    assert max(statuses) < 500, sorted(statuses)
    assert process.phase == Phase.RESULTS and process.results, "the vote did not close"
    stored = list(Ballot.objects.filter(process=process))
    counted_at = _at(process.results["computed_at"])
    late = [b for b in stored if b.created_at > counted_at]
    assert not late, f"{len(late)} ballots were stored after the count"
    assert process.results["ballots"] == len(stored), (
        f"{len(stored)} ballots stored, {process.results['ballots']} counted"
    )
