"""Editors link a story to cases and tools with page choosers, in the order they choose; the
page, the search document and the reverse relations follow; links and revisions saved before
the links became ordered keep working."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from cases.factories import CaseIndexPageFactory, CasePageFactory
from cases.models import CasePage
from network.factories import UserFactory
from stories.factories import StoryIndexPageFactory, StoryPageFactory
from stories.models import StoryCase, StoryPage, StoryTool
from stories.search import story_queryset, story_to_document
from stories.selectors import story_links
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory
from toolkit.models import ResourcePage

BEFORE = ("stories", "0002_story_reviewers_help")
AFTER = ("stories", "0003_story_ordered_links")


@pytest.fixture
def pages(home):
    cases_index = CaseIndexPageFactory(parent=home)
    tools_index = ToolkitIndexPageFactory(parent=home)
    return {
        "clinic": CasePageFactory(parent=cases_index, title="Clinic queues"),
        "schools": CasePageFactory(parent=cases_index, title="School meals"),
        "map": ResourcePageFactory(parent=tools_index, title="Journey map"),
        "canvas": ResourcePageFactory(parent=tools_index, title="Experiment canvas"),
    }


@pytest.fixture
def editor(db):
    return UserFactory(username="eeva", is_staff=True, is_superuser=True)


def _edit_form(story: StoryPage, *, cases: list, tools: list, **extra) -> dict:
    return nested_form_data(
        {
            "title": story.title,
            "slug": story.slug,
            "kind": story.kind,
            "summary": story.summary,
            "author": story.author_id or "",  # the author's consent stands while they stay
            "disclosure": story.disclosure,
            "disclosure_consent": "on",
            "currency": "EUR",
            "what_we_tried": rich_text(story.what_we_tried),
            "what_happened": rich_text(story.what_happened),
            "why": rich_text(""),
            "what_we_learned": rich_text(""),
            "do_differently": rich_text(""),
            "body": streamfield([]),
            "case_links": inline_formset([{"case": page.pk} for page in cases]),
            "tool_links": inline_formset([{"tool": page.pk} for page in tools]),
            "action-publish": "1",
            **extra,
        }
    )


@pytest.mark.django_db
def test_the_choosers_offer_only_case_pages_and_toolkit_resources(client, index, editor):
    story = StoryPageFactory(parent=index)
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="case_links-TOTAL_FORMS"' in html
    assert 'name="tool_links-TOTAL_FORMS"' in html
    assert 'name="cases"' not in html and 'name="tools"' not in html
    form = response.context["form"]
    case_widget = form.formsets["case_links"].empty_form.fields["case"].widget
    tool_widget = form.formsets["tool_links"].empty_form.fields["tool"].widget
    assert isinstance(case_widget, AdminPageChooser)
    assert list(case_widget.target_models) == [CasePage]
    assert list(tool_widget.target_models) == [ResourcePage]


@pytest.mark.django_db
def test_editor_links_two_cases_and_a_tool_in_the_order_chosen(client, index, editor, pages, drain):
    story = StoryPageFactory(parent=index, title="Late invitations")
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]),
        _edit_form(story, cases=[pages["schools"], pages["clinic"]], tools=[pages["map"]]),
    )

    assert response.status_code == 302, response.context["form"].errors
    story = StoryPage.objects.get(pk=story.pk)
    assert [link.case for link in story.case_links.all()] == [pages["schools"], pages["clinic"]]
    assert list(story.tools.all()) == [pages["map"]]
    # the page lists them in the editor's order (not alphabetically)
    html = client.get(story.url).content.decode()
    assert html.index("School meals") < html.index("Clinic queues")
    assert f'href="{pages["map"].url}"' in html
    # the search document links them
    document = story_to_document(story_queryset().get(pk=story.pk))
    assert document.related == (
        f"case:{pages['schools'].pk}",
        f"case:{pages['clinic'].pk}",
        f"tool:{pages['map'].pk}",
    )
    # the cases and tools know their stories
    assert list(pages["clinic"].stories.all()) == [story]
    assert list(pages["map"].stories.all()) == [story]
    assert list(CasePage.objects.filter(stories=story).order_by("title")) == [
        pages["clinic"],
        pages["schools"],
    ]


@pytest.mark.django_db
def test_editor_reorders_and_removes_links(client, index, editor, pages):
    story = StoryPageFactory(
        parent=index, cases=[pages["clinic"], pages["schools"]], tools=[pages["map"]]
    )
    client.force_login(editor)
    links = list(story.case_links.all())
    data = _edit_form(story, cases=[], tools=[])
    data.update(
        {
            "case_links-TOTAL_FORMS": "2",
            "case_links-INITIAL_FORMS": "2",
            "case_links-0-id": str(links[0].pk),
            "case_links-0-case": str(pages["clinic"].pk),
            "case_links-0-ORDER": "2",
            "case_links-0-DELETE": "",
            "case_links-1-id": str(links[1].pk),
            "case_links-1-case": str(pages["schools"].pk),
            "case_links-1-ORDER": "1",
            "case_links-1-DELETE": "",
            "tool_links-TOTAL_FORMS": "1",
            "tool_links-INITIAL_FORMS": "1",
            "tool_links-0-id": str(story.tool_links.get().pk),
            "tool_links-0-tool": str(pages["map"].pk),
            "tool_links-0-ORDER": "1",
            "tool_links-0-DELETE": "1",
        }
    )

    response = client.post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    links = story_links(page=StoryPage.objects.get(pk=story.pk))
    assert links["cases"] == [pages["schools"], pages["clinic"]]
    assert links["tools"] == []


@pytest.mark.django_db
def test_the_same_case_twice_is_refused_with_a_message(client, index, editor, pages):
    story = StoryPageFactory(parent=index)
    client.force_login(editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]),
        _edit_form(story, cases=[pages["clinic"], pages["clinic"]], tools=[]),
    )

    assert response.status_code == 200
    assert "duplicate" in str(response.context["form"].formsets["case_links"].non_form_errors())
    assert not StoryCase.objects.filter(story=story).exists()


@pytest.mark.django_db
def test_story_page_hides_unpublished_linked_cases(client, index, pages):
    pages["clinic"].unpublish()
    story = StoryPageFactory(parent=index, cases=[pages["clinic"], pages["schools"]])

    html = client.get(story.url).content.decode()

    assert "School meals" in html
    assert "Clinic queues" not in html


@pytest.mark.django_db
def test_a_revision_saved_before_ordered_links_opens_and_compares(client, index, editor, pages):
    story = StoryPageFactory(parent=index, cases=[pages["schools"]])
    old = story.save_revision(user=editor)
    # what a revision held when the links were many-to-many fields
    content = dict(old.content)
    content.pop("case_links")
    content.pop("tool_links")
    content["cases"] = [pages["clinic"].pk]
    content["tools"] = [pages["map"].pk, pages["canvas"].pk]
    Revision.objects.filter(pk=old.pk).update(content=content)
    new = story.save_revision(user=editor)
    client.force_login(editor)

    as_object = Revision.objects.get(pk=old.pk).as_object()
    view = client.get(reverse("wagtailadmin_pages:revisions_view", args=[story.pk, old.pk]))
    compare = client.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[story.pk, old.pk, new.pk])
    )
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))

    assert [link.case for link in as_object.case_links.all()] == [pages["clinic"]]
    assert [link.tool for link in as_object.tool_links.all()] == [pages["map"], pages["canvas"]]
    assert view.status_code == 200
    assert "Clinic queues" in view.content.decode()
    assert compare.status_code == 200
    compared = compare.content.decode()
    assert "Clinic queues" in compared and "School meals" in compared
    assert edit.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_migration_copies_the_old_links_in_the_order_they_were_added(home):
    cases_index = CaseIndexPageFactory(parent=home)
    tools_index = ToolkitIndexPageFactory(parent=home)
    clinic = CasePageFactory(parent=cases_index, title="Clinic queues")
    schools = CasePageFactory(parent=cases_index, title="School meals")
    journey = ResourcePageFactory(parent=tools_index, title="Journey map")
    index = StoryIndexPageFactory(parent=home)
    first = StoryPageFactory(parent=index, cases=[schools, clinic], tools=[journey])
    second = StoryPageFactory(parent=index, cases=[clinic])
    executor = MigrationExecutor(connection)
    try:
        # back to the many-to-many fields: the links go back to their tables...
        executor.migrate([BEFORE])
        old_apps = executor.loader.project_state([BEFORE]).apps
        old_cases = old_apps.get_model("stories", "StoryPage").cases.through
        old_tools = old_apps.get_model("stories", "StoryPage").tools.through
        assert sorted(old_cases.objects.values_list("storypage_id", "casepage_id")) == sorted(
            [(first.pk, schools.pk), (first.pk, clinic.pk), (second.pk, clinic.pk)]
        )
        assert list(old_tools.objects.values_list("storypage_id", "resourcepage_id")) == [
            (first.pk, journey.pk)
        ]
        # ... where the order is the order of the rows: add "clinic" to `second` before
        # "schools", the reverse of the alphabet
        old_cases.objects.create(storypage_id=second.pk, casepage_id=schools.pk)

        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    assert [link.case_id for link in StoryCase.objects.filter(story=second)] == [
        clinic.pk,
        schools.pk,
    ]
    assert [link.case_id for link in StoryCase.objects.filter(story=first)] == [
        schools.pk,
        clinic.pk,
    ]
    assert [link.tool_id for link in StoryTool.objects.filter(story=first)] == [journey.pk]
    assert [page.pk for page in clinic.stories.order_by("pk")] == [first.pk, second.pk]
