"""Every engine corrects misspelt words from its own vocabulary, by the same rule
(search.engines.spelling): one edit for words of up to five letters, two for longer ones, none
under four letters; the most frequent near word, as written (never a stem); a word the index
holds only when a neighbour is fifty times as frequent."""

import datetime

import pytest

from search.documents import SearchDocument


def document(number: int, title: str, body: str = "", language: str = "en") -> SearchDocument:
    return SearchDocument(
        id=f"case:{number}",
        kind="case",
        url=f"/en/cases/{number}/",
        title=title,
        body=body,
        language=language,
        date=datetime.date(2024, 1, number % 28 + 1),
    )


DOCUMENTS = (
    document(1, "Participatory budgeting in Porto Alegre", "Residents decide the city budget."),
    document(2, "Budgeting with citizens", "A participatory process for the parks."),
    document(3, "Open budgeting in Tartu", "Stories of the first year."),
    document(4, "Perustulon kokeilu", "Kokeilu kesti kaksi vuotta.", language="fi"),
    document(5, "Kokeilu kirjastoissa", "Kokeilun tulokset julkaistiin.", language="fi"),
    document(6, "Story workshop for civil servants", "Stories from the story circle."),
    document(7, "Stories of slip-ups", "The city shared its stories."),
)


@pytest.fixture
def spelled(empty_engine):
    empty_engine.index(DOCUMENTS)
    return empty_engine


@pytest.mark.parametrize(
    ("word", "language", "correction"),
    [
        ("budgetting", "en", "budgeting"),  # a letter too many
        ("particpatory", "en", "participatory"),  # a letter missing
        ("kokielu", "fi", "kokeilu"),  # two letters swapped: one edit
        ("kokielu", "", "kokeilu"),
        ("partcipatroy", "en", "participatory"),  # two edits in a long word
    ],
)
def test_a_misspelt_word_is_corrected_from_the_vocabulary(spelled, word, language, correction):
    assert spelled.spelling([word], language=language) == {word: correction}


def test_each_misspelt_word_of_a_query_is_corrected(spelled):
    words = ["participatory", "budgetting", "in", "kokielu"]

    assert spelled.spelling(words, language="en") == {
        "budgetting": "budgeting",
        "kokielu": "kokeilu",
    }


def test_words_under_four_letters_are_left_alone(spelled):
    assert spelled.spelling(["cty", "sotry"], language="en") == {"sotry": "story"}


def test_short_words_get_one_edit_only(spelled):
    # "bdugt" is two edits from "budget": too far for a word of five letters
    assert spelled.spelling(["bdugt"], language="en") == {}
    assert spelled.spelling(["budgt"], language="en") == {"budgt": "budget"}


def test_words_the_index_holds_are_left_alone(spelled):
    assert spelled.spelling(["budgeting", "budget", "kokeilu", "stories"], language="en") == {}


def test_gibberish_has_no_correction(spelled):
    assert spelled.spelling(["xqzvwkpl", "zzzzzz"], language="en") == {}
    assert spelled.spelling([], language="en") == {}


def test_digits_and_stop_words_are_left_alone(spelled):
    assert spelled.spelling(["budgetting2024", "2024"], language="en") == {}
    assert spelled.spelling(["theirs"], language="en") == {}  # an English stop word


def test_a_correction_is_a_word_as_written_never_a_stem(spelled):
    # "stori" (the English stem of "story" and "stories") is one edit away too, and more
    # frequent where the index holds stems; "stories" is what documents say.
    assert spelled.spelling(["storis"], language="en") == {"storis": "stories"}


def test_a_rare_word_gives_way_to_a_neighbour_fifty_times_as_frequent(empty_engine):
    common = [document(n, f"Budgeting case {n}") for n in range(1, 51)]
    empty_engine.index([*common, document(99, "Budgeling case")])

    assert empty_engine.spelling(["budgeling"], language="en") == {"budgeling": "budgeting"}


def test_a_rare_word_stays_beside_a_neighbour_less_than_fifty_times_as_frequent(empty_engine):
    common = [document(n, f"Budgeting case {n}") for n in range(1, 11)]
    empty_engine.index([*common, document(99, "Budgeling case")])

    assert empty_engine.spelling(["budgeling"], language="en") == {}


def test_an_empty_index_has_no_corrections(empty_engine):
    assert empty_engine.spelling(["budgetting"], language="en") == {}
