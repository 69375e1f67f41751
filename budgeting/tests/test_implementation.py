"""After the vote: criteria chosen by voters, co-implementation, sign-offs, indicators, the
assessment with the citizens' confirmation, and the pages that show them."""

import io
import json
import zipfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image as PILImage

from budgeting.assessment import criteria as assessment_criteria
from budgeting.assessment import services as assessment_services
from budgeting.assessment.models import ImpactCriterion
from budgeting.assessment.selectors import process_ledger
from budgeting.factories import ProjectFactory, UserFactory
from budgeting.implementation import services as implementation_services
from budgeting.implementation.models import (
    BonusOutcome,
    EventKind,
    Implementation,
    ImplementationStatus,
)
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.tests.conftest import cast

# Criteria


def test_organisers_curate_criteria_from_the_champions_suggestions(process, organiser, citizen):
    ProjectFactory(process=process, impact_criteria="Weekly users\nFewer accidents")
    ProjectFactory(process=process, impact_criteria="weekly users\nCleaner river")
    created = assessment_criteria.criteria_from_suggestions(process=process, user=organiser)
    assert [c.title for c in created] == ["Weekly users", "Fewer accidents", "Cleaner river"]
    with pytest.raises(PermissionDenied):
        assessment_criteria.criterion_add(process=process, user=citizen, title="Anything")
    with pytest.raises(ValidationError, match="already on the list"):
        assessment_criteria.criterion_add(process=process, user=organiser, title="WEEKLY USERS")


def test_the_criteria_list_is_fixed_when_voting_opens(voting_process, organiser):
    with pytest.raises(ValidationError, match="fixed when voting opened"):
        assessment_criteria.criterion_add(process=voting_process, user=organiser, title="Late idea")


def test_a_voter_chooses_criteria_after_the_ballot_and_can_change_them(process, organiser, citizen):
    first = assessment_criteria.criterion_add(process=process, user=organiser, title="Weekly users")
    second = assessment_criteria.criterion_add(process=process, user=organiser, title="Cost kept")
    ProjectFactory(process=process, title="Trees", feasible=True)
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    with pytest.raises(PermissionDenied, match="Cast your ballot first"):
        assessment_criteria.criteria_choose(process=process, voter=citizen, criteria=[first.pk])
    ballot = cast(process, citizen, "Trees")
    assessment_criteria.criteria_choose(
        process=process, voter=citizen, criteria=[first.pk, second.pk]
    )
    assessment_criteria.criteria_choose(process=process, voter=citizen, criteria=[second.pk])
    assert list(ballot.criteria_choices.values_list("criterion_id", flat=True)) == [second.pk]
    other = ImpactCriterion.objects.create(process=ProjectFactory().process, title="Elsewhere")
    with pytest.raises(ValidationError, match="not on this process's list"):
        assessment_criteria.criteria_choose(process=process, voter=citizen, criteria=[other.pk])
    processes_services.process_phase_set(process=process, phase=Phase.RESULTS, user=organiser)
    with pytest.raises(ValidationError, match="while voting is open"):
        assessment_criteria.criteria_choose(process=process, voter=citizen, criteria=[first.pk])


def test_the_rule_freezes_the_bonus_pool_and_the_criteria_rule(funded):
    published = json.loads(funded.rule_json)["impact"]
    assert published["bonus_pool"] == "10000.00"
    assert published["criteria_top_n"] == "2"
    funded.bonus_pool_amount = Decimal("999999")
    with pytest.raises(ValidationError) as error:
        funded.full_clean()
    assert "bonus_pool_amount" in error.value.message_dict


# Implementation


def test_starting_implementation_turns_selected_projects_into_implementations(funded):
    implementations = Implementation.objects.filter(project__process=funded)
    assert sorted(i.project.title for i in implementations) == ["Skate park", "Trees"]
    for implementation in implementations:
        assert implementation.champion == implementation.project.champion
        assert implementation.status == ImplementationStatus.PLANNED
        # the two most chosen criteria (3 and 1 votes; the tie goes to the earlier on the list)
        assert [i.criterion.title for i in implementation.indicators.all()] == [
            "Weekly users",
            "Residents satisfied",
        ]
        assert implementation.events.get().kind == EventKind.STARTED
    chosen = {c.title: (c.chosen_by, c.selected) for c in funded.criteria.all()}
    assert chosen == {
        "Weekly users": (3, True),
        "Residents satisfied": (1, True),
        "Cost kept": (1, False),
    }


def test_implementation_cannot_start_before_the_results(voting_process, organiser):
    with pytest.raises(ValidationError, match="after the results"):
        processes_services.implementation_start(process=voting_process, user=organiser)


def test_a_milestone_counts_only_with_both_sign_offs(team, organiser, servant, citizen):
    champion = team.champion
    milestone = implementation_services.milestone_add(
        implementation=team, user=champion, title="Ramp poured"
    )
    with pytest.raises(PermissionDenied):
        implementation_services.milestone_sign_off(milestone=milestone, user=citizen)
    with pytest.raises(PermissionDenied):  # an organiser is neither champion nor civil servant
        implementation_services.milestone_sign_off(milestone=milestone, user=organiser)
    milestone = implementation_services.milestone_sign_off(milestone=milestone, user=champion)
    assert not milestone.reached
    assert milestone.champion_signed_by == champion and milestone.champion_signed_at
    with pytest.raises(ValidationError, match="already signed"):
        implementation_services.milestone_sign_off(milestone=milestone, user=champion)
    assert not team.events.filter(kind=EventKind.MILESTONE).exists()
    milestone = implementation_services.milestone_sign_off(milestone=milestone, user=servant)
    assert milestone.reached
    assert milestone.servant_signed_by == servant and milestone.servant_signed_at
    assert team.events.filter(kind=EventKind.MILESTONE, note="Ramp poured").exists()


def test_the_champion_cannot_also_be_a_civil_servant(skate, organiser):
    with pytest.raises(ValidationError, match="champion cannot also be"):
        implementation_services.implementation_team_set(
            implementation=skate, user=organiser, civil_servants=[skate.champion]
        )


def test_an_organiser_hands_the_champion_role_over_with_a_reason(team, organiser, citizen):
    previous = team.champion
    with pytest.raises(PermissionDenied):
        implementation_services.champion_hand_over(
            implementation=team, user=previous, new_champion=citizen, reason="Moving away"
        )
    with pytest.raises(ValidationError):
        implementation_services.champion_hand_over(
            implementation=team, user=organiser, new_champion=citizen, reason=" "
        )
    implementation_services.champion_hand_over(
        implementation=team, user=organiser, new_champion=citizen, reason="Moving away"
    )
    team.refresh_from_db()
    assert team.champion == citizen
    event = team.events.get(kind=EventKind.HANDOVER)
    assert (event.from_user, event.to_user, event.note) == (previous, citizen, "Moving away")
    # the former champion cannot sign off any more; the new one can
    milestone = implementation_services.milestone_add(
        implementation=team, user=citizen, title="Opening"
    )
    with pytest.raises(PermissionDenied):
        implementation_services.milestone_sign_off(milestone=milestone, user=previous)
    assert implementation_services.milestone_sign_off(
        milestone=milestone, user=citizen
    ).champion_signed_by


def test_stalled_needs_a_reason_and_status_changes_join_the_timeline(team, citizen):
    with pytest.raises(ValidationError):
        implementation_services.implementation_status_set(
            implementation=team, user=team.champion, status=ImplementationStatus.STALLED
        )
    with pytest.raises(PermissionDenied):
        implementation_services.implementation_status_set(
            implementation=team, user=citizen, status=ImplementationStatus.IN_PROGRESS
        )
    implementation_services.implementation_status_set(
        implementation=team,
        user=team.champion,
        status=ImplementationStatus.STALLED,
        note="Waiting for the permit",
    )
    assert team.events.filter(status=ImplementationStatus.STALLED).get().note == (
        "Waiting for the permit"
    )


def test_a_progress_update_is_sanitised_and_a_photo_needs_a_description(
    team, citizen, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(PermissionDenied):
        implementation_services.progress_update_post(
            implementation=team, user=citizen, body="<p>Hi</p>"
        )
    implementation_services.implementation_volunteer(implementation=team, user=citizen)
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "green").save(buffer, "PNG")
    photo = SimpleUploadedFile("ramp.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="Describe the photo"):
        implementation_services.progress_update_post(
            implementation=team, user=citizen, body="x", photo=photo
        )
    photo.seek(0)
    update = implementation_services.progress_update_post(
        implementation=team,
        user=citizen,
        body="<p onclick='x()'>Concrete <script>x</script>poured</p>",
        photo=photo,
        photo_alt="The new ramp",
    )
    assert update.body == "<p>Concrete poured</p>"
    assert update.photo.title == "The new ramp" and update.photo.width == 40


def test_a_photo_that_is_not_an_image_is_refused_with_a_message(team, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(team.champion)
    url = reverse(
        "budgeting:implementation_action",
        kwargs={"slug": team.project.process.slug, "pk": team.project_id, "action": "update"},
    )
    fake = SimpleUploadedFile("ramp.png", b"not an image", content_type="image/png")
    response = client.post(url, {"body": "Kept text", "photo": fake, "photo_alt": "Ramp"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    assert not team.updates.exists()


def _measure_everything(team, servant, organiser, values):
    for indicator, (baseline, target, measured) in zip(team.indicators.all(), values, strict=True):
        assessment_services.indicator_set_target(
            indicator=indicator, user=servant, baseline=baseline, target=target
        )
        assessment_services.indicator_measure(
            indicator=indicator, user=team.champion, measured=measured, evidence="Door counter"
        )
        assessment_services.indicator_verify(indicator=indicator, user=servant)


def test_a_value_is_verified_by_someone_else_and_a_new_value_needs_verifying_again(team, servant):
    indicator = team.indicators.first()
    assessment_services.indicator_set_target(
        indicator=indicator, user=servant, baseline=0, target=100
    )
    with pytest.raises(ValidationError, match="where the value comes from"):
        assessment_services.indicator_measure(
            indicator=indicator, user=servant, measured=50, evidence=""
        )
    assessment_services.indicator_measure(
        indicator=indicator, user=servant, measured=50, evidence="Count"
    )
    with pytest.raises(ValidationError, match="other than the person who measured"):
        assessment_services.indicator_verify(indicator=indicator, user=servant)
    with pytest.raises(PermissionDenied):  # the champion measures but does not verify
        assessment_services.indicator_verify(indicator=indicator, user=team.champion)
    assessment_services.indicator_measure(
        indicator=indicator, user=team.champion, measured=60, evidence="C"
    )
    indicator = assessment_services.indicator_verify(indicator=indicator, user=servant)
    assert indicator.verified and indicator.verified_by == servant
    indicator = assessment_services.indicator_measure(
        indicator=indicator, user=team.champion, measured=70, evidence="C"
    )
    assert not indicator.verified


def test_assessment_confirmation_and_bonus_release(funded, team, organiser, servant):
    _measure_everything(team, servant, organiser, [(0, 200, 150), (3, 4, 4.5)])
    effect = assessment_services.effect_record(
        implementation=team,
        user=team.champion,
        description="Older residents walk there too",
        good=True,
        evidence="Survey",
    )
    assessment_services.effect_count_set(effect=effect, user=organiser, counts=True)
    with pytest.raises(ValidationError, match="evaluation phase"):
        assessment_services.implementation_assess(implementation=team, user=organiser)
    processes_services.process_phase_set(process=funded, phase=Phase.EVALUATION, user=organiser)
    team = assessment_services.implementation_assess(implementation=team, user=organiser)
    assert team.score == Decimal("0.9250") and team.success
    resident, sceptic, outsider = (
        UserFactory(),
        UserFactory(),
        UserFactory(resident=False),
    )
    assessment_services.assessment_vote(implementation=team, user=resident, agree=True)
    assessment_services.assessment_vote(implementation=team, user=sceptic, agree=False)
    assessment_services.assessment_vote(
        implementation=team, user=sceptic, agree=True
    )  # changed their mind
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_vote(implementation=team, user=outsider, agree=False)
    team = assessment_services.implementation_bonus_decide(implementation=team, user=organiser)
    assert team.bonus_outcome == BonusOutcome.RELEASED
    with pytest.raises(ValidationError, match="bonus has been decided"):
        assessment_services.indicator_measure(
            indicator=team.indicators.first(), user=servant, measured=1, evidence="x"
        )
    ledger = process_ledger(process=funded)
    by_title = {row.title: row for row in ledger.rows}
    # pool 10,000 split by cost 60,000 : 30,000
    assert by_title["Skate park"].amount == 666_667 and by_title["Skate park"].state == "released"
    assert by_title["Skate park"].champion_amount == 266_667  # 40 %
    assert by_title["Skate park"].servant_amounts == (("servant", 400_000),)
    assert by_title["Trees"].amount == 333_333 and by_title["Trees"].state == "committed"
    assert sum(ledger.totals.values()) == 1_000_000


def test_a_rejected_or_failed_assessment_forfeits_the_bonus(funded, team, organiser, servant):
    # only one indicator verified at half its target: score 0.25, not a success
    indicator = team.indicators.first()
    assessment_services.indicator_set_target(
        indicator=indicator, user=servant, baseline=0, target=100
    )
    assessment_services.indicator_measure(
        indicator=indicator, user=team.champion, measured=50, evidence="C"
    )
    assessment_services.indicator_verify(indicator=indicator, user=servant)
    processes_services.process_phase_set(process=funded, phase=Phase.EVALUATION, user=organiser)
    team = assessment_services.implementation_assess(implementation=team, user=organiser)
    assert team.score == Decimal("0.2500") and not team.success
    assessment_services.assessment_vote(implementation=team, user=UserFactory(), agree=True)
    team = assessment_services.implementation_bonus_decide(implementation=team, user=organiser)
    assert team.bonus_outcome == BonusOutcome.FORFEITED
    # a success that citizens reject is forfeited too
    trees = Implementation.objects.get(project__process=funded, project__title="Trees")
    implementation_services.implementation_team_set(
        implementation=trees, user=organiser, civil_servants=[servant]
    )
    _measure_everything(trees, servant, organiser, [(0, 10, 10), (0, 10, 10)])
    trees = assessment_services.implementation_assess(implementation=trees, user=organiser)
    assert trees.success
    assessment_services.assessment_vote(implementation=trees, user=UserFactory(), agree=False)
    trees = assessment_services.implementation_bonus_decide(implementation=trees, user=organiser)
    assert trees.bonus_outcome == BonusOutcome.FORFEITED
    assert process_ledger(process=funded).totals == {
        "committed": 0,
        "released": 0,
        "forfeited": 1_000_000,
    }


# Pages


def test_the_process_page_shows_the_living_case_in_few_queries(
    funded, team, client, django_assert_max_num_queries
):
    milestone = implementation_services.milestone_add(
        implementation=team, user=team.champion, title="Design"
    )
    implementation_services.milestone_sign_off(milestone=milestone, user=team.champion)
    # 28 (26 measured): the texts in the reader's language add one query each for the
    # process's translations, the results' titles and the funded projects' translations
    with django_assert_max_num_queries(28):
        response = client.get(funded.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Implementation: the funded projects" in page
    assert "Skate park" in page and "0 / 1" in page
    assert "Weekly users" in page and "defines success" in page


def test_the_embedded_block_shows_the_living_case(funded, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from budgeting.blocks import ProcessBlock

    block = ProcessBlock()
    request = rf.get("/en/cases/1/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    html = block.render(block.to_python({"process": funded.pk}), context={"request": request})
    assert "Funded projects, their progress and outcome" in html
    assert "Trees" in html


def test_the_implementation_page_shows_sign_offs_and_keeps_refused_input(team, client, servant):
    milestone = implementation_services.milestone_add(
        implementation=team, user=servant, title="Permit"
    )
    implementation_services.milestone_sign_off(milestone=milestone, user=servant)
    url = team.get_absolute_url()
    page = client.get(url).content.decode()
    assert "signed off by servant" in page and "Not reached yet" in page
    assert "Sign off" not in page  # visitors see no sign-off button
    client.force_login(team.champion)
    action = reverse(
        "budgeting:implementation_action",
        kwargs={"slug": team.project.process.slug, "pk": team.project_id, "action": "status"},
    )
    response = client.post(action, {"status": "stalled", "note": ""})
    assert response.status_code == 400
    assert "Say why the project is stalled." in response.content.decode()
    response = client.post(
        reverse(
            "budgeting:implementation_action",
            kwargs={
                "slug": team.project.process.slug,
                "pk": team.project_id,
                "action": "sign_off",
            },
        ),
        {"milestone": milestone.pk},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.reached


def test_a_stranger_cannot_act_on_an_implementation(team, client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse(
            "budgeting:implementation_action",
            kwargs={"slug": team.project.process.slug, "pk": team.project_id, "action": "team"},
        ),
        {"civil_servants": citizen.username},
    )
    assert response.status_code == 403
    assert "Only the organisers" in response.content.decode()
    assert not team.civil_servants.filter(pk=citizen.pk).exists()


def test_ledger_downloads_as_csv_and_json(funded, client):
    response = client.get(reverse("budgeting:ledger_csv", kwargs={"slug": funded.slug}))
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("project_id,project,state,amount")
    assert any(line.startswith(",pool,,10000.00") for line in lines)
    data = json.loads(
        client.get(reverse("budgeting:ledger_json", kwargs={"slug": funded.slug})).content
    )
    assert data["pool"] == "10000.00"
    assert sum(Decimal(v) for v in data["totals"].values()) == Decimal("10000.00")
    page = client.get(reverse("budgeting:ledger", kwargs={"slug": funded.slug}))
    assert page.status_code == 200
    assert "share of the bonus pool" in page.content.decode()


def test_the_open_data_zip_holds_the_process_the_ballots_and_the_ledger(funded, client):
    response = client.get(reverse("budgeting:open_data", kwargs={"slug": funded.slug}))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(archive.namelist()) == {
        "process.json",
        f"{funded.slug}.pb",
        "ledger.csv",
        "README.txt",
    }
    data = json.loads(archive.read("process.json"))
    assert [c["title"] for c in data["criteria"] if c["defines_success"]] == [
        "Weekly users",
        "Residents satisfied",
    ]
    assert {i["title"] for i in data["implementations"]} == {"Skate park", "Trees"}
    assert data["process"]["rule_sha256"] == funded.rule_hash
    assert (
        client.get(reverse("budgeting:codebook", kwargs={"slug": funded.slug})).status_code == 200
    )


def test_the_ledger_is_not_published_before_implementation(voting_process, client):
    response = client.get(reverse("budgeting:ledger", kwargs={"slug": voting_process.slug}))
    assert response.status_code == 404


def test_organisers_edit_the_criteria_page_and_bad_input_keeps_the_message(
    process, organiser, citizen, client
):
    url = reverse("budgeting:criteria", kwargs={"slug": process.slug})
    client.force_login(citizen)
    assert client.post(url, {"title": "Sneaky"}).status_code == 403
    client.force_login(organiser)
    assert client.post(url, {"title": "Weekly users", "unit": "visits"}).status_code == 302
    response = client.post(url, {"title": "weekly users"})
    assert response.status_code == 400
    assert "already on the list" in response.content.decode()
    assert 'value="weekly users"' in response.content.decode()
    assert list(process.criteria.values_list("title", "unit")) == [("Weekly users", "visits")]


def test_a_voter_chooses_criteria_on_the_short_form(process, organiser, citizen, client):
    weekly = assessment_criteria.criterion_add(
        process=process, user=organiser, title="Weekly users"
    )
    assessment_criteria.criterion_add(process=process, user=organiser, title="Cost kept")
    ProjectFactory(process=process, title="Trees", feasible=True)
    processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)
    url = reverse("budgeting:criteria_vote", kwargs={"slug": process.slug})
    client.force_login(citizen)
    assert client.get(url)["Location"].endswith("/vote/")  # the ballot comes first
    ballot = cast(process, citizen, "Trees")
    response = client.post(url, {"criteria": [str(weekly.pk)]})
    assert response.status_code == 302
    assert list(ballot.criteria_choices.values_list("criterion__title", flat=True)) == [
        "Weekly users"
    ]
    page = client.get(url).content.decode()
    assert f'value="{weekly.pk}"' in page and "checked" in page


def test_the_implementation_and_ledger_pages_answer_in_few_queries(
    funded, team, client, django_assert_max_num_queries
):
    for title in ("Design", "Permit", "Build"):
        implementation_services.milestone_add(implementation=team, user=team.champion, title=title)
    implementation_services.progress_update_post(
        implementation=team, user=team.champion, body="<p>Started</p>"
    )
    client.get(team.get_absolute_url())  # the first request creates the site's settings rows
    with django_assert_max_num_queries(22):
        assert client.get(team.get_absolute_url()).status_code == 200
    # 12 (11 measured): the process's translations and the projects' titles in the reader's
    # language, one query each
    with django_assert_max_num_queries(12):
        assert (
            client.get(reverse("budgeting:ledger", kwargs={"slug": funded.slug})).status_code == 200
        )
