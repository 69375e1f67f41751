from io import StringIO

import pytest

from cases.demo import load_cases
from cases.models import CaseIndexPage, CasePage

pytestmark = pytest.mark.django_db


def test_loading_demo_cases_twice_creates_them_once(home):
    out = StringIO()

    assert load_cases(home, limit=3, stdout=out) == 6  # three per source
    assert load_cases(home, limit=3) == 0

    index = CaseIndexPage.objects.child_of(home).get()
    assert index.slug == "cases"
    assert CasePage.objects.child_of(index).live().count() == 6
    assert "6 created" in out.getvalue()


def test_demo_cases_keep_their_source_and_licence(home):
    load_cases(home, limit=3)

    sources = set()
    for case in CasePage.objects.all():
        sources.add(case.source_name)
        assert case.source_url.startswith("https://")
        assert case.licence and case.licence_url
        assert case.title and case.source_id
    assert sources == {"Participedia", "UNDP Accelerator Labs (SDG Commons)"}
    participedia = CasePage.objects.filter(source_name="Participedia").first()
    assert participedia.licence == "CC BY-SA 4.0"


def test_demo_experiments_have_experiment_cards(home):
    load_cases(home, limit=5)

    experiments = CasePage.objects.filter(is_experiment=True)
    assert experiments.count() == 5
    assert all(case.hypothesis or case.learning_question for case in experiments)
