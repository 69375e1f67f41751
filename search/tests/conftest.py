"""Fixtures for the search app's tests: a tiny registered kind and an indexed corpus."""

from pathlib import Path

import pytest

from search.documents import SearchDocument
from search.registry import register_kind, unregister_kind
from tests.search_contract.osmem import osmem_search_url, search_osmem  # noqa: F401 (fixtures)

TEST_KIND = "testpage"


def standard_page_to_document(page) -> SearchDocument | None:
    """A document for a live StandardPage; None for drafts (so they leave the index)."""
    if not page.live:
        return None
    return SearchDocument(
        id=f"{TEST_KIND}:{page.pk}",
        kind=TEST_KIND,
        url=page.url_path,
        title=page.title,
        summary=page.intro,
    )


@pytest.fixture
def test_kind(db):
    """`portal.StandardPage` registered as the kind "testpage" for the length of a test."""
    from portal.models import StandardPage

    registration = register_kind(
        TEST_KIND,
        model=StandardPage,
        label="Test page",
        label_plural="Test pages",
        to_document=standard_page_to_document,
        queryset=lambda: StandardPage.objects.all(),
    )
    yield registration
    unregister_kind(TEST_KIND)


@pytest.fixture
def make_page(db):
    """Create a StandardPage under the tree's root."""
    from wagtail.models import Page

    from portal.models import StandardPage

    def make(title: str = "Kokeilu pilot", **fields):
        root = Page.get_first_root_node()
        return root.add_child(instance=StandardPage(title=title, **fields))

    return make


@pytest.fixture
def database_engine(db):
    from search.engines.database import DatabaseEngine

    engine = DatabaseEngine()
    engine.clear()
    return engine


@pytest.fixture
def indexed(database_engine):
    """The contract documents, indexed in the database engine."""
    from tests.search_contract.documents import CONTRACT_DOCUMENTS

    database_engine.rebuild(CONTRACT_DOCUMENTS)
    return database_engine


@pytest.fixture
def stand_in_templates(settings):
    """Render the search page with a stand-in template, so that these tests check the view's
    context and not the design (templates/ has its own tests)."""
    stand_in = Path(__file__).parent / "templates"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [stand_in, *settings.TEMPLATES[0]["DIRS"]]}
    ]
