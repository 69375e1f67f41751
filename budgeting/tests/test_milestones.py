"""Milestones of an implementation: the team and the organisers add, change and remove them on
the implementation page; a milestone is reached with both sign-offs, which dates it and puts it
in the timeline."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

import pytest

from budgeting.factories import UserFactory
from budgeting.implementation import services as implementation_services
from budgeting.implementation.models import EventKind, Implementation, Milestone


def action_url(implementation, action: str) -> str:
    return reverse(
        "budgeting:implementation_action",
        kwargs={
            "slug": implementation.project.process.slug,
            "pk": implementation.project_id,
            "action": action,
        },
    )


def test_the_organiser_adds_changes_and_removes_a_milestone_on_the_page(team, organiser, client):
    client.force_login(organiser)
    response = client.post(
        action_url(team, "milestone"),
        {"title": "Ramp designed", "due": "2026-05-31", "description": "Drawings approved."},
    )
    assert response.status_code == 302
    milestone = team.milestones.get()
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Ramp designed" in page and "Drawings approved." in page and "31 May 2026" in page

    response = client.post(
        action_url(team, "milestone_edit"),
        {
            "milestone": milestone.pk,
            f"ms-{milestone.pk}-title": "Ramp designed with the skaters",
            f"ms-{milestone.pk}-due": "2026-06-15",
            f"ms-{milestone.pk}-description": "",
        },
        follow=True,
    )
    assert "The milestone was changed." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due, milestone.description) == (
        "Ramp designed with the skaters",
        datetime.date(2026, 6, 15),
        "",
    )

    response = client.post(
        action_url(team, "milestone_remove"), {"milestone": milestone.pk}, follow=True
    )
    assert "was removed" in response.content.decode()
    assert not team.milestones.exists()


def test_a_civil_servant_of_the_project_may_change_milestones_a_volunteer_may_not(
    team, servant, client
):
    milestone = implementation_services.milestone_add(
        implementation=team, user=servant, title="Permit"
    )
    volunteer = UserFactory(username="helper")
    implementation_services.implementation_volunteer(implementation=team, user=volunteer)
    client.force_login(servant)
    response = client.post(
        action_url(team, "milestone_edit"),
        {"milestone": milestone.pk, f"ms-{milestone.pk}-title": "Building permit"},
    )
    assert response.status_code == 302
    client.force_login(volunteer)
    response = client.post(action_url(team, "milestone_remove"), {"milestone": milestone.pk})
    assert response.status_code == 403
    assert "Only the project" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).title == "Building permit"


def test_others_are_refused_and_milestones_of_other_projects_are_not_found(
    funded, team, organiser, citizen, client
):
    milestone = implementation_services.milestone_add(
        implementation=team, user=organiser, title="Permit"
    )
    client.force_login(citizen)
    for action, data in (
        ("milestone", {"title": "Sneaky"}),
        ("milestone_edit", {"milestone": milestone.pk, f"ms-{milestone.pk}-title": "Sneaky"}),
        ("milestone_remove", {"milestone": milestone.pk}),
    ):
        assert client.post(action_url(team, action), data).status_code == 403
    # the champion of the trees cannot reach the skate park's milestone through their project
    trees = Implementation.objects.get(project__process=funded, project__title="Trees")
    client.force_login(trees.champion)
    response = client.post(action_url(trees, "milestone_remove"), {"milestone": milestone.pk})
    assert response.status_code == 404
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Permit"]


def test_refused_input_keeps_what_was_typed_with_a_message_per_field(team, organiser, client):
    milestone = implementation_services.milestone_add(
        implementation=team, user=organiser, title="Permit"
    )
    client.force_login(organiser)
    response = client.post(
        action_url(team, "milestone_edit"),
        {
            "milestone": milestone.pk,
            f"ms-{milestone.pk}-title": "   ",
            f"ms-{milestone.pk}-due": "31.5.",
            f"ms-{milestone.pk}-description": "Ask the city planners first",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("This field is required.") >= 1 and "Enter a valid date." in page
    assert "Ask the city planners first" in page and 'value="31.5."' in page
    assert f'id="id_ms-{milestone.pk}-title_error"' in page  # the message sits with its field
    # the add form too: the description typed stays, the title says what is missing
    response = client.post(action_url(team, "milestone"), {"title": " \t ", "description": "Kept"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_title_error"' in page and "Kept</textarea>" in page
    assert Milestone.objects.get(pk=milestone.pk).title == "Permit"


def test_a_change_clears_a_sign_off_and_a_reached_milestone_stays_as_it_is(
    team, organiser, servant, client
):
    champion = team.champion
    milestone = implementation_services.milestone_add(
        implementation=team, user=organiser, title="Permit"
    )
    implementation_services.milestone_sign_off(milestone=milestone, user=servant)
    milestone = implementation_services.milestone_edit(
        milestone=milestone, user=organiser, title="Building permit", description="From the city"
    )
    assert not milestone.signed_off  # the servant signed the old wording
    implementation_services.milestone_sign_off(milestone=milestone, user=servant)
    milestone = implementation_services.milestone_sign_off(milestone=milestone, user=champion)
    assert milestone.reached and milestone.reached_at == milestone.champion_signed_at
    with pytest.raises(ValidationError, match="can no longer change"):
        implementation_services.milestone_edit(milestone=milestone, user=organiser, title="Other")
    client.force_login(organiser)
    response = client.post(action_url(team, "milestone_remove"), {"milestone": milestone.pk})
    assert response.status_code == 400
    assert "it stays in the record" in response.content.decode()
    page = client.get(team.get_absolute_url()).content.decode()
    reached_on = date_format(localtime(milestone.reached_at), "j F Y")
    assert f'Reached <time datetime="{localtime(milestone.reached_at):%Y-%m-%d}' in page
    assert f">{reached_on}</time>" in page
    assert "Milestone reached: Building permit" in page  # the timeline entry
    assert "Remove “Building permit”" not in page
    assert team.events.filter(kind=EventKind.MILESTONE).count() == 1


def test_milestones_stay_as_they_are_once_the_bonus_is_decided(team, organiser):
    milestone = implementation_services.milestone_add(
        implementation=team, user=organiser, title="Permit"
    )
    Implementation.objects.filter(pk=team.pk).update(closed_at=datetime.datetime.now(datetime.UTC))
    with pytest.raises(ValidationError, match="assessment is closed"):
        implementation_services.milestone_remove(milestone=milestone, user=organiser)
    with pytest.raises(ValidationError, match="assessment is closed"):
        implementation_services.milestone_edit(milestone=milestone, user=organiser, title="Other")
