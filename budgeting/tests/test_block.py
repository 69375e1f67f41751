"""ProcessBlock shows an embedded process in its current phase."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from budgeting.blocks import ProcessBlock
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.tests.conftest import cast


def _render(process, user=None):
    request = RequestFactory().get("/en/some-story/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    block = ProcessBlock()
    value = block.to_python({"process": process.pk, "heading": "", "intro": "Have your say"})
    return block.render(value, context={"request": request})


def test_block_shows_the_proposal_form_to_members(process, citizen):
    html = _render(process, citizen)
    assert process.title in html and "Have your say" in html
    assert f'action="/en/pb/{process.slug}/propose/"' in html


def test_block_invites_visitors_to_sign_in_to_propose(process):
    html = _render(process)
    assert "Sign in to propose a project" in html and "<form" not in html


def test_block_shows_the_ballot_while_voting(voting_process, citizen):
    html = _render(voting_process, citizen)
    assert "data-pb-ballot" in html and 'type="checkbox"' in html and "Cast my vote" in html


def test_block_shows_the_results_after_counting(voting_process, organiser, citizen):
    cast(voting_process, citizen, "Trees", "Benches")
    processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )
    voting_process.refresh_from_db()
    html = _render(voting_process)
    assert "Selected projects" in html and "<svg" in html and "Trees" in html


def test_block_shows_nothing_for_a_draft(db):
    from budgeting.factories import ProcessFactory

    assert "pb-embed" not in _render(ProcessFactory(phase=Phase.DRAFT))
