"""Search synonyms as editors keep them: what a group may hold, the groups a new site starts with,
the admin pages, and `synonym_groups()` answering from the cache until a group changes."""

import importlib
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

import pytest

from network.factories import UserFactory
from search.engines.stemming import stop_words
from search.models import SynonymGroup
from search.synonyms import SEED_LANGUAGES, SYNONYMS_CACHE_KEY, seed_groups, synonym_groups

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_search_synonymgroup:list")
ADD_URL = reverse("wagtailsnippets_search_synonymgroup:add")


@pytest.fixture
def seeded(db):
    """The groups of the seed file, and no other (whatever the test database was left with)."""
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.bulk_create(SynonymGroup(terms=group.terms()) for group in seed_groups())
    cache.delete(SYNONYMS_CACHE_KEY)


def refusals(terms: str) -> list[str]:
    group = SynonymGroup(terms=terms)
    with pytest.raises(ValidationError) as refused:
        group.full_clean()
    return refused.value.message_dict["terms"]


def group_of(phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return next(group for group in synonym_groups() if phrase in group)


# -- what a group may hold


def test_a_group_joins_at_least_two_different_phrases():
    expected = (
        "Write at least two different phrases, one per line: a group joins phrases that mean "
        "the same."
    )
    assert refusals("kokeilu") == [expected]
    assert refusals("\n  \n") == [expected]
    assert refusals("kokeilu\nkokeilu") == [
        "“kokeilu” is in the group twice: keep one.",
        expected,
    ]


def test_a_phrase_written_twice_as_search_reads_it_is_refused():
    # search reads "Slip-up" as the words "slip up": the two lines are one phrase
    assert refusals("Slip-up\nslip up\nmoka") == [
        "“Slip-up” and “slip up” are the same phrase to search: keep one."
    ]


def test_a_phrase_is_at_most_four_words_and_holds_a_word():
    assert refusals("kokeilu\nexperiment\na trial run in the field\n—") == [
        "“a trial run in the field” is too long: a phrase has at most 4 words.",
        "“—” has no letters or digits: write a word, or remove the line.",
    ]


def test_a_valid_group_is_tidied_and_named_by_its_phrases():
    group = SynonymGroup(terms="  slip-up \n\nMoka\r\nsnedsteg\n", note="Story outcomes")

    group.full_clean()

    assert group.terms == "slip-up\nMoka\nsnedsteg"
    assert str(group) == "slip-up ↔ Moka ↔ snedsteg"
    assert group.phrases() == (("slip", "up"), ("moka",), ("snedsteg",))


def test_the_limit_of_the_text_is_checked_too():
    too_long = "\n".join(f"phrase{n:04d}" for n in range(200))
    assert any("at most 1000 characters" in message for message in refusals(too_long))


# -- the groups a new site starts with


def test_the_seed_has_sixty_groups_or_more_each_in_english_finnish_and_swedish():
    groups = seed_groups()

    assert len(groups) >= 60
    for group in groups:
        assert tuple(group.phrases) == SEED_LANGUAGES, f"line {group.line}"
        assert all(group.phrases[language] for language in SEED_LANGUAGES), f"line {group.line}"


def test_every_seed_group_is_one_an_editor_could_save():
    for group in seed_groups():
        SynonymGroup(terms=group.terms()).full_clean()


def test_no_seed_phrase_is_in_two_groups_or_a_stop_word():
    # a phrase in two groups would join them; a stop word would expand half of all queries
    seen: dict[tuple[str, ...], int] = {}
    every_stop_word = set().union(*(stop_words(language) for language in SEED_LANGUAGES))
    for group in seed_groups():
        for phrase in SynonymGroup(terms=group.terms()).phrases():
            assert phrase not in seen, f"{phrase} on lines {seen[phrase]} and {group.line}"
            seen[phrase] = group.line
            assert not (len(phrase) == 1 and phrase[0] in every_stop_word), phrase


def test_the_migration_writes_the_seed_into_an_empty_table_only():
    migration = importlib.import_module("search.migrations.0009_synonym_seed")
    schema_editor = SimpleNamespace(connection=connection)
    SynonymGroup.objects.all().delete()

    migration.seed_synonyms(django_apps, schema_editor)
    assert SynonymGroup.objects.count() == len(seed_groups())

    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.create(terms="sauna\nbastu")
    migration.seed_synonyms(django_apps, schema_editor)
    assert list(SynonymGroup.objects.values_list("terms", flat=True)) == ["sauna\nbastu"]


def test_a_large_seed_group_names_every_language_among_its_first_phrases():
    group = next(group for group in seed_groups() if "kokeilu" in group.phrases["fi"])
    assert group.terms().splitlines()[:6] == [
        "experiment",
        "kokeilu",
        "försök",
        "trial",
        "pilotti",
        "pilotprojekt",
    ]


def test_the_seed_joins_the_words_of_the_site_in_three_languages(seeded):
    experiment = group_of(("kokeilu",))
    assert {("experiment",), ("pilot",), ("försök",), ("pilotprojekt",)} <= set(experiment)
    assert {("slip", "up"), ("moka",), ("snedsteg",)} <= set(group_of(("epäonnistuminen",)))
    assert ("deltagande", "budgetering") in group_of(("osallistuva", "budjetointi"))


def test_a_seed_line_that_does_not_read_is_named(tmp_path):
    seed = tmp_path / "seed.txt"
    seed.write_text("# comment\n\nen: trial | fi: kokeilu\nen: trial, pilot | de: Versuch\n")

    with pytest.raises(ValueError, match="seed.txt:4: 'de: Versuch'"):
        seed_groups(seed)


# -- synonym_groups() and its cache


def test_the_groups_are_read_once_then_from_the_cache(django_assert_num_queries):
    cache.delete(SYNONYMS_CACHE_KEY)  # the test settings keep the seeded groups out
    with django_assert_num_queries(1):
        first = synonym_groups()
    with django_assert_num_queries(0):
        assert synonym_groups() == first
    assert cache.get(SYNONYMS_CACHE_KEY) == first


def test_saving_a_group_changes_the_groups_at_once():
    synonym_groups()  # cached
    group = SynonymGroup.objects.create(terms="sauna\nbastu")

    assert (("sauna",), ("bastu",)) in synonym_groups()

    group.terms = "sauna\nbastu\nsweat bath"
    group.save()
    assert (("sauna",), ("bastu",), ("sweat", "bath")) in synonym_groups()

    group.delete()
    assert not any(("sauna",) in phrases for phrases in synonym_groups())


def test_a_bulk_delete_changes_the_groups_too():
    synonym_groups()

    SynonymGroup.objects.all().delete()

    assert synonym_groups() == ()


def test_groups_cached_from_the_old_rows_before_the_commit_are_forgotten_at_the_commit(
    django_capture_on_commit_callbacks,
):
    old = synonym_groups()
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(terms="sauna\nbastu")
        # another process searched meanwhile and read the rows as they were before the commit
        cache.set(SYNONYMS_CACHE_KEY, old)

    assert (("sauna",), ("bastu",)) in synonym_groups()


def test_a_row_written_around_the_checks_joins_nothing():
    SynonymGroup.objects.all().delete()
    SynonymGroup.objects.create(terms="lonely")
    SynonymGroup.objects.create(terms="Kokeilu\nkokeilu\n!!\nPilot")

    assert synonym_groups() == ((("kokeilu",), ("pilot",)),)


# -- the admin


@pytest.fixture
def editor(client):
    """A staff member with admin access and the synonym group permissions, not a superuser."""
    user = UserFactory(username="edda", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="search", codename__endswith="_synonymgroup"
        ),
    )
    client.force_login(user)
    return client


def test_an_editor_finds_groups_in_the_settings_menu_and_searches_them(editor, seeded):
    menu = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert "Search synonyms" in menu and LIST_URL in menu

    listing = editor.get(LIST_URL)
    assert listing.status_code == 200
    assert f"{SynonymGroup.objects.count()} synonym groups" in listing.content.decode()

    found = editor.get(LIST_URL, {"q": "snedsteg"}).content.decode()
    assert "slip-up ↔ moka ↔ snedsteg ↔ failure ↔ epäonnistuminen ↔ misslyckande" in found
    assert "kokeilu" not in found


def test_an_editor_adds_a_group_and_search_reads_it(editor):
    synonym_groups()  # cached before the editor adds the group
    form = editor.get(ADD_URL)
    assert form.status_code == 200
    assert "finds the others at search time, in any language" in form.content.decode()

    response = editor.post(ADD_URL, {"terms": "sauna\r\nbastu\r\n", "note": "Nordic words"})

    assert response.status_code == 302
    group = SynonymGroup.objects.get(note="Nordic words")
    assert group.terms == "sauna\nbastu"
    assert (("sauna",), ("bastu",)) in synonym_groups()


def test_an_editor_is_told_what_to_fix(editor):
    groups = SynonymGroup.objects.count()

    response = editor.post(ADD_URL, {"terms": "Slip-up\nslip up", "note": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "are the same phrase to search: keep one." in page
    assert "Write at least two different phrases" in page
    assert SynonymGroup.objects.count() == groups


def test_an_editor_edits_and_deletes_a_group(editor):
    group = SynonymGroup.objects.create(terms="sauna\nbastu")
    edit = reverse("wagtailsnippets_search_synonymgroup:edit", args=[group.pk])

    assert editor.post(edit, {"terms": "sauna\nbastu\nsaunoa", "note": ""}).status_code == 302
    assert (("sauna",), ("bastu",), ("saunoa",)) in synonym_groups()

    delete = reverse("wagtailsnippets_search_synonymgroup:delete", args=[group.pk])
    assert editor.post(delete).status_code == 302
    assert not any(("sauna",) in phrases for phrases in synonym_groups())


def test_staff_without_the_permissions_see_no_synonyms(client):
    user = UserFactory(username="olli", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)

    assert "Search synonyms" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert client.get(LIST_URL).status_code in (302, 403)
    assert client.post(ADD_URL, {"terms": "a\nb"}).status_code in (302, 403)
    assert not SynonymGroup.objects.filter(terms="a\nb").exists()
