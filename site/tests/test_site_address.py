"""Full URLs name the site as people reach it: after `migrate`, Wagtail's placeholder site
(localhost, port 80) takes the configured address, `WAGTAILADMIN_BASE_URL`, so a shared story's
`og:url` is the real one; a site that an operator has set in the admin is left alone."""

import re

from django.core.management import call_command

from wagtail.models import Site

import pytest

from stories.factories import StoryIndexPageFactory, StoryPageFactory


def _og_url(client, page) -> str:
    html = client.get(page.url).content.decode()
    return re.search(r'<meta property="og:url" content="([^"]*)"', html).group(1)


@pytest.fixture
def story(home):
    return StoryPageFactory(parent=StoryIndexPageFactory(parent=home), title="Open benches")


def test_after_migrate_a_shared_story_names_the_configured_address(client, settings, story):
    settings.WAGTAILADMIN_BASE_URL = "https://kokeilu.example.org"
    assert _og_url(client, story).startswith("http://localhost/")

    call_command("migrate", verbosity=0)

    assert _og_url(client, story) == f"https://kokeilu.example.org{story.url}"


def test_a_port_in_the_address_is_kept(client, settings, story):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

    call_command("migrate", verbosity=0)

    assert _og_url(client, story) == f"http://127.0.0.1:8000{story.url}"


def test_a_site_the_operator_set_in_the_admin_is_left_alone(client, settings, story):
    Site.objects.filter(is_default_site=True).update(hostname="kokeilu.fi", port=443)
    settings.WAGTAILADMIN_BASE_URL = "https://kokeilu.example.org"

    call_command("migrate", verbosity=0)

    assert _og_url(client, story) == f"https://kokeilu.fi{story.url}"
