"""Writing stories and workshop drafts needs an active membership, checked by the services
themselves (whatever the URL), and pages say why instead of offering a form: a pending account
registers for no workshop, shares no story, and a participant whose membership was deactivated
changes and shares no draft (taking a shared draft back stays open)."""

from django.core.exceptions import PermissionDenied

import pytest

from network.factories import MemberFactory
from network.models import MemberStatus
from stories.models import StoryPage
from stories.services.stories import story_share_submit
from stories.vocabularies import StoryKind
from stories.workshops.factories import StoryDraftFactory, workshop_tree
from stories.workshops.models import StoryDraft
from stories.workshops.services import workshop_draft_save, workshop_register
from stories.workshops.vocabularies import DraftStatus

pytestmark = pytest.mark.django_db

PENDING = "Your membership is waiting for approval by your national contact point"
DEACTIVATED = "Your membership has been deactivated"


@pytest.fixture
def workshop(home_page):
    return workshop_tree(home_page, title="Slip-up evening", capacity=5)


def test_the_share_service_refuses_a_pending_member_whatever_the_url(index):
    pending = MemberFactory(status=MemberStatus.PENDING)

    with pytest.raises(PermissionDenied, match=PENDING):
        story_share_submit(index=index, author=pending, title="Our chatbot", kind=StoryKind.SLIP_UP)

    assert not StoryPage.objects.exists()


def test_the_share_page_says_why_a_pending_member_cannot_share(client, index):
    client.force_login(MemberFactory(status=MemberStatus.PENDING).user)

    response = client.get(index.url + "share/")

    assert response.status_code == 403
    assert PENDING in response.content.decode()
    assert 'name="title"' not in response.content.decode()


def test_a_workshop_page_says_why_instead_of_offering_registration(client, workshop):
    client.force_login(MemberFactory(status=MemberStatus.PENDING).user)

    page = client.get(workshop.url).content.decode()

    assert PENDING in page
    assert ">Register<" not in page and "Join the waiting list" not in page


def test_a_deactivated_participant_changes_and_shares_no_draft(client, workshop):
    participant = MemberFactory()
    workshop_register(workshop=workshop, member=participant)
    draft = StoryDraftFactory(workshop=workshop, author=participant, title="Old draft")
    participant.status = MemberStatus.DEACTIVATED
    participant.save()
    client.force_login(participant.user)

    page = client.get(f"{workshop.url}capture/{draft.pk}/").content.decode()
    client.post(
        f"{workshop.url}capture/{draft.pk}/",
        {"title": "Changed", "consent": "on", "action": "share"},
    )

    assert DEACTIVATED in page and 'name="title"' not in page
    draft.refresh_from_db()
    assert draft.title == "Old draft" and draft.status == DraftStatus.PRIVATE
    with pytest.raises(PermissionDenied, match=DEACTIVATED):
        workshop_draft_save(
            workshop=workshop, member=participant, values={"title": "Changed"}, draft=draft
        )
    assert StoryDraft.objects.get().title == "Old draft"


def test_a_freed_place_goes_to_the_first_active_member_waiting(
    workshop, django_capture_on_commit_callbacks
):
    from django.core import mail

    from stories.workshops.services import workshop_cancel

    workshop.capacity = 1
    workshop.save()
    ada, ben, cy = (MemberFactory(display_name=name) for name in ("Ada", "Ben", "Cy"))
    for member in (ada, ben, cy):
        workshop_register(workshop=workshop, member=member)
    ben.status = MemberStatus.DEACTIVATED  # deactivated while waiting
    ben.save()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = workshop_cancel(workshop=workshop, member=ada)

    assert [registration.member for registration in outcome.promoted] == [cy]
    assert [message.to for message in mail.outbox] == [[cy.contact_email]]
    assert workshop.registrations.get(member=ben).status == "waiting"
