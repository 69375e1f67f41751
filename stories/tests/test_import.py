"""Importing the UNDP experimenter stories: reviewed mapping only, sanitised interviews, failures
reported with their id, nothing imported twice."""

import json
import re
from io import StringIO

from django.core.management import call_command

from wagtail.models import Locale, Page

import pytest

from portal.factories import CountryFactory
from stories.demo import story_index_ensure
from stories.importing import (
    MAPPING_FILE,
    SOURCE_ID_PREFIX,
    mapping_read,
    records_read,
    stories_import,
    story_summary,
)
from stories.models import StoryIndexPage, StoryPage
from stories.vocabularies import Disclosure, RootCause, StoryKind

pytestmark = pytest.mark.django_db

INTERVIEW = (
    "### [[0:00]] Tell me your name and your title and say I consent to this recording\\.\n\n"
    "My name is Aino Example, head of experimentation, and I consent to this recording\\.\n\n"
    "### [[0:12]] Could you tell me about an R&D activity you would like to share?\n\n"
    "We tested **free Wi\\-Fi** in a public park to bring more visitors\\.\n\n"
    "### [[2:40]] How are you?\n\nGood\\.\n\n"
    "### [[3:05]] What was the outcome of your R&D journey?\n\n"
    "Visitors did not come for the Internet, but they stayed longer in the park\\.\n\n"
    "### [[5:10]] What would you do differently if you had to start again?\n\n"
    "Ask the park's visitors what they wanted before installing anything at all\\.\n"
)


def _record(record_id: str, **fields) -> dict:
    record = {
        "id": record_id,
        "title": f'"Story {record_id}: Public Wi-Fi in the Park."',
        "summary": f"An experimenter tells what happened in {record_id}.",
        "country": "Finland",
        "tools": [],
        "tactics": [],
        "source_url": (
            "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons/blob/"
            f"6dc41cbfe529aef71c489c33bd0abab93291342d/pages/{record_id}.md"
        ),
        "interview": INTERVIEW,
    }
    record.update(fields)
    return record


def _mapping(**entries) -> dict:
    return {
        "stories": {
            record_id: {"country": "fi", "root_causes": [], "reason": "test", **entry}
            for record_id, entry in entries.items()
        }
    }


@pytest.fixture
def index(home_page):
    CountryFactory(key="fi", name="Finland")
    return story_index_ensure(home_page)


def test_each_kind_becomes_a_published_attributed_story(index):
    mapping = _mapping(
        Story_A={"kind": "success"},
        Story_B={"kind": "slip-up", "root_causes": ["assumption", "stakeholders"]},
        Story_C={"kind": "unfinished"},
    )
    records = [_record("Story_A"), _record("Story_B"), _record("Story_C")]

    report = stories_import(index=index, records=records, mapping=mapping)

    assert (report.created, report.failed, report.unmapped) == (3, [], [])
    stories = {story.source_id: story for story in StoryPage.objects.child_of(index)}
    assert {source_id: story.kind for source_id, story in stories.items()} == {
        "undp-story:Story_A": StoryKind.SUCCESS,
        "undp-story:Story_B": StoryKind.SLIP_UP,
        "undp-story:Story_C": StoryKind.UNFINISHED,
    }
    slip_up = stories["undp-story:Story_B"]
    assert slip_up.root_causes == [RootCause.ASSUMPTION, RootCause.STAKEHOLDERS]
    assert slip_up.title == "Story Story_B: Public Wi-Fi in the Park"
    assert slip_up.live and slip_up.live_revision_id is not None
    assert slip_up.get_parent().pk == index.pk
    assert slip_up.country.key == "fi"
    assert slip_up.disclosure == Disclosure.PUBLIC_NAMED
    assert slip_up.author is None and slip_up.shown_author is None
    assert slip_up.source_name == "UNDP Accelerator Labs"
    assert slip_up.source_url.endswith("/pages/Story_B.md")
    assert slip_up.licence == "MIT" and "LICENSE" in slip_up.licence_url
    assert slip_up.summary == "An experimenter tells what happened in Story_B."


def test_the_interview_is_split_by_its_questions_without_timestamps_or_small_talk(index):
    stories_import(
        index=index, records=[_record("Story_A")], mapping=_mapping(Story_A={"kind": "success"})
    )

    story = StoryPage.objects.get()
    assert "Aino Example" in story.what_we_tried
    assert "<b>free Wi-Fi</b>" in story.what_we_tried
    assert "<p><b>What was the outcome of your R&amp;D journey?</b></p>" in story.what_happened
    assert "stayed longer in the park" in story.what_happened
    assert "Ask the park's visitors" in story.do_differently
    everything = story.what_we_tried + story.what_happened + story.do_differently
    assert "[[" not in everything and "0:12" not in everything and "\\" not in everything
    assert "How are you?" not in everything


def test_timestamps_in_every_spelling_are_removed(index):
    interview = (
        "[[0:00]] Hello, my name is Aino and I lead the lab's experiments in the city\\.\n\n"
        "### [[0:01\\]\\]What was the outcome?\n\nThe first outcome was a map of who does what.\n\n"
        "### \\[12:58]] And the impact?\n\nThe impact was a new policy adopted by the council.\n\n"
        "### [[2:40 What were the results?\n\nThe results were shared with the ministry in May.\n\n"
        "**\\[\\[11:28]] Thank you very much for the time you gave to this long interview\\.**\n"
    )
    stories_import(
        index=index,
        records=[_record("Story_A", interview=interview)],
        mapping=_mapping(Story_A={"kind": "success"}),
    )

    text = "".join(
        StoryPage.objects.values_list("what_we_tried", "what_happened", "what_we_learned").get()
    )
    for leftover in ("[[", "]]", "0:01", "12:58", "2:40", "11:28", "\\"):
        assert leftover not in text
    assert "a new policy adopted by the council" in text


def test_interview_html_is_sanitised(index):
    interview = (
        "### [[0:01]] What was the outcome?\n\n"
        'It worked <script>alert(1)</script><img src=x onerror="steal()"> and '
        '[see the report](javascript:alert(2)) <b onclick="x()">really</b> well for everyone.\n'
    )
    stories_import(
        index=index,
        records=[_record("Story_A", interview=interview, summary="<b>Bold</b> summary")],
        mapping=_mapping(Story_A={"kind": "success"}),
    )

    story = StoryPage.objects.get()
    html = story.what_happened
    assert not re.search(r"<(script|img)\b", html)
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event handler on a real tag
    assert "javascript:" not in html
    assert "&lt;script&gt;" in html  # what looked like markup is shown as text
    assert "see the report" in story.what_happened
    assert story.summary == "Bold summary"


def test_a_bad_record_is_reported_with_its_id_and_the_rest_import(index):
    mapping = _mapping(
        Good={"kind": "success"},
        Evil_Url={"kind": "success"},
        Empty={"kind": "success"},
        Bad_Kind={"kind": "disaster"},
        Bad_Cause={"kind": "slip-up", "root_causes": ["the intern"]},
        Bad_Country={"kind": "success", "country": "atlantis"},
    )
    records = [
        _record("Good"),
        _record("Evil_Url", source_url="javascript:alert(1)"),
        _record("Empty", interview="   "),
        _record("Bad_Kind"),
        _record("Bad_Cause"),
        _record("Bad_Country"),
    ]

    report = stories_import(index=index, records=records, mapping=mapping)

    assert report.created == 1
    assert list(StoryPage.objects.values_list("source_id", flat=True)) == ["undp-story:Good"]
    failed = dict(report.failed)
    assert "is not a UNDP Accelerator Labs address" in failed["Evil_Url"]
    assert "no interview" in failed["Empty"]
    assert "unknown kind 'disaster'" in failed["Bad_Kind"]
    assert "unknown root causes" in failed["Bad_Cause"]
    assert "unknown country key 'atlantis'" in failed["Bad_Country"]
    lines = "\n".join(report.lines())
    assert "not imported: Evil_Url:" in lines and "5 could not be imported" in lines


def test_a_story_missing_from_the_mapping_is_reported_not_guessed(index):
    report = stories_import(
        index=index,
        records=[_record("Mapped"), _record("Forgotten")],
        mapping=_mapping(Mapped={"kind": "success"}),
    )

    assert report.created == 1
    assert report.unmapped == ["Forgotten"]
    assert not StoryPage.objects.filter(source_id="undp-story:Forgotten").exists()
    assert "not in mapping.json: Forgotten" in "\n".join(report.lines())


def test_running_the_import_again_creates_nothing(index):
    mapping = _mapping(A={"kind": "success"}, B={"kind": "unfinished"})
    records = [_record("A"), _record("B")]
    stories_import(index=index, records=records, mapping=mapping)

    again = stories_import(index=index, records=records, mapping=mapping)

    assert (again.created, again.existing) == (0, 2)
    assert StoryPage.objects.count() == 2


def test_tools_and_tactics_link_toolkit_resources_of_the_same_title(index, home_page):
    from toolkit.factories import ResourcePageFactory, ToolkitIndexPageFactory

    toolkit = ToolkitIndexPageFactory(parent=home_page)
    co_design = ResourcePageFactory(parent=toolkit, title="Co-design")
    ResourcePageFactory(parent=toolkit, title="Something else")

    report = stories_import(
        index=index,
        records=[_record("A", tools=["co-design", "Unknown tool"], tactics=["Co-design"])],
        mapping=_mapping(A={"kind": "success"}),
    )

    assert report.tools_linked == 1
    assert list(StoryPage.objects.get().tools.all()) == [co_design]


def test_summary_is_trimmed_at_a_sentence_without_the_summarisers_preamble():
    sentence = "The lab tried something new with the council and residents of the town. "
    text = "Here is a summary of the interview transcript in 5 sentences:\n\n" + sentence * 12

    summary = story_summary(text)

    assert len(summary) <= 500
    assert summary.startswith("The lab tried") and summary.endswith("town.")


def test_summary_without_a_sentence_end_is_cut_to_500_characters_with_an_ellipsis():
    text = "the lab tried something new with the council and residents " * 12

    summary = story_summary(text)

    assert len(summary) == 500
    assert summary.endswith("…")
    assert text.startswith(summary[:-1])


def test_the_projects_copy_imports_with_the_reviewed_kinds(index):
    # The first records of stories/demo_data/undp_stories.jsonl.gz, through the real mapping
    for key, name in (("sd", "Sudan"), ("sz", "Eswatini"), ("ar", "Argentina")):
        CountryFactory(key=key, name=name)

    report = stories_import(index=index, limit=3)

    assert (report.created, report.failed, report.unmapped) == (3, [], [])
    entries = mapping_read()["stories"]
    for story in StoryPage.objects.all():
        entry = entries[story.source_id.removeprefix(SOURCE_ID_PREFIX)]
        assert story.kind == entry["kind"]
        assert story.root_causes == entry["root_causes"]
        assert story.country.key == entry["country"]
        assert story.what_happened and "[[" not in story.what_happened
        assert len(story.summary) <= 500


def test_the_command_reports_what_it_did(index):
    CountryFactory(key="sd", name="Sudan")
    out = StringIO()

    call_command("import_stories", "--limit", "1", stdout=out)
    call_command("import_stories", "--limit", "1", stdout=out)

    assert "1 stories created" in out.getvalue()
    assert "0 stories created, 1 already imported" in out.getvalue()
    assert StoryPage.objects.count() == 1


@pytest.fixture
def finnish_index_first(index, home_page):
    """The stories index translated into Finnish, its Finnish home moved before the English one:
    the Finnish stories index comes first in the page tree."""
    finnish = index.copy_for_translation(
        Locale.objects.get_or_create(language_code="fi")[0], copy_parents=True
    )
    finnish.save_revision().publish()
    finnish_home = finnish.get_parent()
    finnish_home.move(Page.objects.get(pk=home_page.pk), pos="left")
    finnish = StoryIndexPage.objects.get(pk=finnish.pk)
    assert StoryIndexPage.objects.first() == finnish  # what the command used to take
    return finnish


def test_the_command_imports_under_the_english_stories_index_not_the_first_in_the_tree(
    index, finnish_index_first
):
    CountryFactory(key="sd", name="Sudan")

    call_command("import_stories", "--limit", "1", stdout=StringIO())

    story = StoryPage.objects.get()
    assert story.get_parent().pk == index.pk
    assert story.locale.language_code == "en"
    assert not StoryPage.objects.child_of(finnish_index_first).exists()


def test_importing_under_a_translation_of_the_index_imports_under_the_english_one(
    index, finnish_index_first
):
    report = stories_import(
        index=finnish_index_first,
        records=[_record("Story_A")],
        mapping=_mapping(Story_A={"kind": "success"}),
    )

    assert report.created == 1
    assert StoryPage.objects.get().get_parent().pk == index.pk


def test_the_mapping_is_reviewed_and_covers_every_story_of_the_copy():
    mapping = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    countries = json.loads(
        (MAPPING_FILE.parents[2] / "site" / "vocabularies" / "countries.json").read_text()
    )
    country_keys = {term["key"] for term in countries}
    entries = mapping["stories"]
    ids = [record["id"] for record in records_read()]

    assert len(ids) == 80
    assert set(ids) == set(entries)
    assert mapping["reviewed"]["on"]
    for record_id, entry in entries.items():
        assert entry["reviewed"] is True, record_id
        assert entry["kind"] in StoryKind.values, record_id
        assert set(entry["root_causes"]) <= set(RootCause.values), record_id
        assert entry["country"] in country_keys, record_id
        assert entry["reason"].strip(), record_id
    kinds = {entry["kind"] for entry in entries.values()}
    assert kinds == set(StoryKind.values)
