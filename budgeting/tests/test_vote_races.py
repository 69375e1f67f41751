"""Ballots and the close, raced with real threads on PostgreSQL: no ballot is lost or counted
twice, none arrives after the count, and one person keeps one ballot across account and code.

`ballot_submit` and `process_phase_set` lock the process row, so the close waits for ballots in
flight and every later ballot sees that voting is closed.
"""

import threading
import time
from collections import Counter
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot
from budgeting.voting.selectors import voting_code_find

pytestmark = pytest.mark.django_db(transaction=True)

NOT_OPEN = "Voting is not open in this process."
ARRIVAL = 0.02  # seconds between two voters' arrivals in the close race
WORKERS = 40  # requests served at once (each holds a database connection; PostgreSQL has 100)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks are what is tested, and SQLite has none (it runs one writer at a time): "
            "run with a PostgreSQL DATABASE_URL"
        )


@pytest.fixture
def organiser():
    return UserFactory(username="race-organiser")


@pytest.fixture
def open_process(organiser):
    process = ProcessFactory(
        phase=Phase.PROPOSALS,
        budget_amount=Decimal(100000),
        counting_rule="greedy",
        eligibility_codes=True,
    )
    process.organisers.add(organiser)
    for title, cost in (("Trees", 30000), ("Benches", 20000)):
        ProjectFactory(process=process, title=title, estimated_cost=Decimal(cost), feasible=True)
    return processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)


def _race(jobs) -> list:
    """Run the jobs at once, each in its own thread and database connection; return what
    each returned or raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index: int, job) -> None:
        try:
            barrier.wait(timeout=60)
            outcomes[index] = job()
        except BaseException as error:  # noqa: BLE001 - asserted by the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _counted_votes(process) -> dict[str, float]:
    group = process.results["groups"][0]
    return {row["title"]: row["score"] for row in group["projects"]}


def test_the_close_waits_for_ballots_in_flight_and_none_arrives_after_it(open_process, organiser):
    ballots = 100
    codes = voting_services.voting_codes_issue(process=open_process, user=organiser, count=ballots)
    trees = open_process.projects.get(title="Trees").pk
    workers = threading.BoundedSemaphore(WORKERS)

    def vote(index: int, code: str):
        def job():
            time.sleep(index * ARRIVAL)  # voters keep arriving while the organiser closes
            with workers:
                try:
                    found = voting_code_find(process=open_process, code=code)
                    return voting_services.ballot_submit(
                        process=open_process, voting_code=found, choices={trees: 1}
                    )
                finally:
                    connections.close_all()

        return job

    def close():
        deadline = time.monotonic() + 30
        while Ballot.objects.filter(process=open_process).count() < 15:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        return processes_services.process_phase_set(
            process=open_process, phase=Phase.RESULTS, user=organiser
        )

    outcomes = _race([vote(i, code) for i, code in enumerate(codes)] + [close])

    closed = outcomes[-1]
    assert not isinstance(closed, BaseException), closed
    stored = [o for o in outcomes[:-1] if isinstance(o, Ballot)]
    refused = [o for o in outcomes[:-1] if isinstance(o, ValidationError)]
    assert len(stored) + len(refused) == ballots, [
        o for o in outcomes[:-1] if not isinstance(o, Ballot | ValidationError)
    ]
    assert all(error.messages == [NOT_OPEN] for error in refused)
    assert len(stored) >= 15 and refused, (len(stored), len(refused))  # the close was raced
    # every stored ballot was counted, and none was stored or changed after the count
    in_database = Ballot.objects.filter(process=open_process)
    assert in_database.count() == len(stored) == closed.results["ballots"]
    assert _counted_votes(closed)["Trees"] == len(stored)
    computed_at = datetime.fromisoformat(closed.results["computed_at"])
    assert not in_database.filter(created_at__gt=computed_at).exists()
    assert not in_database.filter(updated_at__gt=computed_at).exists()


def test_fifty_simultaneous_voters_are_all_counted(open_process, organiser):
    voters = [UserFactory() for _ in range(50)]
    trees, benches = (open_process.projects.get(title=t).pk for t in ("Trees", "Benches"))

    def vote(index: int, voter):
        chosen = {trees: 1} if index % 2 else {trees: 1, benches: 1}
        return lambda: voting_services.ballot_submit(
            process=open_process, voter=voter, choices=chosen
        )

    outcomes = _race([vote(i, voter) for i, voter in enumerate(voters)])

    assert [o for o in outcomes if not isinstance(o, Ballot)] == []
    closed = processes_services.process_phase_set(
        process=open_process, phase=Phase.RESULTS, user=organiser
    )
    assert closed.results["ballots"] == 50
    assert _counted_votes(closed) == {"Trees": 50.0, "Benches": 25.0}


def test_the_same_person_with_account_and_code_at_once_keeps_one_ballot(open_process, organiser):
    person = UserFactory()
    code = voting_code_find(
        process=open_process,
        code=voting_services.voting_codes_issue(process=open_process, user=organiser, count=1)[0],
    )
    trees, benches = (open_process.projects.get(title=t).pk for t in ("Trees", "Benches"))

    def with_account():
        return voting_services.ballot_submit(process=open_process, voter=person, choices={trees: 1})

    def with_code_while_signed_in():
        return voting_services.ballot_submit(
            process=open_process, voter=person, voting_code=code, choices={benches: 1}
        )

    outcomes = _race([with_account, with_code_while_signed_in] * 25)

    assert Counter(type(o).__name__ for o in outcomes) == {"Ballot": 50}
    ballot = Ballot.objects.get(process=open_process)
    assert ballot.voter == person
    code.refresh_from_db()
    assert code.claimed_by == person
    with pytest.raises(PermissionDenied, match="tied to an account"):
        voting_services.ballot_submit(process=open_process, voting_code=code, choices={trees: 1})
    assert Ballot.objects.filter(process=open_process).count() == 1
