import pytest

from search.outbox import outbox_drain


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
