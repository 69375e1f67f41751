from wagtail.models import Page, Site

import pytest

from cases.factories import CaseIndexPageFactory
from portal.models import HomePage


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
    return CaseIndexPageFactory(parent=home)


@pytest.fixture
def reindex(db):
    """Fill the knowledge index from the database (tests do not run the outbox's on-commit
    drain)."""
    from cases.search import case_queryset, case_to_document
    from search.engines import get_engine

    def run() -> int:
        documents = [doc for page in case_queryset() if (doc := case_to_document(page))]
        return get_engine().rebuild(documents)

    return run
