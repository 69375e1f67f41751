"""Registering for a story workshop: places, the waiting list, cancelling, and capacity under
simultaneous sign-ups (PostgreSQL)."""

import threading

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

import pytest

from network.factories import MemberFactory, UserFactory
from network.models import MemberStatus
from stories.workshops.factories import days_from_now, workshop_tree
from stories.workshops.models import WorkshopPage, WorkshopRegistration
from stories.workshops.services import workshop_cancel, workshop_register
from stories.workshops.vocabularies import RegistrationStatus


@pytest.fixture
def workshop(home_page):
    return workshop_tree(home_page, capacity=2)


def statuses(workshop) -> dict[str, str]:
    return dict(workshop.registrations.values_list("member__display_name", "status").order_by("pk"))


def test_members_take_places_then_queue_in_order(workshop):
    ada, ben, cy, dee = (MemberFactory(display_name=name) for name in ("Ada", "Ben", "Cy", "Dee"))
    assert workshop_register(workshop=workshop, member=ada).position is None
    assert workshop_register(workshop=workshop, member=ben).position is None
    assert workshop_register(workshop=workshop, member=cy).position == 1
    assert workshop_register(workshop=workshop, member=dee).position == 2
    assert statuses(workshop) == {
        "Ada": "registered",
        "Ben": "registered",
        "Cy": "waiting",
        "Dee": "waiting",
    }


def test_registering_twice_keeps_one_row_and_the_same_place(workshop):
    ada = MemberFactory()
    workshop_register(workshop=workshop, member=ada)
    again = workshop_register(workshop=workshop, member=ada)
    assert not again.changed
    assert WorkshopRegistration.objects.filter(workshop=workshop, member=ada).count() == 1


def test_cancelling_a_place_moves_the_first_waiting_member_up_and_mails_them(
    workshop, django_capture_on_commit_callbacks
):
    ada, ben, cy, dee = (MemberFactory(display_name=name) for name in ("Ada", "Ben", "Cy", "Dee"))
    for member in (ada, ben, cy, dee):
        workshop_register(workshop=workshop, member=member)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = workshop_cancel(workshop=workshop, member=ada)
    assert [r.member for r in outcome.promoted] == [cy]
    assert statuses(workshop)["Cy"] == "registered"
    assert statuses(workshop)["Ada"] == "cancelled"
    dee_row = WorkshopRegistration.objects.get(member=dee)
    assert workshop_register(workshop=workshop, member=dee).position == 1  # moved up the queue
    assert dee_row.status == RegistrationStatus.WAITING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cy.contact_email]
    assert workshop.title in mail.outbox[0].subject


def test_leaving_the_queue_moves_nobody_into_a_place(workshop):
    members = [MemberFactory() for _ in range(3)]
    for member in members:
        workshop_register(workshop=workshop, member=member)
    outcome = workshop_cancel(workshop=workshop, member=members[2])
    assert outcome.promoted == []
    assert workshop.registrations.filter(status=RegistrationStatus.REGISTERED).count() == 2


def test_registering_again_after_cancelling_joins_the_back_of_the_queue(workshop):
    ada, ben, cy, dee = (MemberFactory(display_name=name) for name in ("Ada", "Ben", "Cy", "Dee"))
    for member in (ada, ben, cy):
        workshop_register(workshop=workshop, member=member)
    workshop_cancel(workshop=workshop, member=cy)
    workshop_register(workshop=workshop, member=dee)
    outcome = workshop_register(workshop=workshop, member=cy)
    assert outcome.position == 2
    assert WorkshopRegistration.objects.filter(member=cy).count() == 1


def test_places_freed_by_a_larger_capacity_go_to_the_queue_first(workshop):
    ada, ben, cy, dee = (MemberFactory(display_name=name) for name in ("Ada", "Ben", "Cy", "Dee"))
    for member in (ada, ben, cy):
        workshop_register(workshop=workshop, member=member)
    workshop.capacity = 3
    workshop.save()
    assert workshop_register(workshop=workshop, member=dee).position == 1
    assert statuses(workshop)["Cy"] == "registered"


def test_past_and_started_workshops_refuse_registration_and_cancelling(home_page):
    past = workshop_tree(home_page, starts_at=days_from_now(-3), ends_at=days_from_now(-3, 20))
    member = MemberFactory()
    with pytest.raises(ValidationError, match="already taken place"):
        workshop_register(workshop=past, member=member)
    with pytest.raises(ValidationError, match="already taken place"):
        workshop_cancel(workshop=past, member=member)
    assert not past.registrations.exists()


def test_only_active_members_register(workshop):
    pending = MemberFactory(status=MemberStatus.PENDING)
    with pytest.raises(PermissionDenied):
        workshop_register(workshop=workshop, member=pending)
    with pytest.raises(PermissionDenied):
        workshop_register(workshop=workshop, member=None)


# -- the routes


def test_register_route_says_where_the_member_is_in_the_queue(client, workshop):
    for _ in range(2):
        workshop_register(workshop=workshop, member=MemberFactory())
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(workshop.url + "register/", follow=True)
    assert response.redirect_chain[-1][0].endswith(workshop.url + "#registration")
    text = response.content.decode()
    assert "you are number 1 on the waiting list" in text
    assert "You are number 1 on the waiting list." in text
    assert "Leave the waiting list" in text

    response = client.post(workshop.url + "cancel/", follow=True)
    assert "Your registration is cancelled." in response.content.decode()
    assert WorkshopRegistration.objects.get(member=member).status == RegistrationStatus.CANCELLED


def test_registering_says_once_that_the_member_has_a_place(client, workshop):
    member = MemberFactory()
    client.force_login(member.user)

    text = client.post(workshop.url + "register/", follow=True).content.decode()

    assert "Your place is booked." in text
    assert text.count("You have a place at this workshop.") == 1


def test_register_route_sends_visitors_to_sign_in_and_refuses_get(client, workshop):
    response = client.post(workshop.url + "register/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert not workshop.registrations.exists()
    client.force_login(MemberFactory().user)
    assert client.get(workshop.url + "register/").status_code == 405
    assert not workshop.registrations.exists()


def test_register_route_needs_the_csrf_token(workshop):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(MemberFactory().user)
    assert client.post(workshop.url + "register/").status_code == 403
    assert not workshop.registrations.exists()


def test_register_route_tells_a_pending_member_why_not(client, workshop):
    client.force_login(MemberFactory(status=MemberStatus.PENDING).user)
    response = client.post(workshop.url + "register/", follow=True)
    assert "Your membership is waiting for approval by your national contact point" in (
        response.content.decode()
    )
    assert not workshop.registrations.exists()


# -- simultaneous sign-ups


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_thirty_members_register_at_once(home_page):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite locks the whole file")
    workshop = workshop_tree(home_page, capacity=10)
    members = [MemberFactory() for _ in range(30)]
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def register(member):
        try:
            barrier.wait()
            workshop_register(workshop=workshop, member=member)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = list(workshop.registrations.order_by("queued_at", "pk"))
    assert sum(row.status == RegistrationStatus.REGISTERED for row in rows) == 10
    waiting = [row for row in rows if row.status == RegistrationStatus.WAITING]
    assert len(waiting) == 20
    # the queue is consistent: positions 1..20 with no gaps or duplicates
    from stories.workshops.selectors import workshop_waiting_position

    assert [workshop_waiting_position(registration=row) for row in waiting] == list(range(1, 21))
    # everyone who got a place registered before everyone who waits
    last_place = max(row.queued_at for row in rows if row.status == RegistrationStatus.REGISTERED)
    assert all(row.queued_at >= last_place for row in waiting)

    # ten cancel at once: exactly ten move up, in queue order
    leavers = [row.member for row in rows if row.status == RegistrationStatus.REGISTERED]
    barrier = threading.Barrier(len(leavers))

    def cancel(member):
        try:
            barrier.wait()
            workshop_cancel(workshop=workshop, member=member)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(member,)) for member in leavers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    registered = set(
        workshop.registrations.filter(status=RegistrationStatus.REGISTERED).values_list(
            "member_id", flat=True
        )
    )
    assert registered == {row.member_id for row in waiting[:10]}


# -- capacity changed by an editor


def _fill(workshop, names):
    members = [MemberFactory(display_name=name) for name in names]
    for member in members:
        workshop_register(workshop=workshop, member=member)
    return members


def _admin_form(workshop, **changes) -> dict:
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    local = workshop.local_starts_at
    data = {
        "title": workshop.title,
        "slug": workshop.slug,
        "summary": workshop.summary,
        "starts_at": local.strftime("%Y-%m-%d %H:%M"),
        "ends_at": workshop.local_ends_at.strftime("%Y-%m-%d %H:%M"),
        "time_zone": workshop.time_zone,
        "venue": workshop.venue,
        "address": workshop.address,
        "online_url": "",
        "capacity": workshop.capacity,
        "agenda": rich_text(workshop.agenda),
        "prompts": "\n".join(workshop.prompts),
        **changes,
    }
    return nested_form_data(data)


def test_raising_capacity_in_the_admin_moves_the_queue_up_in_order_and_mails_them(
    client, workshop, mailoutbox, django_capture_on_commit_callbacks
):
    ada, ben, cy, dee, eve = _fill(workshop, ("Ada", "Ben", "Cy", "Dee", "Eve"))
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/pages/{workshop.pk}/edit/",
            {**_admin_form(workshop, capacity=4), "action-publish": "1"},
        )

    assert response.status_code == 302, response.context["form"].errors
    workshop.refresh_from_db()
    assert workshop.capacity == 4
    assert statuses(workshop) == {
        "Ada": "registered",
        "Ben": "registered",
        "Cy": "registered",
        "Dee": "registered",
        "Eve": "waiting",
    }
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [cy.contact_email, dee.contact_email]
    )
    assert all(workshop.title in message.subject for message in mailoutbox)
    assert all("A place opened up and it is yours" in message.body for message in mailoutbox)
    assert workshop_register(workshop=workshop, member=eve).position == 1


def test_publishing_a_revision_with_more_places_promotes_the_first_waiting(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    ada, ben, cy, dee = _fill(workshop, ("Ada", "Ben", "Cy", "Dee"))
    workshop.capacity = 3

    with django_capture_on_commit_callbacks(execute=True):
        workshop.save_revision().publish()

    assert statuses(workshop)["Cy"] == "registered"
    assert statuses(workshop)["Dee"] == "waiting"
    assert [message.to for message in mailoutbox] == [[cy.contact_email]]


def test_lowering_capacity_removes_nobody_and_mails_nobody(
    workshop, mailoutbox, django_capture_on_commit_callbacks
):
    _fill(workshop, ("Ada", "Ben", "Cy"))
    workshop.capacity = 1

    with django_capture_on_commit_callbacks(execute=True):
        workshop.save_revision().publish()

    assert statuses(workshop) == {"Ada": "registered", "Ben": "registered", "Cy": "waiting"}
    assert mailoutbox == []
    # a cancellation frees no place while the workshop is still over its new capacity
    with django_capture_on_commit_callbacks(execute=True):
        outcome = workshop_cancel(
            workshop=workshop,
            member=WorkshopRegistration.objects.get(member__display_name="Ada").member,
        )
    assert outcome.promoted == []
    assert statuses(workshop)["Cy"] == "waiting"
    assert mailoutbox == []


def test_a_started_workshop_moves_nobody_up_when_saved(
    home_page, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = workshop_tree(home_page, capacity=1)
    _fill(workshop, ("Ada", "Ben"))
    WorkshopPage.objects.filter(pk=workshop.pk).update(starts_at=days_from_now(-1))
    workshop.refresh_from_db()
    workshop.capacity = 5

    with django_capture_on_commit_callbacks(execute=True):
        workshop.save()

    assert statuses(workshop) == {"Ada": "registered", "Ben": "waiting"}
    assert mailoutbox == []
