import itertools

import pytest

from portal.models.taxonomy import Stage
from search.documents import SearchDocument
from toolkit.classification import resource_classify
from toolkit.demo import read_records
from toolkit.navigator import NavigatorAnswers, navigator_rank
from toolkit.vocabularies import GroupSize, Purpose, SkillLevel, TimeNeeded


def tool(pk: int, title: str, **facets) -> SearchDocument:
    return SearchDocument(
        id=f"tool:{pk}", kind="tool", url=f"/en/toolkit/{pk}/", title=title, **facets
    )


def demo_documents() -> list[SearchDocument]:
    """The shipped resources as the index holds them, classified by the shipped mapping."""
    documents = []
    for pk, record in enumerate(read_records(), start=1):
        classes = resource_classify(record)
        documents.append(
            tool(
                pk,
                classes.get("title") or record["title"],
                purposes=tuple(classes["purposes"]),
                stages=tuple(classes["stages"]),
                skill_levels=tuple(classes["skill_levels"]),
                group_sizes=tuple(classes["group_sizes"]),
                time_needed=classes.get("time_needed", ""),
                cost=classes.get("cost", ""),
            )
        )
    return documents


PROTOTYPING_KIT = tool(
    1,
    "Paper prototyping",
    purposes=("prototyping",),
    stages=("generating-ideas",),
    skill_levels=("beginner",),
    time_needed="under-1-hour",
    group_sizes=("small-team",),
    cost="free",
)
EVERYTHING_TOOLKIT = tool(
    2,
    "A toolkit for everything",
    purposes=("prototyping", "insight-finding", "testing", "evaluation"),
    stages=("generating-ideas", "identifying-problems", "evaluating"),
    skill_levels=("beginner",),
    time_needed="under-1-hour",
    group_sizes=("small-team",),
    cost="free",
)
TRIAL = tool(
    3,
    "Randomised trial",
    purposes=("testing",),
    stages=("evaluating",),
    skill_levels=("advanced",),
    time_needed="weeks",
    group_sizes=("large",),
    cost="paid",
)


def test_reason_says_why_a_resource_fits_in_one_line():
    answers = NavigatorAnswers(
        purpose="prototyping", skill_level="beginner", time_needed="half-day", cost="free"
    )

    result = navigator_rank([PROTOTYPING_KIT, TRIAL], answers)

    assert [r.document.title for r in result.recommendations] == ["Paper prototyping"]
    assert result.recommendations[0].reason == (
        "Good for prototyping, beginner level, takes under an hour, free"
    )


def test_stage_reason_uses_the_stage_name():
    answers = NavigatorAnswers(stage="generating-ideas")
    labels = {"stages": {"generating-ideas": "Generating ideas"}}

    result = navigator_rank([PROTOTYPING_KIT], answers, labels=labels)

    assert result.recommendations[0].reason == "Good for prototyping, made for generating ideas"


def test_focused_resource_ranks_above_a_catch_all_with_the_same_score():
    answers = NavigatorAnswers(purpose="prototyping", stage="generating-ideas")

    result = navigator_rank([EVERYTHING_TOOLKIT, PROTOTYPING_KIT], answers)

    assert [r.document.title for r in result.recommendations] == [
        "Paper prototyping",
        "A toolkit for everything",
    ]


def test_goal_outweighs_stage():
    right_goal = tool(4, "Right goal", purposes=("testing",), stages=("implementing",))
    right_stage = tool(5, "Right stage", purposes=("scaling",), stages=("evaluating",))

    result = navigator_rank(
        [right_stage, right_goal], NavigatorAnswers(purpose="testing", stage="evaluating")
    )

    # neither fits both answers: both are close matches, the one for the goal first
    assert result.recommendations == []
    assert [r.document.title for r in result.close_matches] == ["Right goal", "Right stage"]


def test_a_short_method_fits_someone_with_more_time_but_not_the_reverse():
    result = navigator_rank([PROTOTYPING_KIT, TRIAL], NavigatorAnswers(time_needed="days"))

    assert [r.document.title for r in result.recommendations] == ["Paper prototyping"]


def test_when_no_single_answer_helps_it_says_which_answers_to_drop_together():
    answers = NavigatorAnswers(purpose="prototyping", skill_level="beginner", cost="free")

    result = navigator_rank([TRIAL], answers)

    assert [(r.names, r.count) for r in result.relaxations] == [
        (("purpose", "skill_level", "cost"), 1)
    ]
    assert result.close_matches[0].differences == (
        "made for testing rather than your goal",
        "needs more experience (advanced level)",
        "not free",
    )


def test_no_fit_says_what_to_relax_and_shows_close_matches():
    answers = NavigatorAnswers(purpose="testing", skill_level="beginner", cost="free")

    result = navigator_rank([TRIAL, PROTOTYPING_KIT], answers)

    assert result.total == 0
    # dropping "beginner" alone is not enough (the trial is paid too); dropping the goal is
    assert [(r.names, r.count) for r in result.relaxations] == [(("purpose",), 1)]
    assert result.close_matches[0].document.title == "Paper prototyping"
    assert result.close_matches[0].differences == ("made for prototyping rather than your goal",)


@pytest.mark.django_db
def test_every_combination_of_answers_recommends_or_says_what_to_relax():
    from django.db import connection

    if connection.vendor != "sqlite":
        # The walk ranks in-memory documents (~75 s of CPU); only the stage keys come from the
        # database, so one run, on SQLite, proves it.
        pytest.skip("database-independent walk: runs on SQLite only")
    documents = demo_documents()
    stages = ["", *Stage.objects.values_list("key", flat=True)]
    questions = {
        "stage": stages,
        "purpose": ["", *Purpose.values],
        "time_needed": ["", *TimeNeeded.values],
        "skill_level": ["", *SkillLevel.values],
        "group_size": ["", *GroupSize.values],
        "cost": ["", "free"],
    }
    assert len(stages) == 7
    walked = 0
    without_fit = 0
    for values in itertools.product(*questions.values()):
        answers = NavigatorAnswers(**dict(zip(questions, values, strict=True)))
        result = navigator_rank(documents, answers)
        walked += 1
        if result.recommendations:
            assert all(r.reason for r in result.recommendations), answers
            continue
        without_fit += 1
        # nothing fits: the answer says plainly what to relax, and still shows something
        assert result.relaxations and result.close_matches, answers
        assert all(r.count > 0 for r in result.relaxations), answers
    assert walked == 7 * 12 * 5 * 4 * 5 * 2
    # the content is broad enough that most questions find an exact fit
    assert without_fit < walked / 3


@pytest.fixture
def navigator_site(index, drain):
    from toolkit.factories import ResourcePageFactory

    ResourcePageFactory(
        parent=index,
        title="Paper prototyping",
        purposes=["prototyping"],
        skill_levels=["beginner"],
        time_needed="under-1-hour",
        cost="free",
    )
    ResourcePageFactory(
        parent=index,
        title="Randomised trial",
        purposes=["testing"],
        skill_levels=["advanced"],
        time_needed="weeks",
        cost="paid",
    )
    drain()
    return index


@pytest.mark.django_db
def test_navigator_page_recommends_from_answers_in_the_url(client, navigator_site):
    url = navigator_site.url + "navigator/"

    empty = client.get(url)
    assert empty.status_code == 200
    assert (
        "<legend>" in empty.content.decode() and "Recommended for you" not in empty.content.decode()
    )

    response = client.get(
        url, {"purpose": "prototyping", "skill_level": "beginner", "cost": "free"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Paper prototyping" in html
    assert "Good for prototyping, beginner level, free" in html
    assert "Randomised trial" not in html.split("Close matches")[0]
    assert 'value="prototyping" id="id_purpose_' in html and "checked" in html
    assert "How recommendations are ranked" in html


@pytest.mark.django_db
def test_navigator_says_what_to_relax_when_nothing_fits(client, navigator_site):
    response = client.get(
        navigator_site.url + "navigator/", {"purpose": "testing", "skill_level": "beginner"}
    )
    html = response.content.decode()

    assert "No resource fits all your answers." in html
    assert "Drop “Beginner” (How experienced is your team with innovation methods?)" in html
    assert (
        "?stage=&amp;purpose=testing&amp;time_needed=&amp;skill_level=&amp;group_size=&amp;cost="
        in html
    )


@pytest.mark.django_db
def test_navigator_refuses_unknown_answers_and_keeps_the_others(client, navigator_site):
    response = client.get(
        navigator_site.url + "navigator/", {"purpose": "world-peace", "cost": "free"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'value="free" id="id_cost_1" checked' in html
