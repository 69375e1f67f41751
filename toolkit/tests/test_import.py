import gzip
import json

from django.core.management import call_command

import pytest

from toolkit.classification import resource_classify
from toolkit.demo import read_records
from toolkit.models import ResourcePage
from toolkit.services import resources_import

pytestmark = pytest.mark.django_db

GOOD = {
    "source": "18f",
    "source_id": "dot-voting",
    "title": "Dot voting",
    "slug": "dot-voting",
    "summary": "A quick way to prioritise.",
    "body_html": "<p>Vote.</p><script>alert(1)</script>",
    "publisher": "18F",
    "link": "https://methods.18f.gov/decide/dot-voting/",
    "source_values": {"category": "Decide"},
}


def write(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


def test_import_reports_a_bad_record_with_its_id_and_reason_and_imports_the_rest(
    home, tmp_path, capsys
):
    bad_link = {**GOOD, "source_id": "broken", "slug": "broken", "link": "not a link"}
    no_title = {**GOOD, "source_id": "untitled", "slug": "untitled", "title": ""}
    path = tmp_path / "resources.jsonl.gz"
    write(path, [bad_link, GOOD, no_title])

    call_command("import_resources", file=path)
    out, err = capsys.readouterr()

    assert "18f:broken: Enter a valid URL." in err
    assert "18f:untitled: missing title" in err
    assert "1 resources created, 0 already present, 2 skipped." in out
    page = ResourcePage.objects.get()
    assert page.title == "Dot voting"
    assert "script" not in str(page.body.raw_data)  # sanitised
    assert page.purposes == ["deciding-together"]  # the mapping's own entry for dot voting
    assert page.time_needed == "under-1-hour"

    call_command("import_resources", file=path)
    out, _ = capsys.readouterr()
    assert "0 resources created, 1 already present, 2 skipped." in out


def test_mapping_names_only_known_vocabulary_keys(home):
    from toolkit.factories import ToolkitIndexPageFactory

    index = ToolkitIndexPageFactory(parent=home)
    report = resources_import(index=index, records=list(read_records()))

    assert report.errors == []
    assert report.created >= 150
    sources = set(ResourcePage.objects.values_list("source_name", flat=True))
    assert sources == {"18F Methods", "Participedia", "UNDP Accelerator Labs, SDG Commons"}
    assert not ResourcePage.objects.filter(purposes=[]).exists()
    undp = ResourcePage.objects.get(slug="a_b-testing")
    assert undp.title == "A/B testing"
    assert undp.link.startswith("https://github.com/UNDP-Accelerator-Labs/")


def test_classification_adds_source_rules_and_lets_a_resource_entry_replace_them():
    record = {
        "source": "participedia",
        "source_id": "146",
        "source_values": {
            "method_types": ["deliberative"],
            "level_complexity": "high",
        },
    }

    classes = resource_classify(record)

    assert classes["methods"] == ["participatory-budgeting", "citizen-engagement-and-consultation"]
    assert classes["purposes"] == ["engaging-the-public", "deciding-together"]
    assert classes["skill_levels"] == ["advanced"]
    assert classes["time_needed"] == "weeks"
    assert classes["cost"] == "free"
