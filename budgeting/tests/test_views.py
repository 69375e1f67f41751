"""The PB pages as a visitor, a member and an organiser use them."""

import re
from decimal import Decimal

import pytest

from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import BallotType, Phase
from budgeting.proposals import services as proposals_services
from budgeting.proposals.models import Project
from budgeting.tests.conftest import cast
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot


def test_process_listing_query_count_does_not_grow(client, django_assert_max_num_queries, db):
    for _ in range(3):
        ProcessFactory(phase=Phase.PROPOSALS)
    client.get("/en/pb/")  # the site's settings rows are created on the first request
    with django_assert_max_num_queries(9):
        small = client.get("/en/pb/")
    for _ in range(12):
        ProcessFactory(phase=Phase.VOTING)
    with django_assert_max_num_queries(9):
        large = client.get("/en/pb/")
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('class="card__title"') == 15


def test_proposal_list_query_count_does_not_grow(client, process, django_assert_max_num_queries):
    # 10: the process's translations and its projects' translations are read once each
    # (prefetched), whatever the number of projects
    ProjectFactory(process=process)
    client.get("/en/pb/")  # the site's settings rows are created on the first request
    with django_assert_max_num_queries(10):
        client.get(process.get_absolute_url())
    for _ in range(10):
        ProjectFactory(process=process)
    client.get("/en/pb/")  # the site's settings rows are created on the first request
    with django_assert_max_num_queries(10):
        response = client.get(process.get_absolute_url())
    assert response.content.decode().count('class="card__title"') == 11


def test_drafts_are_hidden_from_the_public(client, db):
    draft = ProcessFactory(phase=Phase.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/en/pb/").content.decode()


def test_a_member_proposes_and_a_bad_proposal_keeps_what_was_typed(client, process, citizen):
    client.force_login(citizen)
    url = f"/en/pb/{process.slug}/propose/"
    response = client.post(
        url, {"title": "Shade trees", "description": "Trees", "estimated_cost": "lots"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a number." in page and 'value="Shade trees"' in page

    response = client.post(
        url, {"title": "Shade trees", "description": "<p>Trees</p>", "estimated_cost": "5000"}
    )
    project = Project.objects.get(title="Shade trees")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.champion == citizen


def test_visitors_are_asked_to_sign_in_to_propose(client, process):
    response = client.get(f"/en/pb/{process.slug}/propose/")
    assert response.status_code == 302 and "login" in response["Location"]


def _ballot_page(client, process):
    return client.get(f"/en/pb/{process.slug}/vote/").content.decode()


def test_no_vote_counts_are_shown_before_the_results(client, voting_process, citizen):
    for _ in range(3):
        cast(voting_process, UserFactory(), "Trees")
    client.force_login(citizen)
    project = voting_process.projects.get(title="Trees")
    for url in (
        voting_process.get_absolute_url(),
        project.get_absolute_url(),
        f"/en/pb/{voting_process.slug}/vote/",
    ):
        page = client.get(url).content.decode()
        assert "votes" not in page.lower().replace("vote with", "")
    results = client.get(f"/en/pb/{voting_process.slug}/results/").content.decode()
    assert "No votes are shown before the results are published." in results
    assert client.get(f"/en/pb/{voting_process.slug}/export.pb").status_code == 404


def test_the_ballot_works_without_javascript_and_shows_a_receipt(client, voting_process, citizen):
    client.force_login(citizen)
    page = _ballot_page(client, voting_process)
    assert 'type="checkbox"' in page and 'role="status"' in page
    trees, benches = (voting_process.projects.get(title=t).pk for t in ("Trees", "Benches"))

    response = client.post(f"/en/pb/{voting_process.slug}/vote/", {"project": [trees, benches]})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    ballot = Ballot.objects.get(voter=citizen)
    receipt = f"{ballot.receipt[:5]}-{ballot.receipt[5:]}"
    assert "Your vote was recorded" in done and receipt in done

    again = _ballot_page(client, voting_process)
    assert "Change my vote" in again
    assert re.search(rf'value="{trees}"[^>]*checked', again)


def test_a_ballot_over_a_limit_is_refused_with_the_limit_and_keeps_the_choices(
    client, open_vote, citizen
):
    voting_process = open_vote(ballot_type=BallotType.K_APPROVAL, max_choices=2)
    client.force_login(citizen)
    pks = list(voting_process.projects.values_list("pk", flat=True))
    response = client.post(f"/en/pb/{voting_process.slug}/vote/", {"project": pks[:3]})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at most 2 projects; you chose 3." in page
    assert all(re.search(rf'value="{pk}"[^>]*checked', page) for pk in pks[:3])
    assert not Ballot.objects.exists()


def test_a_voter_with_a_code_votes_without_an_account(client, open_vote, organiser):
    voting_process = open_vote(eligibility_codes=True)
    code = voting_services.voting_codes_issue(process=voting_process, user=organiser, count=1)[0]
    response = client.post(f"/en/pb/{voting_process.slug}/vote/code/", {"code": "WRONG-CODE"})
    assert "not valid for this process" in response.content.decode()

    client.post(f"/en/pb/{voting_process.slug}/vote/code/", {"code": code.lower()})
    trees = voting_process.projects.get(title="Trees").pk
    response = client.post(f"/en/pb/{voting_process.slug}/vote/", {"project": [trees]})
    assert response.status_code == 302
    assert Ballot.objects.get().voting_code.process == voting_process


def test_organisers_review_and_move_phases_others_get_403(client, process, organiser, citizen):
    project = ProjectFactory(process=process, estimated_cost=Decimal(9000))
    client.force_login(citizen)
    assert client.get(f"/en/pb/{process.slug}/manage/").status_code == 403
    review = f"/en/pb/{process.slug}/manage/review/{project.pk}/"
    prefix = f"review-{project.pk}"
    assert (
        client.post(review, {f"{prefix}-feasible": "yes", f"{prefix}-reason": "x"}).status_code
        == 403
    )

    client.force_login(organiser)
    response = client.post(review, {f"{prefix}-feasible": "yes", f"{prefix}-reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    client.post(
        review,
        {
            f"{prefix}-feasible": "yes",
            f"{prefix}-reason": "Doable.",
            f"{prefix}-reviewed_cost": "9500",
        },
    )
    project.refresh_from_db()
    assert project.status == "feasible" and project.reviewed_cost == Decimal(9500)
    client.post(f"/en/pb/{process.slug}/manage/phase/", {"phase": "voting"})
    process.refresh_from_db()
    assert process.phase == Phase.VOTING and process.rule_frozen


def test_the_published_rule_is_the_text_whose_hash_is_shown(client, voting_process):
    import hashlib

    body = client.get(f"/en/pb/{voting_process.slug}/rule.json").content
    page = client.get(voting_process.get_absolute_url()).content.decode()
    digest = hashlib.sha256(body).hexdigest()
    assert digest == voting_process.rule_hash and digest in page


def test_results_page_explains_outcomes_with_accessible_charts(client, voting_process, organiser):
    for _ in range(4):
        cast(voting_process, UserFactory(), "Skate park", "Library hours")
    cast(voting_process, UserFactory(), "Trees")
    processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )

    page = client.get(f"/en/pb/{voting_process.slug}/results/").content.decode()
    assert "5 ballots were counted" in page
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="[^"]*-title [^"]*-desc"', page)
    assert "<title id=" in page and "<desc id=" in page
    assert "Votes, cost and outcome of every project" in page  # the table equivalent
    assert "Which projects each rule selects" in page
    assert "Greedy by votes (skip projects that do not fit)" in page
    assert "supporters" in page  # the equal shares explanation
    export = client.get(f"/en/pb/{voting_process.slug}/export.pb")
    assert export.status_code == 200 and export.content.startswith(b"META")


def test_comments_show_threads_and_hidden_ones_say_so(client, process, organiser, citizen):
    project = ProjectFactory(process=process)
    first = proposals_services.comment_add(project=project, user=citizen, body="<p>First!</p>")
    proposals_services.comment_add(
        project=project, user=organiser, body="<p>A reply</p>", parent=first
    )
    bad = proposals_services.comment_add(project=project, user=citizen, body="<p>Spam link</p>")
    proposals_services.comment_hide(comment=bad, user=organiser, reason="Advertising.")

    page = client.get(project.get_absolute_url()).content.decode()
    assert "First!" in page and "A reply" in page and "pb-comment--depth-1" in page
    assert "Spam link" not in page and "Advertising." in page


def test_a_rejected_comment_keeps_its_text(client, process, citizen, settings):
    settings.SITE_RATE_LIMITS = {**settings.SITE_RATE_LIMITS, "pb_comment": "0/m/user"}
    project = ProjectFactory(process=process)
    client.force_login(citizen)
    response = client.post(f"{project.get_absolute_url()}comment/", {"body": "My careful words"})
    page = response.content.decode()
    assert response.status_code == 429 and "closed for now" in page and "My careful words" in page


@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.VOTING])
def test_support_button_only_before_voting(client, process, organiser, citizen, phase):
    project = ProjectFactory(process=process, feasible=True)
    if phase == Phase.VOTING:
        processes_services.process_phase_set(process=process, phase=phase, user=organiser)
    client.force_login(citizen)
    page = client.get(project.get_absolute_url()).content.decode()
    assert ("Support this proposal" in page) == (phase == Phase.PROPOSALS)


def test_visitors_are_sent_to_sign_in_and_ineligible_accounts_are_told(client, open_vote, citizen):
    other = ProcessFactory(phase=Phase.VOTING)
    response = client.get(f"/en/pb/{other.slug}/vote/")
    assert response.status_code == 302 and "/en/accounts/login/" in response["Location"]

    voting_process = open_vote(eligibility_accounts=False, eligibility_codes=True)
    client.force_login(citizen)
    page = client.get(f"/en/pb/{voting_process.slug}/vote/").content.decode()
    assert "Your account is not eligible to vote in this process." in page
    assert "Vote with a code" in page and "data-pb-ballot" not in page
