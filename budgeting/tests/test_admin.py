"""Editors manage processes as Wagtail snippets."""

from django.urls import reverse

from budgeting.factories import ProcessFactory, UserFactory


def test_editors_list_add_and_edit_processes_in_the_admin(client, db):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    process = ProcessFactory(title="Riverside budget")
    client.force_login(editor)

    listing = client.get(reverse("wagtailsnippets_budgeting_process:list"))
    assert listing.status_code == 200 and "Riverside budget" in listing.content.decode()
    add = client.get(reverse("wagtailsnippets_budgeting_process:add"))
    assert add.status_code == 200 and "Districts with their own budgets" in add.content.decode()
    edit = client.get(reverse("wagtailsnippets_budgeting_process:edit", args=[process.pk]))
    assert edit.status_code == 200 and "frozen when voting opens" in edit.content.decode()


def test_editors_find_implementations_by_process_and_status(
    client, db, django_assert_max_num_queries
):
    from budgeting.factories import process_in_implementation
    from budgeting.implementation.models import Implementation, ImplementationStatus

    organiser = UserFactory(username="organiser")
    first = process_in_implementation(organiser=organiser, slug="first")
    process_in_implementation(organiser=organiser, slug="second", voters=2)
    Implementation.objects.filter(project__process=first, project__title="Trees").update(
        status=ImplementationStatus.DONE
    )
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    url = reverse("wagtailsnippets_budgeting_implementation:list")
    client.get(url)  # the first request creates the admin's per-user rows
    with django_assert_max_num_queries(15):  # 11 measured: the columns are joined
        listing = client.get(url)
    page = listing.content.decode()
    assert listing.status_code == 200
    assert page.count("Skate park") >= 2 and "Planned" in page and "Committed" in page
    response = client.get(url, {"project__process": first.pk, "status": "done"})
    filtered = response.content.decode()
    assert "Trees" in filtered and "Skate park" not in filtered
    assert client.get(url + "?status=planned").status_code == 200
    # implementations come from the vote: the admin neither adds nor deletes them
    add = reverse("wagtailsnippets_budgeting_implementation:add")
    assert f'href="{add}"' not in page
    assert client.get(add).status_code in (302, 403)
    assert "Add implementation" not in client.get(url, follow=True).content.decode()
    trees = Implementation.objects.get(project__process=first, project__title="Trees")
    delete = reverse("wagtailsnippets_budgeting_implementation:delete", args=[trees.pk])
    assert client.post(delete).status_code in (302, 403)
    assert Implementation.objects.filter(pk=trees.pk).exists()


def test_the_implementation_listing_is_refused_to_members_who_are_not_staff(client, db):
    member = UserFactory(username="member")
    client.force_login(member)
    response = client.get(reverse("wagtailsnippets_budgeting_implementation:list"))
    assert response.status_code in (302, 403)
    assert "Skate park" not in response.content.decode()


def test_an_editor_corrects_status_and_team_but_not_the_bonus_or_the_champion(client, db):
    from budgeting.factories import process_in_implementation
    from budgeting.implementation.models import BonusOutcome, EventKind, Implementation

    organiser = UserFactory(username="organiser")
    funded = process_in_implementation(organiser=organiser)
    skate = Implementation.objects.get(project__process=funded, project__title="Skate park")
    servant = UserFactory(username="servant")
    intruder = UserFactory(username="intruder")
    champion = skate.champion
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    url = reverse("wagtailsnippets_budgeting_implementation:edit", args=[skate.pk])
    page = client.get(url).content.decode()
    assert "never edited here" in page and 'name="bonus_outcome"' not in page

    response = client.post(url, {"status": "stalled", "status_note": "", "civil_servants": []})
    assert response.status_code == 200  # shown again
    assert "Say why the project is stalled." in response.content.decode()
    response = client.post(
        url,
        {
            "status": "stalled",
            "status_note": "Waiting for the building permit",
            "civil_servants": [servant.pk],
            # a crafted request: none of these may change
            "bonus_outcome": BonusOutcome.RELEASED,
            "score": "1",
            "success": "true",
            "champion": intruder.pk,
        },
    )
    assert response.status_code == 302
    skate.refresh_from_db()
    assert skate.status == "stalled" and list(skate.civil_servants.all()) == [servant]
    assert skate.bonus_outcome == BonusOutcome.PENDING and skate.score is None
    assert skate.champion == champion
    event = skate.events.get(kind=EventKind.STATUS)
    assert (event.note, event.actor) == ("Waiting for the building permit", editor)
    # and the public timeline shows it
    assert (
        "Waiting for the building permit" in client.get(skate.get_absolute_url()).content.decode()
    )
