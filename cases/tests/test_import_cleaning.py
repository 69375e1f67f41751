"""The import cleans the sources' boilerplate and dead links out of case texts (issue 17)."""

import re
from io import StringIO

from django.core.management import call_command

from wagtail.rich_text import RichText

import pytest

from cases.demo import load_cases
from cases.factories import CasePageFactory
from cases.import_cleaning import is_boilerplate, sentences
from cases.importing import cases_import
from cases.models import CasePage

pytestmark = pytest.mark.django_db

NOTE = (
    "Note 1: Another version of this case study can be found below as a file attachment with "
    'the prefix "VD". This alternate version was originally submitted to Vitalizing Democracy '
    "as a contestant for the 2011 Reinhard Mohn Prize."
)
FIRST_PARAGRAPH = (
    "In Tower Hamlets, a participatory budgeting project known as “You Decide!” was carried out "
    "across the whole borough, with £2.38 million a year for two years."
)
# Red links, paths of the source's own site and footnote anchors without their notes.
DEAD_LINKS = re.compile(
    r'href="(?:/|#|[^"]*redlink=1|[^"]*action=edit|https?://(?:www\.)?participedia\.net/wiki/)'
)


def _record(**fields) -> dict:
    record = {
        "source_id": "participedia:1",
        "title": "Participatory Budgeting (Tower Hamlets)",
        "summary": NOTE,
        "source_url": "https://participedia.net/case/1",
        "raw": {},
        "sections": {
            "body": f"<p><em>{NOTE}</em></p><h2>History</h2><p>{FIRST_PARAGRAPH}</p>"
            '<p>The <a class="new" href="/w/index.php?title=Canada&amp;action=edit&amp;'
            'redlink=1" title="Canada (page does not exist)">Canadian</a> model, '
            '<a href="/wiki/Direct_Democracy">direct democracy</a>, a footnote'
            '<a href="#cite_note-1">[1]</a> and <a href="https://example.org/pb">a live '
            "link</a>.</p>"
        },
    }
    record.update(fields)
    return record


def test_a_summary_that_is_only_an_editors_note_comes_from_the_first_real_paragraph(index):
    report = cases_import(
        index=index, sources=["participedia"], records={"participedia": [_record()]}
    )

    case = CasePage.objects.get()
    assert case.summary == FIRST_PARAGRAPH
    assert report.derived_summaries == 1


def test_boilerplate_sentences_go_and_the_rest_of_the_summary_stays(index):
    record = _record(summary=f"{NOTE} The borough let residents decide on £2.38 million.")

    cases_import(index=index, sources=["participedia"], records={"participedia": [record]})

    assert CasePage.objects.get().summary == "The borough let residents decide on £2.38 million."


def test_the_body_loses_editors_notes_and_dead_links_but_keeps_their_text(index):
    cases_import(index=index, sources=["participedia"], records={"participedia": [_record()]})

    body = str(CasePage.objects.get().body.raw_data)
    assert "Another version of this case study" not in body
    assert "Vitalizing Democracy" not in body
    assert FIRST_PARAGRAPH in body
    assert not DEAD_LINKS.search(body)
    for text in ("Canadian", "direct democracy", "[1]"):
        assert text in body
    assert '<a href="https://example.org/pb">a live link</a>' in body


def test_the_import_report_says_how_much_was_cleaned(index):
    report = cases_import(
        index=index, sources=["participedia"], records={"participedia": [_record()]}
    )

    assert report.cleaning.dead_links == 3
    assert report.cleaning.boilerplate_sentences == 4  # two in the summary, two in the body
    assert (
        "  cleaned 1 cases: 4 source boilerplate sentences dropped, 3 dead links unwrapped, "
        "1 summaries taken from the first paragraph instead" in list(report.lines())
    )


def test_a_note_that_informs_is_kept(index):
    text = "Note that the jurors were chosen for this enquiry only, by lot from the register."
    record = _record(summary=text, sections={"body": f"<p>{text}</p>"})

    cases_import(index=index, sources=["participedia"], records={"participedia": [record]})

    case = CasePage.objects.get()
    assert case.summary == text
    assert text in str(case.body.raw_data)


def test_the_demo_imports_without_participedia_boilerplate_or_dead_links(home):
    out = StringIO()
    load_cases(home, stdout=out)

    cases = CasePage.objects.filter(source_name="Participedia")
    assert cases.count() > 800
    assert "source boilerplate sentences dropped" in out.getvalue()
    for case in cases.only("title", "summary"):
        assert case.summary, case.title
        assert not re.match(r"\s*note\b\s*\d*\s*:", case.summary, re.I), case.title
        assert not any(map(is_boilerplate, sentences(case.summary))), case.title
    for case in CasePage.objects.all():
        texts = [str(case.body.raw_data)] + [text for _name, _heading, text in case.narrative()]
        for text in texts:
            assert not DEAD_LINKS.search(text), case.title
            assert "Another version of this case study" not in text, case.title
            assert "Please help us complete it" not in text, case.title


def test_cases_imported_before_the_cleaning_are_cleaned_unless_an_editor_changed_them(index):
    dirty = {
        "summary": NOTE,
        "source_name": "Participedia",
        "body": [
            (
                "paragraph",
                RichText(
                    f"<p><i>{NOTE}</i></p><p>{FIRST_PARAGRAPH}</p>"
                    '<p><a href="/wiki/Direct_Democracy">direct democracy</a></p>'
                ),
            )
        ],
    }
    old = CasePageFactory(parent=index, source_id="participedia:1", **dirty)
    edited = CasePageFactory(parent=index, source_id="participedia:2", **dirty)
    edited.save_revision().publish()
    out = StringIO()

    call_command("import_cases", "--limit", "0", "--clean-existing", stdout=out)

    old.refresh_from_db()
    assert old.summary == FIRST_PARAGRAPH
    body = str(old.body.raw_data)
    assert "Another version" not in body and not DEAD_LINKS.search(body)
    assert "direct democracy" in body
    edited.refresh_from_db()
    assert edited.summary == NOTE
    assert "Cases imported earlier: 1 cleaned." in out.getvalue()
