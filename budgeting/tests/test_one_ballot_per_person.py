"""One ballot per eligible person, whatever the channel (account or voting code).

A code entered while signed in is tied to that account: it votes only as the account, which
keeps one ballot. What cannot be caught: a code used signed out cannot be tied to anyone (the
README's PB section says so).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

import pytest

from budgeting.factories import UserFactory
from budgeting.tests.conftest import cast
from budgeting.voting import services as voting_services
from budgeting.voting.models import Ballot, VotingCode
from budgeting.voting.selectors import voting_code_find


@pytest.fixture
def code_vote(open_vote):
    """Voting open to the town's members and to voting codes."""
    return open_vote(eligibility_codes=True)


@pytest.fixture
def codes(code_vote, organiser):
    return voting_services.voting_codes_issue(process=code_vote, user=organiser, count=3)


def _code(process, text: str) -> VotingCode:
    return voting_code_find(process=process, code=text)


def _pk(process, title: str) -> int:
    return process.projects.get(title=title).pk


def _vote_on_the_page(client, process, *titles):
    return client.post(
        f"/en/pb/{process.slug}/vote/", {"project": [_pk(process, t) for t in titles]}
    )


def test_an_account_that_voted_cannot_vote_again_with_a_code_in_the_same_browser(
    client, code_vote, codes, citizen
):
    client.force_login(citizen)
    assert _vote_on_the_page(client, code_vote, "Trees").status_code == 302

    response = client.post(f"/en/pb/{code_vote.slug}/vote/code/", {"code": codes[0]})
    assert response.status_code == 302
    assert _vote_on_the_page(client, code_vote, "Benches").status_code == 302

    ballot = Ballot.objects.get(process=code_vote)  # still one ballot: the account's, changed
    assert ballot.voter == citizen
    assert set(ballot.choices.values_list("project__title", flat=True)) == {"Benches"}
    assert _code(code_vote, codes[0]).claimed_by == citizen


def test_a_code_claimed_by_an_account_cannot_vote_signed_out(code_vote, codes, citizen):
    voting_services.voting_code_claim(
        process=code_vote, voting_code=_code(code_vote, codes[0]), user=citizen
    )
    cast(code_vote, citizen, "Trees")

    with pytest.raises(PermissionDenied, match="tied to an account"):
        voting_services.ballot_submit(
            process=code_vote,
            voting_code=_code(code_vote, codes[0]),
            choices={_pk(code_vote, "Benches"): 1},
        )
    assert Ballot.objects.filter(process=code_vote).count() == 1


def test_signed_out_the_code_page_says_a_claimed_code_needs_its_account(
    client, code_vote, codes, citizen
):
    voting_services.voting_code_claim(
        process=code_vote, voting_code=_code(code_vote, codes[0]), user=citizen
    )

    response = client.post(f"/en/pb/{code_vote.slug}/vote/code/", {"code": codes[0]})

    assert "tied to an account: sign in with it to vote" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_ballot_cast_with_a_code_becomes_the_accounts_ballot_when_signed_in(
    code_vote, codes, citizen
):
    code = _code(code_vote, codes[0])
    anonymous = voting_services.ballot_submit(
        process=code_vote, voting_code=code, choices={_pk(code_vote, "Trees"): 1}
    )

    # the same person signs in, with the code still entered in their browser
    changed = voting_services.ballot_submit(
        process=code_vote,
        voter=citizen,
        voting_code=code,
        choices={_pk(code_vote, "Benches"): 1},
    )

    assert changed.pk == anonymous.pk and changed.voter == citizen
    assert Ballot.objects.filter(process=code_vote).count() == 1
    # and the account cannot add a ballot of its own afterwards
    cast(code_vote, citizen, "Skate park")
    assert Ballot.objects.filter(process=code_vote).count() == 1


def test_a_code_that_voted_cannot_join_an_account_that_voted_too(code_vote, codes, citizen):
    code = _code(code_vote, codes[0])
    voting_services.ballot_submit(
        process=code_vote, voting_code=code, choices={_pk(code_vote, "Trees"): 1}
    )
    cast(code_vote, citizen, "Benches")  # the residual limit: two channels, no link between them

    with pytest.raises(ValidationError, match="one person votes once"):
        voting_services.voting_code_claim(process=code_vote, voting_code=code, user=citizen)
    assert Ballot.objects.filter(process=code_vote).count() == 2  # nothing was added


def test_an_account_holds_one_code_and_a_code_one_account(code_vote, codes, citizen):
    first, second = _code(code_vote, codes[0]), _code(code_vote, codes[1])
    voting_services.voting_code_claim(process=code_vote, voting_code=first, user=citizen)

    with pytest.raises(ValidationError, match="already holds another voting code"):
        voting_services.voting_code_claim(process=code_vote, voting_code=second, user=citizen)
    with pytest.raises(PermissionDenied, match="tied to another account"):
        voting_services.voting_code_claim(process=code_vote, voting_code=first, user=UserFactory())


def test_an_ineligible_account_votes_once_with_the_code_it_holds(code_vote, codes):
    outsider = UserFactory(resident=False)
    code = _code(code_vote, codes[0])
    with pytest.raises(PermissionDenied, match="not eligible"):
        cast(code_vote, outsider, "Trees")

    voting_services.ballot_submit(
        process=code_vote, voter=outsider, voting_code=code, choices={_pk(code_vote, "Trees"): 1}
    )
    # later, without the code in the browser: the account still has its one ballot
    ballot = cast(code_vote, outsider, "Benches")

    assert Ballot.objects.get(process=code_vote) == ballot
    assert ballot.voter == outsider and ballot.voting_code == code


def test_the_database_keeps_one_ballot_per_account_and_one_code_per_account(
    code_vote, codes, citizen
):
    first, second = _code(code_vote, codes[0]), _code(code_vote, codes[1])
    Ballot.objects.create(process=code_vote, voter=citizen, voting_code=first, receipt="R1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(process=code_vote, voter=citizen, voting_code=second, receipt="R2")
    VotingCode.objects.filter(pk=first.pk).update(claimed_by=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        VotingCode.objects.filter(pk=second.pk).update(claimed_by=citizen)
