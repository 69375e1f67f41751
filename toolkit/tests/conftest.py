from wagtail.models import Page, Site

import pytest

from portal.models import HomePage
from search.outbox import outbox_drain


@pytest.fixture
def home(db) -> HomePage:
    """A home page serving the default site, as the demo and production trees have."""
    root = Page.get_first_root_node()
    home = HomePage(title="Kokeilu", slug="kokeilu-home")
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80}
    )
    return home


@pytest.fixture
def index(home):
    from toolkit.factories import ToolkitIndexPageFactory

    return ToolkitIndexPageFactory(parent=home)


@pytest.fixture
def drain():
    """drain(): send every queued change to the knowledge index, as the task would."""

    def run() -> None:
        while outbox_drain().completed:
            pass

    return run
