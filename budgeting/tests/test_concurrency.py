"""Simultaneous submissions by one voter end with exactly one ballot (PostgreSQL)."""

import threading
from decimal import Decimal

from django.db import connection, connections

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot, BallotChoice

SUBMISSIONS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_by_one_voter_leave_one_ballot():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises all writers, so it cannot race: run with a PostgreSQL DATABASE_URL"
        )
    organiser = UserFactory()
    voter = UserFactory()
    process = ProcessFactory(phase=Phase.PROPOSALS, budget_amount=Decimal(100000))
    process.organisers.add(organiser)
    projects = [
        ProjectFactory(process=process, estimated_cost=Decimal(10000), feasible=True)
        for _ in range(5)
    ]
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    barrier = threading.Barrier(SUBMISSIONS)
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        try:
            # each submission chooses a different pair of projects
            chosen = {projects[index % 5].pk: 1, projects[(index + 1) % 5].pk: 1}
            barrier.wait(timeout=30)
            voting_services.ballot_submit(process=process, voter=voter, choices=chosen)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    ballot = Ballot.objects.get(process=process)
    assert ballot.voter == voter
    # the choices are those of one submission, whole: never a mix of two
    assert BallotChoice.objects.filter(ballot=ballot).count() == 2
