"""Voting-code guesses and comments are rate limited, and the refusal says when to try again."""

from decimal import Decimal

from django.test import Client

import pytest

from budgeting.factories import ProjectFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.proposals.models import Comment
from budgeting.voting import services as voting_services
from budgeting.voting.presenters import CODE_SESSION_KEY

ADDRESS = "203.0.113.5"


@pytest.fixture
def code_process(process, organiser):
    """A process in its voting phase where voting codes are accepted."""
    process.eligibility_codes = True
    process.save()
    ProjectFactory(process=process, title="Trees", estimated_cost=Decimal(30000), feasible=True)
    return processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)


def guess(client, process, code: str, *, address: str = ADDRESS, **headers):
    return client.post(
        f"/en/pb/{process.slug}/vote/code/", {"code": code}, REMOTE_ADDR=address, **headers
    )


def wrong(number: int) -> str:
    return f"WRNG-{number:04d}-XXXX"


def test_the_eleventh_guess_is_refused_even_with_a_valid_code(client, code_process, organiser):
    code = voting_services.voting_codes_issue(process=code_process, user=organiser, count=1)[0]
    for number in range(10):
        page = guess(client, code_process, wrong(number))
        assert "not valid for this process" in page.content.decode()

    response = guess(client, code_process, code)

    page = response.content.decode()
    assert response.status_code == 429
    assert 590 <= int(response["Retry-After"]) <= 601
    assert "Too many wrong voting codes" in page
    assert "Please try again in 10 minutes" in page
    assert f'value="{code}"' in page  # what was typed stays in the form
    assert CODE_SESSION_KEY.format(pk=code_process.pk) not in client.session
    # a voter elsewhere, in their own browser, is not held up
    response = guess(Client(), code_process, code, address="198.51.100.7")
    assert response.status_code == 302


def test_a_fresh_session_does_not_reset_an_address(client, code_process, organiser):
    code = voting_services.voting_codes_issue(process=code_process, user=organiser, count=1)[0]
    for number in range(10):
        guess(Client(), code_process, wrong(number))  # cookies dropped after every guess

    assert guess(client, code_process, code).status_code == 429


def test_a_session_is_limited_from_whatever_address(client, code_process, organiser, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    code = voting_services.voting_codes_issue(process=code_process, user=organiser, count=1)[0]
    for number in range(10):
        guess(client, code_process, wrong(number), HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    response = guess(client, code_process, code, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_right_codes_do_not_count(client, code_process, organiser):
    codes = voting_services.voting_codes_issue(process=code_process, user=organiser, count=5)
    for number in range(9):
        guess(client, code_process, wrong(number))
    for code in codes:
        assert guess(Client(), code_process, code).status_code == 302

    tenth = guess(client, code_process, wrong(9))
    assert "not valid for this process" in tenth.content.decode()
    assert guess(client, code_process, wrong(10)).status_code == 429


def test_the_sixth_comment_in_five_minutes_is_refused_with_when_to_try_again(
    client, process, citizen
):
    project = ProjectFactory(process=process)
    client.force_login(citizen)
    url = f"{project.get_absolute_url()}comment/"
    for number in range(5):
        assert client.post(url, {"body": f"Comment {number}"}).status_code == 302

    response = client.post(url, {"body": "My careful words"})

    page = response.content.decode()
    assert response.status_code == 429
    assert "You have posted 5 comments in the last 5 minutes." in page
    assert "Please try again in 5 minutes" in page
    assert "My careful words" in page
    assert Comment.objects.filter(project=project).count() == 5
