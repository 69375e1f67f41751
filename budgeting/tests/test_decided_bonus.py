"""Once an implementation's bonus is decided, nothing reopens it: every action of the
implementation page that could change what the assessment and the ledger rest on is refused
with a message, and the admin refuses a status or team change too. Progress updates stay open."""

from django.urls import reverse

import pytest

from budgeting.assessment import services as assessment_services
from budgeting.factories import UserFactory
from budgeting.implementation import services as implementation_services
from budgeting.implementation.actions import ACTIONS
from budgeting.implementation.models import BonusOutcome, Implementation
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase

DECIDED = "The bonus has been decided"


@pytest.fixture
def decided(funded, team, organiser, servant):
    """The skate park, assessed and its bonus decided, with something left for every action:
    a milestone signed by the champion only, another not signed, a measured value nobody
    verified, and an unexpected effect that does not count."""
    implementation_services.milestone_add(implementation=team, user=servant, title="Permit")
    half = implementation_services.milestone_add(implementation=team, user=servant, title="Opening")
    implementation_services.milestone_sign_off(milestone=half, user=team.champion)
    first, second = team.indicators.all()[:2]
    for indicator in (first, second):
        assessment_services.indicator_set_target(
            indicator=indicator, user=servant, baseline=0, target=10
        )
        assessment_services.indicator_measure(
            indicator=indicator, user=team.champion, measured=10, evidence="Counter"
        )
    assessment_services.indicator_verify(indicator=first, user=servant)
    assessment_services.effect_record(
        implementation=team, user=team.champion, description="Noise", good=False, evidence="Log"
    )
    processes_services.process_phase_set(process=funded, phase=Phase.EVALUATION, user=organiser)
    assessment_services.implementation_assess(implementation=team, user=organiser)
    assessment_services.assessment_vote(implementation=team, user=UserFactory(), agree=True)
    decided = assessment_services.implementation_bonus_decide(implementation=team, user=organiser)
    assert decided.bonus_outcome != BonusOutcome.PENDING
    return decided


def _record(implementation: Implementation) -> dict:
    """Everything the assessment and the ledger rest on, as stored."""
    implementation = Implementation.objects.get(pk=implementation.pk)
    return {
        "fields": (
            implementation.status,
            implementation.champion_id,
            implementation.score,
            implementation.success,
            implementation.bonus_outcome,
            implementation.closed_at,
        ),
        "servants": sorted(implementation.civil_servants.values_list("pk", flat=True)),
        "milestones": list(
            implementation.milestones.values_list(
                "title", "due", "description", "champion_signed_at", "servant_signed_at"
            )
        ),
        "indicators": list(
            implementation.indicators.values_list("baseline", "target", "measured", "verified_at")
        ),
        "effects": list(implementation.effects.values_list("description", "counts")),
        "events": implementation.events.count(),
        "votes": implementation.assessment_votes.count(),
    }


def _form(decided, action: str) -> tuple[str, dict]:
    """Who posts the action, and a valid-looking form for it."""
    milestone = decided.milestones.get(title="Permit")
    half = decided.milestones.get(title="Opening")
    unverified = decided.indicators.filter(verified_at__isnull=True).first()
    effect = decided.effects.get()
    prefix = f"ind-{unverified.pk}"
    forms = {
        "status": ("champion", {"status": "done", "note": "Opened"}),
        "team": ("organiser", {"civil_servants": "newcomer"}),
        "handover": ("organiser", {"new_champion": "newcomer", "reason": "Moved away"}),
        "milestone": ("champion", {"title": "Second opening"}),
        "milestone_edit": (
            "champion",
            {"milestone": milestone.pk, f"ms-{milestone.pk}-title": "Permit (amended)"},
        ),
        "milestone_remove": ("champion", {"milestone": milestone.pk}),
        "sign_off": ("servant", {"milestone": half.pk}),
        "target": (
            "servant",
            {"indicator": unverified.pk, f"{prefix}-baseline": "0", f"{prefix}-target": "1"},
        ),
        "measure": (
            "champion",
            {"indicator": unverified.pk, f"{prefix}-measured": "99", f"{prefix}-evidence": "x"},
        ),
        "verify": ("organiser", {"indicator": unverified.pk}),
        "effect": ("champion", {"description": "More noise", "good": "no", "evidence": "Log"}),
        "effect_count": ("organiser", {"effect": effect.pk, "counts": "yes"}),
        "assess": ("organiser", {}),
        "decide": ("organiser", {}),
    }
    return forms[action]


# what stays open after the bonus is decided: it changes no outcome (see
# `implementation_open_check`); every other action of the page is refused
STAYS_OPEN = {"update", "confirm", "volunteer"}


@pytest.mark.parametrize("action", [name for name in ACTIONS if name not in STAYS_OPEN])
def test_nothing_on_the_implementation_page_reopens_a_decided_bonus(
    client, decided, organiser, servant, action
):
    UserFactory(username="newcomer")
    role, data = _form(decided, action)
    user = {"champion": decided.champion, "servant": servant, "organiser": organiser}[role]
    before = _record(decided)
    client.force_login(user)

    response = client.post(
        reverse(
            "budgeting:implementation_action",
            kwargs={
                "slug": decided.project.process.slug,
                "pk": decided.project_id,
                "action": action,
            },
        ),
        data,
    )

    assert response.status_code == 400
    assert DECIDED in response.content.decode()
    assert _record(decided) == before


def test_citizens_cannot_confirm_a_decided_assessment_any_more(client, decided):
    before = _record(decided)
    client.force_login(UserFactory())
    response = client.post(
        reverse(
            "budgeting:implementation_action",
            kwargs={
                "slug": decided.project.process.slug,
                "pk": decided.project_id,
                "action": "confirm",
            },
        ),
        {"agree": "no"},
    )
    assert response.status_code == 400
    assert "not open for confirmation" in response.content.decode()
    assert _record(decided) == before


def test_the_page_offers_no_change_once_the_bonus_is_decided_but_updates_stay_open(
    client, decided, organiser
):
    client.force_login(organiser)
    page = client.get(decided.get_absolute_url()).content.decode()
    for action in ("status", "team", "handover", "milestone", "effect", "assess"):
        assert f"/implementation/{action}/" not in page, action

    response = client.post(
        reverse(
            "budgeting:implementation_action",
            kwargs={
                "slug": decided.project.process.slug,
                "pk": decided.project_id,
                "action": "update",
            },
        ),
        {"body": "<p>A year on, the park is full every evening.</p>"},
    )
    assert response.status_code == 302
    assert decided.updates.count() == 1


def test_the_admin_refuses_a_status_or_team_change_once_the_bonus_is_decided(client, decided):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    newcomer = UserFactory(username="newcomer")
    before = _record(decided)
    client.force_login(editor)
    url = reverse("wagtailsnippets_budgeting_implementation:edit", args=[decided.pk])
    servants = [str(pk) for pk in before["servants"]]

    response = client.post(
        url, {"status": "cancelled", "status_note": "Closed down", "civil_servants": servants}
    )
    assert response.status_code == 200 and DECIDED in response.content.decode()
    response = client.post(
        url, {"status": decided.status, "civil_servants": servants + [str(newcomer.pk)]}
    )
    assert response.status_code == 200 and DECIDED in response.content.decode()
    assert _record(decided) == before
