"""The content languages as Wagtail locales: Finnish, Swedish and English.

Wagtail's own first migration created the default language's locale; this adds the others from
`settings.LANGUAGES`, so a new database can hold pages in all three.
"""

from django.conf import settings
from django.db import migrations


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_text_limits_and_outgoing_mail"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
