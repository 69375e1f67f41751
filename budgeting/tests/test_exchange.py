"""pb_import and pb_export: processes to and from pabulib files."""

import io

from django.core.management import call_command

from budgeting.counting.pabulib import election_from_pabulib, pabulib_read
from budgeting.counting.registry import tally
from budgeting.factories import UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import BallotType, Phase, Process
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot

SMALL_PB = """META
key;value
description;Testville 2024
country;Finland
unit;Testville
instance;2024
num_projects;4
num_votes;5
budget;100000
vote_type;approval
rule;greedy
currency;EUR
PROJECTS
project_id;cost;votes;name;selected
p1;60000;3;"Skate park; with ramps";1
p2;40000;2;"The ""big"" library";0
p3;30000;2;Trees;1
p4;5000;1;Benches;1
VOTES
voter_id;vote
v1;p1,p3
v2;p1,p4
v3;p1
v4;p2,p3
v5;p2
"""


def test_pb_import_creates_a_counted_process(db, tmp_path):
    path = tmp_path / "testville.pb"
    path.write_text(SMALL_PB)
    out = io.StringIO()
    call_command("pb_import", str(path), "--slug", "testville", stdout=out)

    process = Process.objects.get(slug="testville")
    assert "4 projects, 5 ballots" in out.getvalue()
    assert (process.phase, process.counting_rule, process.budget) == (
        Phase.RESULTS,
        "greedy",
        100000,
    )
    assert process.rule_frozen and process.ballot_type == BallotType.APPROVAL
    assert process.projects.get(external_id="p1").title == "Skate park; with ramps"
    assert Ballot.objects.filter(process=process).count() == 5
    # greedy by votes: p1 (3 votes); p2 and p3 tie on 2 and the cheaper p3 goes first; p2 no
    # longer fits, p4 does: the file's official winners
    group = process.results["groups"][0]
    assert group["selected"] == ["p1", "p3", "p4"] and group["budget_used"] == 95000


def test_export_round_trips_through_pabulib_and_recounts_the_same(db, tmp_path):
    path = tmp_path / "testville.pb"
    path.write_text(SMALL_PB)
    call_command("pb_import", str(path), "--slug", "testville", stdout=io.StringIO())
    out_path = tmp_path / "out.pb"
    call_command("pb_export", "testville", "-o", str(out_path), stderr=io.StringIO())

    exported = pabulib_read(out_path)
    original = pabulib_read(path)
    assert sorted(p["name"] for p in exported.projects) == sorted(
        p["name"] for p in original.projects
    )
    assert sorted(v["vote"] for v in exported.votes) == sorted(v["vote"] for v in original.votes)
    assert exported.meta["budget"] == "100000" and exported.meta["rule"] == "greedy"
    text = out_path.read_text()
    assert '"Skate park; with ramps"' in text and '"The ""big"" library"' in text

    process = Process.objects.get(slug="testville")
    again = election_from_pabulib(exported)
    outcome = tally(again.election, again.rule)
    assert list(outcome.selected) == process.results["groups"][0]["selected"]
    assert again.official == tuple(
        pid for pid in again.election.project_ids if pid in set(outcome.selected)
    )


def test_a_process_made_on_the_site_exports_ranked_ballots_best_first(open_vote, organiser):
    voting_process = open_vote(ballot_type=BallotType.RANKED, max_choices=3)

    pks = {p.title: p.pk for p in voting_process.projects.all()}
    voting_services.ballot_submit(
        process=voting_process,
        voter=UserFactory(),
        choices={pks["Trees"]: 2, pks["Benches"]: 1, pks["Skate park"]: 3},
    )
    processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )
    voting_process.refresh_from_db()
    from budgeting.exchange import process_to_pabulib

    pb = pabulib_read(process_to_pabulib(voting_process))
    assert pb.meta["vote_type"] == "ordinal" and pb.meta["max_length"] == "3"
    assert pb.votes[0]["vote"] == f"{pks['Benches']},{pks['Trees']},{pks['Skate park']}"
    election = election_from_pabulib(pb).election
    assert sorted(election.project_scores().tolist()) == [0.0, 1.0, 2.0, 3.0]


def test_pb_import_reports_a_broken_file(db, tmp_path):
    from django.core.management.base import CommandError

    import pytest

    path = tmp_path / "broken.pb"
    path.write_text(
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\np1;10\nVOTES\nvoter_id;vote\nv1;p9\n"
    )
    with pytest.raises(CommandError, match="p9"):
        call_command("pb_import", str(path), stdout=io.StringIO())
    assert not Process.objects.exists()
