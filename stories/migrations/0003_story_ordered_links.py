"""Stories link cases and tools through ordered rows (`StoryCase`, `StoryTool`), which the
admin edits with page choosers. The rows of the old many-to-many tables are copied in the
order they were added (their ids), then the old fields give way to relations through the new
rows, under the same names."""

import django.db.models.deletion
from django.db import migrations, models

import modelcluster.fields

# (field of StoryPage, link model, foreign key of the link to the linked page)
LINKS = (("cases", "StoryCase", "case"), ("tools", "StoryTool", "tool"))


def links_copy(apps, schema_editor) -> None:
    """Each old many-to-many row becomes a link row; per story, sort_order follows the rows'
    ids (the order the links were added)."""
    story_model = apps.get_model("stories", "StoryPage")
    for field_name, link_name, fk in LINKS:
        field = story_model._meta.get_field(field_name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        link_model = apps.get_model("stories", link_name)
        rows = through.objects.order_by("storypage_id", "pk").values_list(
            "storypage_id", f"{target}_id"
        )
        links, story_id, order = [], None, 0
        for row_story_id, target_id in rows.iterator():
            order = order + 1 if row_story_id == story_id else 0
            story_id = row_story_id
            links.append(
                link_model(story_id=row_story_id, sort_order=order, **{f"{fk}_id": target_id})
            )
        link_model.objects.bulk_create(links, batch_size=500)


def links_copy_back(apps, schema_editor) -> None:
    """Undo: the link rows go back into the plain many-to-many tables."""
    story_model = apps.get_model("stories", "StoryPage")
    for field_name, link_name, fk in LINKS:
        field = story_model._meta.get_field(field_name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        link_model = apps.get_model("stories", link_name)
        rows = link_model.objects.order_by("story_id", "sort_order", "pk").values_list(
            "story_id", f"{fk}_id"
        )
        through.objects.bulk_create(
            [through(storypage_id=story_id, **{f"{target}_id": pk}) for story_id, pk in rows],
            batch_size=500,
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_body_process_block"),
        ("stories", "0002_story_reviewers_help"),
        ("toolkit", "0004_resourcebookmark"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoryCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="story_case_links",
                        to="cases.casepage",
                        verbose_name="case",
                    ),
                ),
                (
                    "story",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="case_links",
                        to="stories.storypage",
                    ),
                ),
            ],
            options={
                "verbose_name": "linked case",
                "verbose_name_plural": "linked cases",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="StoryTool",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                (
                    "story",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tool_links",
                        to="stories.storypage",
                    ),
                ),
                (
                    "tool",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="story_tool_links",
                        to="toolkit.resourcepage",
                        verbose_name="tool",
                    ),
                ),
            ],
            options={
                "verbose_name": "tool used",
                "verbose_name_plural": "tools used",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="storycase",
            constraint=models.UniqueConstraint(
                fields=("story", "case"), name="stories_storycase_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="storytool",
            constraint=models.UniqueConstraint(
                fields=("story", "tool"), name="stories_storytool_unique"
            ),
        ),
        migrations.RunPython(links_copy, links_copy_back),
        # a many-to-many field cannot gain a `through` in place: the old one goes, the new one
        # (no table of its own: it reads the link rows) takes its name
        migrations.RemoveField(model_name="storypage", name="cases"),
        migrations.RemoveField(model_name="storypage", name="tools"),
        migrations.AddField(
            model_name="storypage",
            name="cases",
            field=models.ManyToManyField(
                blank=True,
                related_name="stories",
                through="stories.StoryCase",
                to="cases.casepage",
                verbose_name="linked cases",
            ),
        ),
        migrations.AddField(
            model_name="storypage",
            name="tools",
            field=models.ManyToManyField(
                blank=True,
                related_name="stories",
                through="stories.StoryTool",
                to="toolkit.resourcepage",
                verbose_name="tools used",
            ),
        ),
    ]
