"""The rules of a process as the services enforce them."""

import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from budgeting.factories import DistrictFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import BallotType, CountingRule, Phase
from budgeting.processes.selectors import rule_hash
from budgeting.proposals import services as proposals_services
from budgeting.proposals.models import ProjectStatus
from budgeting.tests.conftest import cast
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot
from budgeting.voting.selectors import voting_code_find


def _pks(process, *titles):
    by_title = {p.title: p.pk for p in process.projects.all()}
    return [by_title[t] for t in titles]


def test_opening_the_vote_freezes_and_publishes_the_rule_with_its_hash(voting_process):
    assert voting_process.rule_frozen
    assert voting_process.rule_hash == rule_hash(voting_process.rule_json)
    published = json.loads(voting_process.rule_json)
    assert published["counting_rule"] == "equalshares/add1"
    assert published["budget"] == "100000.00"


def test_the_frozen_rule_cannot_change_through_the_service(voting_process, organiser):
    with pytest.raises(ValidationError, match="frozen"):
        processes_services.process_rule_update(
            process=voting_process, user=organiser, counting_rule=CountingRule.GREEDY
        )
    voting_process.refresh_from_db()
    assert voting_process.counting_rule == CountingRule.EQUAL_SHARES_ADD1


def test_the_frozen_rule_cannot_change_through_the_admin_form(voting_process):
    voting_process.counting_rule = CountingRule.GREEDY
    with pytest.raises(ValidationError) as error:
        voting_process.full_clean()
    assert "counting_rule" in error.value.message_dict


def test_the_rule_can_change_before_voting(process, organiser):
    processes_services.process_rule_update(process=process, user=organiser, counting_rule="greedy")
    process.refresh_from_db()
    assert process.counting_rule == "greedy"


def test_phases_do_not_go_back_after_voting_opened(voting_process, organiser):
    with pytest.raises(ValidationError, match="cannot go back"):
        processes_services.process_phase_set(
            process=voting_process, phase=Phase.REVIEW, user=organiser
        )


def test_voting_cannot_open_without_a_feasible_proposal(process, organiser):
    ProjectFactory(process=process)
    with pytest.raises(ValidationError, match="no proposal"):
        processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)


def test_only_organisers_change_phases(process, citizen):
    with pytest.raises(PermissionDenied):
        processes_services.process_phase_set(process=process, phase=Phase.REVIEW, user=citizen)


def test_a_proposal_is_sanitised_and_its_proposer_is_the_champion(process, citizen):
    project = proposals_services.project_propose(
        process=process,
        user=citizen,
        title="Shade trees",
        description='<p onclick="x()">Trees <script>alert(1)</script><strong>now</strong></p>',
        estimated_cost=Decimal("5000"),
        impact_criteria="Cooler playground\nMore visitors",
    )
    assert project.champion == citizen
    assert project.description == "<p>Trees <b>now</b></p>"
    assert project.impact_criteria_list == ["Cooler playground", "More visitors"]


def test_proposals_are_refused_outside_the_proposals_phase(voting_process, citizen):
    with pytest.raises(ValidationError, match="not taking proposals"):
        proposals_services.project_propose(
            process=voting_process,
            user=citizen,
            title="Late",
            description="<p>Too late</p>",
            estimated_cost=Decimal(1),
        )


def test_review_sets_the_public_reason_and_cost_and_only_feasible_ones_reach_the_ballot(
    process, organiser
):
    kept = ProjectFactory(process=process, estimated_cost=Decimal("10000"))
    dropped = ProjectFactory(process=process)
    proposals_services.project_review(
        project=kept,
        user=organiser,
        feasible=True,
        reason="Fits the plan.",
        reviewed_cost=Decimal("12500"),
    )
    proposals_services.project_review(
        project=dropped, user=organiser, feasible=False, reason="The land is not the town's."
    )
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)

    kept.refresh_from_db()
    assert (kept.status, kept.cost, kept.review_reason) == (
        ProjectStatus.FEASIBLE,
        Decimal("12500"),
        "Fits the plan.",
    )
    with pytest.raises(ValidationError, match="not on this ballot"):
        voting_services.ballot_submit(process=process, voter=UserFactory(), choices={dropped.pk: 1})


def test_a_citizen_cannot_review(process, citizen):
    project = ProjectFactory(process=process)
    with pytest.raises(PermissionDenied):
        proposals_services.project_review(
            project=project, user=citizen, feasible=True, reason="I like it"
        )


def test_a_changed_ballot_replaces_the_first_one(voting_process, citizen):
    first = cast(voting_process, citizen, "Skate park")
    second = cast(voting_process, citizen, "Trees", "Benches")

    assert first.pk == second.pk and first.receipt == second.receipt
    assert Ballot.objects.filter(process=voting_process).count() == 1
    chosen = set(second.choices.values_list("project__title", flat=True))
    assert chosen == {"Trees", "Benches"}


def test_ballots_are_refused_when_voting_is_closed(voting_process, organiser, citizen):
    processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )
    with pytest.raises(ValidationError, match="not open"):
        cast(voting_process, citizen, "Trees")


def test_k_approval_limits_name_the_limit(open_vote, citizen):
    voting_process = open_vote(ballot_type=BallotType.K_APPROVAL, min_choices=2, max_choices=3)
    with pytest.raises(ValidationError, match="at least 2 projects; you chose 1"):
        cast(voting_process, citizen, "Trees")
    with pytest.raises(ValidationError, match="at most 3 projects; you chose 4"):
        cast(voting_process, citizen, "Trees", "Benches", "Skate park", "Library hours")
    assert not Ballot.objects.exists()


def test_knapsack_ballot_over_the_budget_is_refused_with_the_amounts(open_vote, citizen):
    voting_process = open_vote(ballot_type=BallotType.KNAPSACK)
    with pytest.raises(ValidationError) as error:
        cast(voting_process, citizen, "Skate park", "Library hours", "Trees")
    assert "cost €130,000, more than the budget of €100,000" in error.value.messages[0]
    cast(voting_process, citizen, "Skate park", "Library hours")
    assert Ballot.objects.count() == 1


def test_cumulative_ballot_cannot_give_more_points_than_it_has(open_vote, citizen):
    voting_process = open_vote(ballot_type=BallotType.CUMULATIVE, points_total=10)
    a, b = _pks(voting_process, "Trees", "Benches")
    with pytest.raises(ValidationError, match="You gave 12 points; you have 10"):
        voting_services.ballot_submit(process=voting_process, voter=citizen, choices={a: 7, b: 5})
    ballot = voting_services.ballot_submit(
        process=voting_process, voter=citizen, choices={a: 7, b: 3}
    )
    assert sorted(ballot.choices.values_list("points", flat=True)) == [3, 7]


def test_ranked_ballot_scores_by_rank_and_refuses_shared_ranks(open_vote, citizen):
    voting_process = open_vote(ballot_type=BallotType.RANKED, max_choices=3)
    a, b, c = _pks(voting_process, "Trees", "Benches", "Skate park")
    with pytest.raises(ValidationError, match="each rank to one project"):
        voting_services.ballot_submit(process=voting_process, voter=citizen, choices={a: 1, b: 1})
    with pytest.raises(ValidationError, match="from 1 to 3"):
        voting_services.ballot_submit(process=voting_process, voter=citizen, choices={a: 4})
    ballot = voting_services.ballot_submit(
        process=voting_process, voter=citizen, choices={a: 1, b: 2, c: 3}
    )
    points = dict(ballot.choices.values_list("project_id", "points"))
    assert points == {a: 3, b: 2, c: 1}


def test_district_budgets_apply_per_district(process, organiser, citizen):
    process.ballot_type = BallotType.KNAPSACK
    process.save()
    north = DistrictFactory(process=process, name="North", budget=Decimal("30000"))
    south = DistrictFactory(process=process, name="South", budget=Decimal("50000"))
    n1 = ProjectFactory(
        process=process, district=north, estimated_cost=Decimal(20000), feasible=True
    )
    n2 = ProjectFactory(
        process=process, district=north, estimated_cost=Decimal(20000), feasible=True
    )
    s1 = ProjectFactory(
        process=process, district=south, estimated_cost=Decimal(40000), feasible=True
    )
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)

    with pytest.raises(ValidationError, match="in North cost €40,000"):
        voting_services.ballot_submit(process=process, voter=citizen, choices={n1.pk: 1, n2.pk: 1})
    voting_services.ballot_submit(process=process, voter=citizen, choices={n1.pk: 1, s1.pk: 1})
    processes_services.process_phase_set(process=process, phase=Phase.RESULTS, user=organiser)
    process.refresh_from_db()
    assert [group["district"] for group in process.results["groups"]] == ["North", "South"]
    assert process.results["groups"][1]["budget"] == 50000


def test_voting_codes_are_stored_only_as_hashes_and_cast_one_ballot_each(open_vote, organiser):
    voting_process = open_vote(eligibility_codes=True)
    codes = voting_services.voting_codes_issue(process=voting_process, user=organiser, count=3)

    assert len(set(codes)) == 3 and all(len(code) == 14 for code in codes)
    stored = list(voting_process.voting_codes.values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in value for code in codes for value in stored)
    code = voting_code_find(process=voting_process, code=codes[0].lower().replace("-", " "))
    assert code is not None
    trees, benches = _pks(voting_process, "Trees", "Benches")
    voting_services.ballot_submit(process=voting_process, voting_code=code, choices={trees: 1})
    voting_services.ballot_submit(process=voting_process, voting_code=code, choices={benches: 1})
    assert Ballot.objects.filter(process=voting_process).count() == 1
    assert voting_code_find(process=voting_process, code="AAAA-BBBB-CCCC") is None


def test_only_organisers_issue_codes(voting_process, citizen):
    voting_process.eligibility_codes = True
    voting_process.save()
    with pytest.raises(PermissionDenied):
        voting_services.voting_codes_issue(process=voting_process, user=citizen, count=3)


def test_comments_are_sanitised_threaded_and_rate_limited(process, citizen, settings):
    settings.SITE_RATE_LIMITS = {**settings.SITE_RATE_LIMITS, "pb_comment": "2/m/user"}
    project = ProjectFactory(process=process)
    first = proposals_services.comment_add(
        project=project, user=citizen, body="<p>Yes<img src=x></p>"
    )
    reply = proposals_services.comment_add(
        project=project, user=citizen, body="Agreed", parent=first
    )
    assert first.body == "<p>Yes</p>" and reply.parent == first
    with pytest.raises(ValidationError, match="Please try again in 1 minute"):
        proposals_services.comment_add(project=project, user=citizen, body="A third one")
    other = UserFactory()
    proposals_services.comment_add(
        project=project, user=other, body="Another member may still post"
    )


def test_organisers_hide_comments_and_citizens_cannot(process, organiser, citizen):
    project = ProjectFactory(process=process)
    comment = proposals_services.comment_add(project=project, user=citizen, body="Rude words")
    with pytest.raises(PermissionDenied):
        proposals_services.comment_hide(comment=comment, user=UserFactory(), reason="")
    proposals_services.comment_hide(comment=comment, user=organiser, reason="Off topic.")
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Off topic."


def test_supports_are_collected_before_the_vote_only(process, organiser, citizen):
    project = ProjectFactory(process=process, feasible=True)
    proposals_services.project_support(project=project, user=citizen)
    proposals_services.project_support(project=project, user=citizen)  # twice is still one support
    assert project.supports.count() == 1
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    with pytest.raises(ValidationError, match="before the vote"):
        proposals_services.project_support(project=project, user=UserFactory())


def test_results_explain_every_project_and_compare_the_other_rules(voting_process, organiser):
    for _ in range(5):
        cast(voting_process, UserFactory(), "Skate park", "Library hours")
    for _ in range(3):
        cast(voting_process, UserFactory(), "Trees", "Benches")
    process = processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )
    group = process.results["groups"][0]
    titles = {row["id"]: row["title"] for row in group["projects"]}

    assert process.results["ballots"] == 8 and group["voters"] == 8
    assert all(row["reason_code"] for row in group["projects"])
    # greedy by votes gives everything to the majority; equal shares gives the minority a share
    greedy = next(o for o in group["comparison"] if o["rule"] == "greedy")
    assert {titles[pid] for pid in greedy["selected"]} == {"Skate park", "Library hours"}
    assert "Benches" in {titles[pid] for pid in group["selected"]}
    assert {o["rule"] for o in group["comparison"]} == {
        "greedy",
        "greedy-no-skip",
        "greedy-threshold",
        "equalshares",
    }
