"""Taking part in a participatory budget needs an active membership and the process's
eligibility (`budgeting.permissions`): accounts still waiting for approval, rejected or
deactivated, and members who do not live where the process is, propose nothing, support
nothing (supports feed the tie-break), comment on nothing, volunteer for nothing and post no
updates; each is told why, and no page offers them a form they cannot use. Every write is tried
through its URL, as a person would."""

from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from budgeting.factories import ProjectFactory, UserFactory
from budgeting.implementation import services as implementation_services
from budgeting.implementation.models import ProgressUpdate
from budgeting.proposals import services as proposals_services
from budgeting.proposals.models import Comment, Project, Support
from network.factories import MemberFactory
from network.models import Member, MemberStatus
from portal.factories import CountryFactory

pytestmark = pytest.mark.django_db

NOT_ACTIVE = (MemberStatus.PENDING, MemberStatus.REJECTED, MemberStatus.DEACTIVATED)
REASONS = {
    MemberStatus.PENDING: "Your membership is waiting for approval by your national contact point",
    MemberStatus.REJECTED: "Your request to join the network was not approved",
    MemberStatus.DEACTIVATED: "Your membership has been deactivated",
}
NOT_RESIDENT = "Taking part in this process is for residents of Kokeilu demo town"


def resident_with_status(username: str, status: str):
    """A resident of the demo town (residence confirmed) whose membership has `status`."""
    user = UserFactory(username=username)
    Member.objects.filter(user=user).update(status=status)
    return type(user).objects.get(pk=user.pk)  # without the profile cached as it was


@pytest.fixture
def swede(db):
    """An active member who lives in Sweden, not in the process's municipality."""
    user = UserFactory(username="swede", resident=False)
    MemberFactory(user=user, country=CountryFactory(key="se", name="Sweden"))
    return user


@pytest.fixture
def proposal(process):
    return ProjectFactory(process=process, title="Shade trees")


def _propose(client, process):
    return client.post(
        f"/en/pb/{process.slug}/propose/",
        {"title": "Skate ramp", "description": "<p>A ramp.</p>", "estimated_cost": "5000"},
    )


@pytest.mark.parametrize("status", NOT_ACTIVE)
def test_an_account_without_an_active_membership_writes_nothing_and_is_told_why(
    client, process, proposal, status
):
    client.force_login(resident_with_status("applicant", status))

    proposed = _propose(client, process)
    supported = client.post(f"/en/pb/{process.slug}/projects/{proposal.pk}/support/", follow=True)
    commented = client.post(
        f"/en/pb/{process.slug}/projects/{proposal.pk}/comment/", {"body": "<p>Yes!</p>"}
    )

    assert proposed.status_code == 403
    assert REASONS[status] in proposed.content.decode()
    assert not Project.objects.filter(title="Skate ramp").exists()
    assert REASONS[status] in supported.content.decode()
    assert not Support.objects.exists()
    assert commented.status_code == 403
    assert REASONS[status] in commented.content.decode()
    assert not Comment.objects.exists()


def test_a_member_living_elsewhere_takes_no_part(client, process, proposal, swede):
    client.force_login(swede)

    proposed = _propose(client, process)
    client.post(f"/en/pb/{process.slug}/projects/{proposal.pk}/support/")
    commented = client.post(
        f"/en/pb/{process.slug}/projects/{proposal.pk}/comment/", {"body": "<p>Yes!</p>"}
    )

    assert proposed.status_code == 403 and NOT_RESIDENT in proposed.content.decode()
    assert commented.status_code == 403 and NOT_RESIDENT in commented.content.decode()
    assert not Project.objects.filter(title="Skate ramp").exists()
    assert not Support.objects.exists() and not Comment.objects.exists()


def test_a_resident_member_proposes_supports_and_comments(client, process, proposal, citizen):
    client.force_login(citizen)

    assert _propose(client, process).status_code == 302
    client.post(f"/en/pb/{process.slug}/projects/{proposal.pk}/support/")
    client.post(f"/en/pb/{process.slug}/projects/{proposal.pk}/comment/", {"body": "<p>Yes!</p>"})

    assert Project.objects.filter(title="Skate ramp", champion=citizen).exists()
    assert Support.objects.filter(project=proposal, user=citizen).exists()
    assert Comment.objects.filter(project=proposal, author=citizen).exists()


def test_residents_propose_online_where_the_vote_is_cast_with_codes_only(client, process, citizen):
    process.eligibility_accounts = False
    process.eligibility_codes = True
    process.save()
    client.force_login(citizen)

    assert _propose(client, process).status_code == 302
    assert Project.objects.filter(title="Skate ramp", champion=citizen).exists()


def test_organisers_answer_in_the_comments_without_living_there(client, process, proposal):
    organiser = UserFactory(username="town-clerk", resident=False)
    process.organisers.add(organiser)
    client.force_login(organiser)

    client.post(
        f"/en/pb/{process.slug}/projects/{proposal.pk}/comment/", {"body": "<p>We can.</p>"}
    )

    assert Comment.objects.filter(author=organiser).exists()


def test_pages_show_the_reason_instead_of_forms_they_would_refuse(client, process, proposal):
    client.force_login(resident_with_status("applicant", MemberStatus.PENDING))

    process_page = client.get(process.get_absolute_url()).content.decode()
    propose_page = client.get(f"/en/pb/{process.slug}/propose/").content.decode()
    project_page = client.get(proposal.get_absolute_url()).content.decode()

    for page in (process_page, propose_page, project_page):
        assert REASONS[MemberStatus.PENDING] in page
    assert 'name="estimated_cost"' not in process_page + propose_page
    assert "Support this proposal" not in project_page
    assert "Post the comment" not in project_page and "Post the reply" not in project_page


def test_a_support_given_while_active_can_be_taken_back_after_deactivation(
    client, process, proposal, citizen
):
    proposals_services.project_support(project=proposal, user=citizen)
    Member.objects.filter(user=citizen).update(status=MemberStatus.DEACTIVATED)
    client.force_login(citizen)

    client.post(f"/en/pb/{process.slug}/projects/{proposal.pk}/support/", {"support": "withdraw"})

    assert not Support.objects.exists()


# After the vote: volunteering and the team's updates


def _action(client, implementation, action, data=None):
    process = implementation.project.process
    return client.post(
        f"/en/pb/{process.slug}/projects/{implementation.project_id}/implementation/{action}/",
        data or {},
    )


@pytest.mark.parametrize("status", NOT_ACTIVE)
def test_an_account_without_an_active_membership_does_not_volunteer(client, skate, status):
    client.force_login(resident_with_status("applicant", status))

    page = client.get(skate.get_absolute_url()).content.decode()
    response = _action(client, skate, "volunteer")

    assert "Offer to help as a volunteer" not in page and REASONS[status] in page
    assert response.status_code == 403 and REASONS[status] in response.content.decode()
    assert not skate.volunteers.exists()


def test_a_deactivated_champion_posts_no_update_and_signs_nothing_off(client, team, organiser):
    milestone = implementation_services.milestone_add(
        implementation=team, user=organiser, title="Plans drawn"
    )
    champion = team.champion
    Member.objects.filter(user=champion).update(status=MemberStatus.DEACTIVATED)
    client.force_login(champion)

    page = client.get(team.get_absolute_url()).content.decode()
    update = _action(client, team, "update", {"body": "<p>We poured the concrete.</p>"})
    sign = _action(client, team, "sign_off", {"milestone": milestone.pk})
    status = _action(client, team, "status", {"status": "in_progress", "note": ""})

    assert REASONS[MemberStatus.DEACTIVATED] in page
    assert "Post the update" not in page
    for response in (update, sign, status):
        assert response.status_code == 403
        assert REASONS[MemberStatus.DEACTIVATED] in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    milestone.refresh_from_db()
    assert milestone.champion_signed_at is None
    team.refresh_from_db()
    assert team.status == "planned"


def test_a_volunteer_whose_membership_was_deactivated_posts_no_update(client, skate, citizen):
    implementation_services.implementation_volunteer(implementation=skate, user=citizen)
    Member.objects.filter(user=citizen).update(status=MemberStatus.DEACTIVATED)
    client.force_login(citizen)

    response = _action(client, skate, "update", {"body": "<p>I painted the ramp.</p>"})

    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_the_civil_servant_and_organiser_act_by_appointment(team, organiser, servant):
    """Servants and organisers are staff named by the process, not members: their writes
    do not depend on a membership of the network."""
    Member.objects.filter(user__in=[servant, organiser]).delete()

    implementation_services.progress_update_post(
        implementation=team, user=servant, body="<p>Ordered.</p>"
    )
    implementation_services.progress_update_post(
        implementation=team, user=organiser, body="<p>Paid.</p>"
    )

    assert ProgressUpdate.objects.count() == 2


def test_the_champion_role_is_handed_only_to_an_active_member(team, organiser):
    pending = resident_with_status("applicant", MemberStatus.PENDING)

    with pytest.raises(ValidationError) as refused:
        implementation_services.champion_hand_over(
            implementation=team, user=organiser, new_champion=pending, reason="Moved away."
        )

    assert "active member of the network" in str(refused.value)
    team.refresh_from_db()
    assert team.champion != pending


def test_supports_of_those_who_may_not_take_part_are_refused_by_the_service(process, swede):
    """Server side, whatever the URL: the service itself refuses (supports feed the
    tie-break)."""
    from django.core.exceptions import PermissionDenied

    project = ProjectFactory(process=process, estimated_cost=Decimal("1000"))
    pending = resident_with_status("applicant", MemberStatus.PENDING)

    for user, reason in ((pending, REASONS[MemberStatus.PENDING]), (swede, NOT_RESIDENT)):
        with pytest.raises(PermissionDenied, match=reason):
            proposals_services.project_support(project=project, user=user)
        with pytest.raises(PermissionDenied):
            proposals_services.comment_add(project=project, user=user, body="<p>Hi</p>")
        with pytest.raises(PermissionDenied):
            proposals_services.project_propose(
                process=process,
                user=user,
                title="x",
                description="<p>x</p>",
                estimated_cost=Decimal(1),
            )
    assert not Support.objects.exists() and not Comment.objects.exists()
