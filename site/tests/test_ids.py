"""Row ids from requests: `portal.ids` parses them, and `__in` on an integer column ignores
values no row can hold (`portal.lookups`), on SQLite and PostgreSQL alike."""

from django.http import Http404

import pytest

from portal.ids import ID_MAX, id_or_404, id_parse
from portal.models import Theme


@pytest.mark.parametrize(
    ("raw", "value"),
    [("7", 7), (" 42 ", 42), (12, 12), (str(ID_MAX), ID_MAX), (ID_MAX, ID_MAX)],
)
def test_an_id_is_a_whole_number_that_a_database_can_store(raw, value):
    assert id_parse(raw) == value
    assert id_or_404(raw) == value


@pytest.mark.parametrize(
    "raw",
    [None, "", "abc", "0", "-1", "1.5", "1e3", "1_000", "٣", "0x1f", str(ID_MAX + 1), 2**70, True],
)
def test_anything_else_is_no_id_and_a_404(raw):
    assert id_parse(raw) is None
    with pytest.raises(Http404):
        id_or_404(raw)


@pytest.mark.django_db
def test_in_on_an_integer_column_ignores_values_beyond_its_range():
    theme = Theme.objects.create(key="h4-health", name="Health")

    huge = [10**20, -(10**20), 2**63]
    assert list(Theme.objects.filter(pk__in=[*huge, theme.pk])) == [theme]
    assert list(Theme.objects.filter(pk__in=huge)) == []
    assert Theme.objects.exclude(pk__in=huge).filter(pk=theme.pk).exists()
