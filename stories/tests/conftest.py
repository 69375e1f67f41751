from wagtail.models import Page, Site

import pytest

from network.factories import MemberFactory, UserFactory
from stories.factories import StoryIndexPageFactory


@pytest.fixture
def home(db):
    """A home page serving the default site, as the demo and production trees have."""
    from portal.models import HomePage

    root = Page.get_first_root_node()
    home = HomePage(title="Kokeilu", slug="kokeilu-home")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
    )
    return home


@pytest.fixture
def index(home):
    return StoryIndexPageFactory(parent=home)


@pytest.fixture
def drain(db):
    """Send queued index changes to the engine now (tests do not run on-commit drains)."""
    from search.outbox import outbox_drain

    def run() -> None:
        while outbox_drain(force=True).entries:
            pass

    return run


@pytest.fixture
def member(db):
    return MemberFactory(user=UserFactory(username="reader"), display_name="Reader Rantanen")
