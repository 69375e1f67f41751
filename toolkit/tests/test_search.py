import pytest

from cases.factories import MethodFactory, StageFactory
from search.registry import kinds
from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory
from toolkit.models import ResourcePage
from toolkit.search import resource_to_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return ToolkitIndexPageFactory(parent=home)


def test_resource_becomes_a_tool_document(index):
    resource = ResourcePageFactory(
        parent=index,
        title="Stakeholder interviews",
        methods=[MethodFactory(key="user-research", name="User research")],
        stages=[StageFactory(key="identifying-problems", name="Identifying problems")],
    )

    doc = resource_to_document(resource)

    assert doc.id == f"tool:{resource.pk}"
    assert doc.kind == "tool"
    assert doc.url == resource.url
    assert doc.title == "Stakeholder interviews"
    assert doc.body == "How to do it Step by step."
    assert doc.methods == ("user-research",)
    assert doc.stages == ("identifying-problems",)
    assert doc.formats == ("method",)


def test_draft_resource_has_no_document(index):
    assert resource_to_document(ResourcePageFactory(parent=index, live=False)) is None


def test_tool_kind_is_registered_with_the_index():
    assert kinds()["tool"].model is ResourcePage
