import pytest

from toolkit.demo import load_resources, read_records
from toolkit.models import ResourcePage, ToolkitIndexPage

pytestmark = pytest.mark.django_db


def test_loading_demo_resources_twice_creates_them_once(home):
    assert load_resources(home, limit=5) == 5
    assert load_resources(home, limit=5) == 0

    index = ToolkitIndexPage.objects.child_of(home).get()
    assert index.slug == "toolkit"
    assert ResourcePage.objects.child_of(index).live().count() == 5


def test_demo_resources_come_from_18f_participedia_and_undp():
    sources = {record["source"] for record in read_records()}
    records = list(read_records())

    assert sources == {"18f", "participedia", "undp"}
    assert len(records) >= 150


def test_demo_participedia_resources_keep_their_share_alike_licence(home):
    participedia = next(i for i, r in enumerate(read_records()) if r["source"] == "participedia")
    load_resources(home, limit=participedia + 1)

    first_18f = ResourcePage.objects.get(slug=next(read_records())["slug"])
    assert first_18f.source_name == "18F Methods"
    assert first_18f.licence.startswith("Public domain")
    method = ResourcePage.objects.filter(source_name="Participedia").get()
    assert method.licence == "CC BY-SA 4.0"
    assert method.source_url.startswith("https://participedia.net/method/")
