"""URL parameters become a validated SearchQuery, or a message saying what is wrong."""

from django.http import QueryDict

import pytest

from search.forms import InvalidSearch, query_from_params
from search.query import MAX_QUERY_LENGTH, Sort


def test_parameters_become_a_query():
    query = query_from_params(
        QueryDict("q=+bicycle+lanes+&country=fi&country=se&country=fi&year=2021&sort=newest&page=3")
    )

    assert query.text == "bicycle lanes"
    assert query.selections == {"country": ("fi", "se"), "year": ("2021",)}
    assert query.sort == Sort.NEWEST
    assert query.page == 3


def test_no_parameters_is_the_first_page_of_everything():
    query = query_from_params(QueryDict(""))

    assert query.text == ""
    assert query.selections == {}
    assert query.sort == Sort.RELEVANCE
    assert query.page == 1


def test_base_filters_are_passed_through():
    query = query_from_params(QueryDict("q=x"), visibility=("public", "members"), kinds=("case",))

    assert query.visibility == ("public", "members")
    assert query.kinds == ("case",)


def test_long_text_is_truncated_not_refused():
    query = query_from_params(QueryDict(f"q={'x' * 10_000}"))

    assert len(query.text) == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("page=0", "page: Ensure this value is greater than or equal to 1."),
        ("page=1001", "page: Ensure this value is less than or equal to 1000."),
        ("page=two", "page: Enter a whole number."),
        ("country=f%20i", "country: “f i” is not a valid value."),
        ("sdg=" + "a" * 101, "sdg: “" + "a" * 100 + "” is not a valid value."),
        ("year=2021a", "year: “2021a” is not a valid value."),
        ("sort=best", "sort: Select a valid choice."),
    ],
)
def test_malformed_parameters_are_refused_with_a_message(params, message):
    with pytest.raises(InvalidSearch) as error:
        query_from_params(QueryDict(params))

    assert str(error.value).startswith(message)


def test_too_many_values_for_one_facet_are_refused():
    params = "&".join(f"theme=t{n}" for n in range(51))

    with pytest.raises(InvalidSearch, match="theme: At most 50 values"):
        query_from_params(QueryDict(params))
