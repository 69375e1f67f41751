"""How a typed query is read: phrases, OR, exclusions, synonyms, stop words and bounds."""

from search.engines.syntax import Phrase, parse_query, phrases_of
from search.engines.text import MAX_TERMS

SYNONYMS = phrases_of(
    [
        ["experiment", "trial", "kokeilu", "försök"],
        ["slip-up", "failure", "moka", "epäonnistuminen", "snedsteg"],
        ["participatory budgeting", "osallistuva budjetointi", "deltagande budgetering"],
    ]
)


def terms(text: str, **options) -> list[list[str]]:
    parsed = parse_query(text, **options)
    return [[str(phrase) for phrase in clause.alternatives] for clause in parsed.clauses]


def test_plain_words_must_all_match():
    assert terms("bike lanes helsinki") == [["bike"], ["lanes"], ["helsinki"]]


def test_a_quoted_phrase_is_one_exact_term_and_an_unbalanced_quote_runs_to_the_end():
    assert terms('"open data" portal') == [['"open data"'], ["portal"]]
    assert terms('portal "open data') == [["portal"], ['"open data"']]


def test_or_joins_its_neighbours_and_binds_tighter_than_spaces():
    assert terms("parks OR libraries budget") == [["parks", "libraries"], ["budget"]]
    # lower-case "or" is a word (here an English stop word), a dangling OR is nothing
    assert terms("parks or libraries", language="en") == [["parks"], ["libraries"]]
    assert terms("OR parks OR") == [["parks"]]


def test_a_minus_excludes_a_word_or_a_phrase_and_a_lone_minus_is_nothing():
    parsed = parse_query('budget -"open data" -slip-up - parks')

    assert [str(phrase) for phrase in parsed.excluded] == ['"open data"', "slip up"]
    assert terms('budget -"open data" -slip-up - parks') == [["budget"], ["parks"]]
    assert not parse_query("- -")


def test_stop_words_of_the_query_language_are_left_out_unless_nothing_else_is_left():
    assert terms("the projects of the parks", language="en") == [["projects"], ["parks"]]
    assert terms("the who", language="en") == [["the"], ["who"]]
    # a quoted stop word is kept: the person asked for it
    assert terms('"the who" band', language="en") == [['"the who"'], ["band"]]


def test_a_synonym_group_adds_its_other_phrases_in_every_language():
    assert terms("kokeilut", synonyms=SYNONYMS) == [["kokeilut", "experiment", "trial", "försök"]]
    assert terms("participatory budgeting parks", synonyms=SYNONYMS) == [
        ["participatory budgeting", "osallistuva budjetointi", "deltagande budgetering"],
        ["parks"],
    ]


def test_an_inflected_finnish_phrase_finds_its_synonyms():
    assert terms("osallistuvan budjetoinnin", synonyms=SYNONYMS) == [
        ["osallistuvan budjetoinnin", "participatory budgeting", "deltagande budgetering"]
    ]


def test_a_hyphenated_word_finds_the_group_it_names():
    assert terms("slip-up stories", language="en", synonyms=SYNONYMS) == [
        ["slip up", "failure", "moka", "epäonnistuminen", "snedsteg"],
        ["stories"],
    ]


def test_the_last_plain_word_is_being_typed_and_matches_as_a_prefix():
    (clause,) = parse_query("ai").clauses
    assert clause.alternatives == (Phrase(("ai",), typing=True),)
    assert clause.alternatives[0].prefixes() == [True]
    assert parse_query("ai", typing=False).clauses[0].alternatives[0].prefixes() == [False]
    assert Phrase(("experiment", "ai")).prefixes() == [True, False]
    assert Phrase(("experiment", "ai"), exact=True).prefixes() == [False, False]


def test_a_query_is_bounded_however_many_words_or_ors_it_holds():
    parsed = parse_query(" OR ".join(["word"] * 5000))

    assert parsed.truncated
    assert sum(len(phrase.words) for phrase in parsed.phrases()) <= MAX_TERMS
    assert not parse_query("one two three").truncated


def test_a_word_as_written_wins_over_a_group_that_shares_only_its_beginning():
    groups = phrases_of(
        [
            ["urban planning", "kaupunkisuunnittelu", "stadsplanering"],
            ["city", "kaupunki", "stad"],
        ]
    )

    assert terms("kaupunki", synonyms=groups) == [["kaupunki", "city", "stad"]]
    assert terms("kaupunkien", synonyms=groups) == [["kaupunkien", "city", "stad"]]
