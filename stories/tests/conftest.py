import pytest

from network.factories import MemberFactory, UserFactory
from stories.factories import StoryIndexPageFactory


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
