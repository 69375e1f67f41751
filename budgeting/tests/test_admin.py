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
