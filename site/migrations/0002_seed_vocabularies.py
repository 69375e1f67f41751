"""Seed the shared vocabularies from site/vocabularies/*.json.

Only missing keys are created, so running it on a database that already has terms (or re-running
`manage.py seed_vocabularies`) keeps what editors changed. Reversing leaves the terms in place:
content may already be tagged with them.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from portal.vocabularies import seed_vocabularies

    seed_vocabularies(get_model=apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
    ]
