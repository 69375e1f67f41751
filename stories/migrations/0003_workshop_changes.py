# Placeholder owned by the workshops helper: its model changes go here until integration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stories", "0002_story_changes")]
    operations = []
