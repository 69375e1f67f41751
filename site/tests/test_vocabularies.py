from io import StringIO

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from portal.models import (
    SDG,
    Country,
    GovernmentLevel,
    InnovationType,
    Method,
    OrganisationType,
    Stage,
    Theme,
)
from portal.models.taxonomy import VOCABULARIES
from portal.vocabularies import VOCABULARY_MODELS, seed_vocabularies, vocabulary_entries
from search.registry import labels_for

pytestmark = pytest.mark.django_db


def test_every_vocabulary_file_has_a_model_and_unique_keys():
    assert set(VOCABULARY_MODELS) == set(VOCABULARIES)
    for name, model in VOCABULARIES.items():
        assert VOCABULARY_MODELS[name] == model.__name__
        keys = [entry["key"] for entry in vocabulary_entries(name)]
        assert len(keys) == len(set(keys)), name
        assert all(key == key.lower() and " " not in key for key in keys), name


def test_migrations_seed_every_vocabulary_from_its_file():
    for name, model in VOCABULARIES.items():
        assert model.objects.count() == len(vocabulary_entries(name)), name
    assert Country.objects.count() == 249
    assert SDG.objects.count() == 17
    assert Theme.objects.count() == 13
    assert GovernmentLevel.objects.count() == 4
    assert OrganisationType.objects.count() == 6
    assert 20 <= Method.objects.count() <= 30


def test_countries_are_keyed_by_lower_case_alpha2_with_alpha3():
    finland = Country.objects.get(key="fi")
    assert (finland.name, finland.alpha3) == ("Finland", "FIN")
    assert Country.objects.get(key="gb").alpha3 == "GBR"
    assert not Country.objects.filter(alpha3="").exists()


def test_lifecycle_stages_come_in_lifecycle_order():
    assert list(Stage.objects.values_list("key", flat=True)) == [
        "identifying-problems",
        "generating-ideas",
        "developing-proposals",
        "implementing",
        "evaluating",
        "diffusing-lessons",
    ]


def test_opsi_innovation_facets():
    assert list(InnovationType.objects.values_list("key", flat=True)) == [
        "enhancement-oriented",
        "mission-oriented",
        "adaptive",
        "anticipatory",
    ]


def test_sdgs_are_numbered_with_official_short_names():
    assert list(SDG.objects.values_list("number", flat=True)) == list(range(1, 18))
    assert SDG.objects.get(key="sdg-3").name == "Good health and well-being"
    assert str(SDG.objects.get(key="sdg-17")) == "17. Partnerships for the goals"


def test_seeding_twice_creates_nothing():
    counts = {name: model.objects.count() for name, model in VOCABULARIES.items()}

    results = seed_vocabularies()

    assert all(result.created == 0 and result.updated == 0 for result in results.values())
    assert counts == {name: model.objects.count() for name, model in VOCABULARIES.items()}


def test_reseeding_keeps_an_editors_rename_and_restores_deleted_terms():
    Theme.objects.filter(key="health").update(name="Health and social care")
    Stage.objects.filter(key="evaluating").delete()

    results = seed_vocabularies()

    assert Theme.objects.get(key="health").name == "Health and social care"
    assert Stage.objects.filter(key="evaluating").exists()
    assert results["stages"].created == 1
    assert results["themes"].created == 0


def test_overwrite_resets_terms_to_the_files():
    Theme.objects.filter(key="health").update(name="Health and social care")

    results = seed_vocabularies(vocabularies=["themes"], overwrite=True)

    assert Theme.objects.get(key="health").name == "Health"
    assert results["themes"].updated == 1
    assert set(results) == {"themes"}


def test_seed_vocabularies_command_reports_and_rejects_unknown_names():
    Method.objects.filter(key="hackathon").delete()
    out = StringIO()

    call_command("seed_vocabularies", "methods", stdout=out)

    assert "methods: 1 created, 0 updated" in out.getvalue()
    assert Method.objects.filter(key="hackathon").exists()
    with pytest.raises(CommandError):
        call_command("seed_vocabularies", "planets", stdout=StringIO())


def test_label_providers_name_keys_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(0):  # CLDR's names, in the reader's language
        labels = labels_for("countries", ["fi", "se", "zz"])
    assert labels == {"fi": "Finland", "se": "Sweden"}

    with django_assert_num_queries(1):
        assert labels_for("sdgs", ["sdg-13"]) == {"sdg-13": "13. Climate action"}

    for vocabulary, model in [
        ("themes", Theme),
        ("methods", Method),
        ("stages", Stage),
        ("government_levels", GovernmentLevel),
        ("innovation_types", InnovationType),
    ]:
        term = model.objects.first()
        with django_assert_num_queries(1):
            assert labels_for(vocabulary, [term.key]) == {term.key: term.name}


def test_labels_follow_an_editors_rename():
    Theme.objects.filter(key="health").update(name="Health and social care")

    assert labels_for("themes", ["health"]) == {"health": "Health and social care"}


def test_story_outcome_labels_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        labels = labels_for("outcomes", ["success", "slip-up", "unfinished", "other"])
    assert labels == {"success": "Success", "slip-up": "Slip-up", "unfinished": "Unfinished"}


@pytest.mark.parametrize("model", list(VOCABULARIES.values()), ids=list(VOCABULARIES))
def test_editors_find_vocabularies_in_the_admin(admin_client, model):
    url = reverse(f"wagtailsnippets_portal_{model._meta.model_name}:list")
    term = model.objects.order_by("pk").first()

    response = admin_client.get(url, {"q": term.name[:6]})

    assert response.status_code == 200
    assert term.name in response.content.decode()


def test_admin_menu_groups_the_vocabularies(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert "Vocabularies" in response.content.decode()


def test_labels_are_in_the_readers_language():
    from django.utils import translation

    with translation.override("fi"):
        assert labels_for("countries", ["se"]) == {"se": "Ruotsi"}
        assert labels_for("themes", ["health"]) == {
            "health": Theme.objects.get(key="health").name_fi
        }
        assert labels_for("sdgs", ["sdg-1"]) == {"sdg-1": "1. Ei köyhyyttä"}
    with translation.override("sv"):
        assert labels_for("countries", ["fi"]) == {"fi": "Finland"}
        assert Theme.objects.get(key="health").label == Theme.objects.get(key="health").name_sv
    with translation.override("en"):
        assert str(Theme.objects.get(key="health")) == "Health"
