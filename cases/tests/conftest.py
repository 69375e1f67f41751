import pytest

from cases.factories import CaseIndexPageFactory


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
