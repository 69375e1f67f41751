# Placeholder owned by the stories helper: its model changes go here until integration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]
    operations = []
