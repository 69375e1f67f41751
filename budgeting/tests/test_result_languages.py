"""What the site records by itself reads in the reader's language, whenever it was recorded.

Votes counted while the site was in English explain the results in Finnish to a Finnish reader
and in Swedish to a Swedish one, with money as each language writes it; so do the assessment
and bonus entries of an implementation's timeline. What was stored before (a sentence in the
language active then) is still shown as it is; what people typed stays as typed.
"""

import re

from django.utils import translation

import pytest

from budgeting.assessment import services as assessment_services
from budgeting.demo import load_processes
from budgeting.factories import UserFactory
from budgeting.implementation.models import BonusOutcome, EventKind, ImplementationEvent
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase, Process
from budgeting.proposals.models import ProjectTranslation
from budgeting.tests.conftest import cast
from portal.locale_names import money_text

NBSP = "\N{NO-BREAK SPACE}"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def reason_cells(html: str) -> list[str]:
    """The "Why" column of the results table: each project's explanation, spaces collapsed."""
    cells = re.findall(r'<td class="pb-why">([^<]*)', html)
    return [re.sub(r"[ \t\n]+", " ", cell).strip() for cell in cells if cell.strip()]


@pytest.fixture
def demo_counted_in_english(db):
    """The demo town's 2025 budget (Equal Shares, counted when the demo loads), loaded and
    counted while the site is in English."""
    with translation.override("en"):
        load_processes(None)
    return Process.objects.get(slug="demo-town-2025")


@pytest.mark.parametrize(
    ("language", "selected", "not_selected"),
    [
        (
            "fi",
            "Valittiin kierroksella %(round)s: sen kannattajilla oli vielä yhteensä %(money)s, "
            "ja kukin maksoi enintään %(price)s.",
            "Ei valittu: lopuksi sen kannattajilla (%(count)s) oli jäljellä yhteensä vain "
            "%(money)s, mikä on vähemmän kuin hankkeen hinta %(cost)s (tasan jaettuna %(share)s "
            "kullekin).",
        ),
        (
            "sv",
            "Valdes i omgång %(round)s: dess stödjare hade fortfarande %(money)s tillsammans och "
            "var och en betalade högst %(price)s.",
            "Valdes inte: till slut hade dess %(count)s stödjare bara %(money)s kvar "
            "tillsammans, mindre än kostnaden %(cost)s (%(share)s var vid lika delning).",
        ),
    ],
)
def test_results_counted_in_english_explain_themselves_in_the_readers_language(
    client, demo_counted_in_english, language, selected, not_selected
):
    process = demo_counted_in_english
    rows = [row for group in process.results["groups"] for row in group["projects"]]
    assert {row["reason_code"] for row in rows} == {"bought", "unaffordable"}
    html = page(client, f"/{language}/pb/{process.slug}/results/")
    cells = reason_cells(html)

    for row in rows:
        values = {
            name: money_text(value, "EUR", language) if name in MONEY else value
            for name, value in row["reason_params"].items()
        }
        expected = (selected if row["selected"] else not_selected) % values
        assert expected in cells, (expected, cells)
    if language != "en":  # money as the language writes it: "71 094 €", "411,76 €"
        assert re.search(rf"\d{NBSP}\d{{3}},\d\d{NBSP}€", " ".join(cells))
        assert not re.search(r"\d,\d{3}\b|\d\.\d\d\b|€\d", " ".join(cells))
        assert "supporters" not in " ".join(cells) and "Selected in round" not in html


MONEY = {"money", "price", "cost", "share", "left"}


@pytest.fixture
def no_skip_counted_in_english(open_vote, organiser):
    """Greedy without skipping, counted in English: the skate park (60,000, 9 votes) and the
    trees (30,000, 8 votes) fit in 100,000, the library hours (40,000, 6 votes) do not and stop
    the count, so the benches (5 votes) are not reached. The library hours have a Finnish
    title."""
    process = open_vote(counting_rule="greedy-no-skip")
    for _ in range(5):
        cast(process, UserFactory(), "Skate park", "Trees", "Library hours", "Benches")
    for _ in range(3):
        cast(process, UserFactory(), "Skate park", "Trees")
    cast(process, UserFactory(), "Skate park", "Library hours")
    ProjectTranslation.objects.create(
        project=process.projects.get(title="Library hours"),
        language="fi",
        title="Kirjaston aukioloajat",
    )
    with translation.override("en"):
        return processes_services.process_phase_set(
            process=process, phase=Phase.RESULTS, user=organiser
        )


def test_greedy_explanations_read_in_finnish_and_name_projects_by_their_finnish_title(
    client, no_skip_counted_in_english
):
    cells = reason_cells(page(client, f"/fi/pb/{no_skip_counted_in_english.slug}/results/"))
    assert cells == [
        f"Valittiin: hinta oli 60{NBSP}000{NBSP}€, ja budjettia oli jäljellä "
        f"100{NBSP}000{NBSP}€, kun oli sen vuoro.",
        f"Valittiin: hinta oli 30{NBSP}000{NBSP}€, ja budjettia oli jäljellä "
        f"40{NBSP}000{NBSP}€, kun oli sen vuoro.",
        f"Ei valittu: hinta on 40{NBSP}000{NBSP}€, mutta sen vuorolla budjettia oli jäljellä "
        f"vain 10{NBSP}000{NBSP}€.",
        "Laskenta pysähtyi hankkeeseen ”Kirjaston aukioloajat”, joka ei mahtunut jäljellä "
        "olevaan budjettiin.",
    ]
    sv = reason_cells(page(client, f"/sv/pb/{no_skip_counted_in_english.slug}/results/"))
    assert sv[0] == (
        f"Valdes: det kostade 60{NBSP}000{NBSP}€ och 100{NBSP}000{NBSP}€ fanns kvar när det "
        "var dess tur."
    )
    # no Swedish title: the original
    assert sv[3].startswith("Rösträkningen stannade vid ”Library hours”")


def test_results_counted_before_reason_codes_still_show_their_stored_sentence(
    client, no_skip_counted_in_english
):
    process = no_skip_counted_in_english
    results = process.results
    for group in results["groups"]:
        for row in group["projects"]:
            del row["reason_code"], row["reason_params"]
            row["reason"] = f"Stored sentence for {row['id']} (counted before)."
    Process.objects.filter(pk=process.pk).update(results=results)

    cells = reason_cells(page(client, f"/fi/pb/{process.slug}/results/"))
    ids = [row["id"] for row in results["groups"][0]["projects"]]
    assert cells == [f"Stored sentence for {pid} (counted before)." for pid in ids]


@pytest.fixture
def decided_in_english(funded, team, organiser, servant):
    """The skate park assessed (one indicator at half its target: 0.25, not a success) and its
    bonus decided (forfeited, one citizen confirming), all while the site is in English."""
    indicator = team.indicators.first()
    with translation.override("en"):
        assessment_services.indicator_set_target(
            indicator=indicator, user=servant, baseline=0, target=100
        )
        assessment_services.indicator_measure(
            indicator=indicator, user=team.champion, measured=50, evidence="Counter"
        )
        assessment_services.indicator_verify(indicator=indicator, user=servant)
        processes_services.process_phase_set(process=funded, phase=Phase.EVALUATION, user=organiser)
        assessment_services.implementation_assess(implementation=team, user=organiser)
        assessment_services.assessment_vote(implementation=team, user=UserFactory(), agree=True)
        return assessment_services.implementation_bonus_decide(implementation=team, user=organiser)


def timeline(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("language", "assessed", "bonus"),
    [
        ("fi", "Pisteet 0,25: ei onnistunut", "(vahvistaneita 1, hylänneitä 0)"),
        ("sv", "Poäng 0,25: ingen framgång", "(1 bekräftade, 0 förkastade)"),
        ("en", "Score 0.25: not a success", "(1 confirmed, 0 rejected)"),
    ],
)
def test_the_assessment_and_bonus_entries_read_in_the_readers_language(
    client, decided_in_english, language, assessed, bonus
):
    with translation.override(language):
        url = decided_in_english.get_absolute_url()
        outcome = str(BonusOutcome.FORFEITED.label)
    text = timeline(page(client, url))
    assert assessed in text
    assert f"{outcome} {bonus}" in text


def test_timeline_entries_recorded_before_keep_their_note_and_typed_notes_stay_as_typed(
    client, team, organiser
):
    ImplementationEvent.objects.create(
        implementation=team, kind=EventKind.ASSESSED, actor=organiser, note="Score 0.90: success"
    )
    ImplementationEvent.objects.create(
        implementation=team,
        kind=EventKind.STATUS,
        status="stalled",
        actor=organiser,
        note="Odotamme rakennuslupaa.",
    )
    with translation.override("sv"):
        text = timeline(page(client, team.get_absolute_url()))
    assert "Score 0.90: success" in text
    assert "Odotamme rakennuslupaa." in text
