from io import StringIO
from itertools import islice

import pytest

from cases.demo import LICENCE, load_cases, read_records
from cases.models import CaseIndexPage, CasePage
from portal.models import Country, Theme

pytestmark = pytest.mark.django_db


def test_loading_demo_cases_twice_creates_them_once(home):
    out = StringIO()

    assert load_cases(home, limit=5, stdout=out) == 5
    assert load_cases(home, limit=5) == 0

    index = CaseIndexPage.objects.child_of(home).get()
    assert index.slug == "cases"
    assert CasePage.objects.child_of(index).live().count() == 5
    assert "5 created" in out.getvalue()


def test_demo_cases_keep_their_source_and_licence(home):
    load_cases(home, limit=2)

    for case in CasePage.objects.all():
        assert case.source_name == "Participedia"
        assert case.source_url.startswith("https://participedia.net/case/")
        assert case.licence == LICENCE
        assert case.summary
        assert case.body  # sanitised HTML became a rich text block


def test_demo_cases_get_known_vocabulary_keys_and_skip_unknown_ones(home):
    records = list(islice(read_records(), 3))
    country_keys = {key for record in records for key in record["countries"]}
    for key in country_keys:
        Country.objects.get_or_create(key=key, defaults={"name": key.upper()})
    Theme.objects.all().delete()  # a vocabulary not seeded yet must not stop the load

    assert load_cases(home, limit=3) == 3

    loaded = {
        key
        for case in CasePage.objects.all()
        for key in case.countries.values_list("key", flat=True)
    }
    assert loaded == country_keys
    assert not CasePage.objects.filter(themes__isnull=False).exists()


def test_demo_case_bodies_hold_no_unsafe_markup(home):
    load_cases(home, limit=5)

    for case in CasePage.objects.all():
        html = str(case.body.raw_data)
        assert "<script" not in html
        assert "style=" not in html
        assert "onclick" not in html.lower()
