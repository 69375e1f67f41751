"""Importing real cases: untrusted HTML, explicit vocabulary mapping, failures reported."""

from io import StringIO

from django.core.management import call_command

from wagtail.models import Page

import pytest

from cases.importing import cases_import, outcome_classify, records_read
from cases.models import CasePage
from portal.models import Country

pytestmark = pytest.mark.django_db


def _record(number: int, **fields) -> dict:
    record = {
        "source_id": f"participedia:{number}",
        "title": f"Imported case {number}",
        "summary": "A case from a dataset.",
        "source_url": f"https://participedia.net/case/{number}",
        "year_launched": 2015,
        "raw": {"countries": ["Finland"], "themes": ["health"], "status": "ongoing"},
        "sections": {"problem": "<p>The problem.</p>"},
    }
    record.update(fields)
    return record


def test_a_bad_record_is_reported_with_its_id_and_the_rest_import(index):
    records = [
        _record(1),
        _record(2, source_url="javascript:alert(1)"),
        _record(3, title="   "),
        _record(4),
    ]

    report = cases_import(index=index, sources=["participedia"], records={"participedia": records})

    assert report.created == 2
    assert sorted(CasePage.objects.values_list("source_id", flat=True)) == [
        "participedia:1",
        "participedia:4",
    ]
    failed = dict(report.failed)
    assert "is not an http(s) address" in failed["participedia:2"]
    assert "no title" in failed["participedia:3"]
    assert any("participedia:2" in line for line in report.lines())


def test_imported_html_is_sanitised(index):
    record = _record(
        1,
        sections={
            "problem": '<p onclick="steal()">Water <script>alert(1)</script>'
            '<a href="javascript:alert(2)">link</a><img src=x onerror=boom></p>',
            "body": "<h1>Background</h1><p style='color:red'>Text<iframe src=//evil></iframe></p>",
        },
        summary="<b>Bold</b> summary",
    )

    cases_import(index=index, sources=["participedia"], records={"participedia": [record]})

    case = CasePage.objects.get()
    assert case.problem == "<p>Water link</p>"
    body = str(case.body.raw_data)
    for unsafe in ("<script", "onclick", "onerror", "style=", "iframe", "javascript:", "<h1"):
        assert unsafe not in case.problem + body
    assert "<h2>Background</h2>" in body
    assert case.summary == "Bold summary"


def test_vocabulary_values_are_mapped_and_unknown_ones_reported(index):
    record = _record(
        1,
        raw={
            "countries": ["Finland", "Belgique", "Atlantis"],
            "themes": ["health", "other", "underwater basket weaving"],
            "sdgs": ["3. Good health and well-being"],
            "government_levels": ["city/town"],
            "status": "ended",
        },
    )

    report = cases_import(index=index, sources=["participedia"], records={"participedia": [record]})

    case = CasePage.objects.get()
    assert sorted(case.countries.values_list("key", flat=True)) == ["be", "fi"]
    assert list(case.themes.values_list("key", flat=True)) == ["health"]  # "other": reviewed
    assert list(case.sdgs.values_list("key", flat=True)) == ["sdg-3"]
    assert list(case.government_levels.values_list("key", flat=True)) == ["local-government"]
    assert case.status == "completed"
    assert report.unmapped == {
        ("countries", "Atlantis"): 1,
        ("themes", "underwater basket weaving"): 1,
    }


def test_import_is_idempotent_and_keeps_the_page_tree_valid(index):
    records = [_record(number) for number in range(5)]

    first = cases_import(index=index, sources=["participedia"], records={"participedia": records})
    second = cases_import(
        index=index, sources=["participedia"], records={"participedia": records + [_record(9)]}
    )

    assert (first.created, second.created, second.existing) == (5, 1, 5)
    assert CasePage.objects.child_of(index).live().count() == 6
    assert Page.find_problems() == ([], [], [], [], [])
    index.refresh_from_db()
    assert index.numchild == 6
    # pages added in bulk behave like pages added one by one
    case = CasePage.objects.get(source_id="participedia:9")
    assert case.url == f"/en/cases/{case.slug}/"
    assert case.get_parent().pk == index.pk


def test_experiment_records_get_an_experiment_card(index):
    record = _record(
        1,
        source_id="undp-acclabs:reminders",
        experiment={
            "learning_question": "Do reminders work?",
            "hypothesis": "If we remind, then more answer.",
            "control_group": ["Yes, a different group entirely"],
            "assignment": "Random assignment",
            "sample_size": "100-999",
            "hypothesis_result": "The hypothesis was disproven: no difference.",
            "criteria": [{"indicator": "Answer rate", "result": "Not proven, rates equal."}],
        },
    )

    cases_import(index=index, sources=["undp"], records={"undp": [record]})

    case = CasePage.objects.get()
    assert case.is_experiment
    assert case.control_group == "different-group"
    assert case.assignment == "random"
    assert case.hypothesis_outcome == "not-met"
    assert case.criteria.get().outcome == "not-met"
    assert case.source_name.startswith("UNDP")


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("Proven", "met"),
        ("Yes it was proven.", "met"),
        ("Partially proven.", "partly-met"),
        ("Disproven - update was limited.", "not-met"),
        ("The original hypothesis was rejected.", "not-met"),
        ("No se comprobó la hipótesis", "not-met"),
        ("We learned many things about youth.", "inconclusive"),
        ("", ""),
    ],
)
def test_hypothesis_answers_become_verdicts(text, outcome):
    assert outcome_classify(text) == outcome


def test_the_project_copies_hold_over_a_thousand_attributed_cases():
    participedia = list(records_read("participedia"))
    undp = list(records_read("undp"))

    assert len(participedia) + len(undp) >= 1000
    assert all(r["source_url"].startswith("https://") for r in participedia + undp)
    assert len({r["source_id"] for r in participedia + undp}) == len(participedia + undp)


def test_import_command_reports_and_is_idempotent(index):
    Country.objects.get_or_create(key="fi", defaults={"name": "Finland"})
    out = StringIO()

    call_command("import_cases", "--source", "undp", "--limit", "3", stdout=out)
    call_command("import_cases", "--source", "undp", "--limit", "3", stdout=out)

    assert CasePage.objects.filter(is_experiment=True).count() == 3
    assert "3 created" in out.getvalue()
    assert "0 created, 3 already imported" in out.getvalue()
