"""A new site's search synonyms: the groups of search/synonyms_seed.txt, written when the table
is empty (groups already there are kept as they are). The file is read as it is when the
migration runs; after that, the editors keep the groups (search/synonyms.py)."""

from django.db import migrations


def seed_synonyms(apps, schema_editor):
    from search.synonyms import seed_groups

    SynonymGroup = apps.get_model("search", "SynonymGroup")
    groups = SynonymGroup.objects.using(schema_editor.connection.alias)
    if not groups.exists():
        groups.bulk_create(SynonymGroup(terms=group.terms()) for group in seed_groups())


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0008_synonym_group"),
    ]

    operations = [
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
    ]
