import datetime

from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

import pytest

from cases.factories import (
    CasePageFactory,
    CountryFactory,
    MethodFactory,
    ThemeFactory,
)
from cases.models import CasePage
from cases.search import case_queryset, case_to_document
from search.registry import kinds

pytestmark = pytest.mark.django_db


def test_case_becomes_a_document_with_plain_text_and_facet_keys(index):
    case = CasePageFactory(
        parent=index,
        title="Helsinki participatory budget",
        summary="OmaStadi: residents propose and vote.",
        body=[
            ("heading", {"text": "What we tried", "level": "h2"}),
            ("paragraph", RichText("<p>Residents <b>proposed</b> &amp; voted.</p>")),
        ],
        year_launched=2018,
        countries=[CountryFactory(key="fi", name="Finland")],
        themes=[ThemeFactory(key="economic-affairs", name="Economic affairs")],
        methods=[
            MethodFactory(key="participatory-budgeting", name="Participatory budgeting"),
            MethodFactory(key="co-creation", name="Co-creation"),
        ],
        first_published_at=datetime.datetime(2024, 5, 6, 12, tzinfo=datetime.UTC),
    )

    doc = case_to_document(case)

    assert doc.id == f"case:{case.pk}"
    assert doc.kind == "case"
    assert doc.url == case.url
    assert doc.title == "Helsinki participatory budget"
    assert doc.summary == "OmaStadi: residents propose and vote."
    assert doc.body == "What we tried Residents proposed & voted."
    assert doc.countries == ("fi",)
    assert doc.themes == ("economic-affairs",)
    assert doc.methods == ("co-creation", "participatory-budgeting")
    assert doc.stages == ()
    assert doc.year == 2018
    assert doc.date == datetime.date(2024, 5, 6)


def test_case_without_publication_date_is_dated_by_its_launch_year(index):
    case = CasePageFactory(parent=index, year_launched=2015, first_published_at=None)

    assert case_to_document(case).date == datetime.date(2015, 1, 1)


def test_draft_case_has_no_document(index):
    draft = CasePageFactory(parent=index, live=False)

    assert case_to_document(draft) is None


def test_restricted_case_has_no_document(index):
    case = CasePageFactory(parent=index)
    PageViewRestriction.objects.create(page=case, restriction_type="login")

    assert case_to_document(case) is None
    assert not case_queryset().filter(pk=case.pk).exists()


def test_case_kind_is_registered_with_the_index():
    registration = kinds()["case"]

    assert registration.model is CasePage
    assert registration.to_document is case_to_document


def test_rebuilding_case_documents_takes_constant_queries(index, django_assert_max_num_queries):
    countries = [CountryFactory(key="fi", name="Finland"), CountryFactory(key="se", name="Sweden")]
    for _ in range(10):
        CasePageFactory(parent=index, countries=countries)
    list(case_queryset()[:1])[0].get_url()  # warm the site root paths cache

    with django_assert_max_num_queries(16):
        docs = [case_to_document(case) for case in case_queryset()]

    assert len(docs) == 10
    assert all(doc.countries == ("fi", "se") for doc in docs)
