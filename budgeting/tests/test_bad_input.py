"""Bad input to the PB pages: ids that are not ids, or too big for any database, answer 404
and change nothing (on SQLite and PostgreSQL alike); a `next` that is not a path on this site
is ignored. Never a server error."""

from django.urls import reverse

import pytest

from budgeting.assessment import criteria as assessment_criteria
from budgeting.factories import ProjectFactory

BAD_IDS = ["abc", "", "99999999999999999999", str(2**63), "-1", "1.5", "1_0"]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_removing_a_criterion_by_a_bad_id_is_not_found(process, organiser, client, raw):
    assessment_criteria.criterion_add(process=process, user=organiser, title="Weekly users")
    client.force_login(organiser)

    response = client.post(
        reverse("budgeting:criteria", kwargs={"slug": process.slug}), {"remove": raw}
    )

    assert response.status_code == 404
    assert list(process.criteria.values_list("title", flat=True)) == ["Weekly users"]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_signing_off_a_milestone_by_a_bad_id_is_not_found(team, client, raw):
    client.force_login(team.champion)
    url = reverse(
        "budgeting:implementation_action",
        kwargs={"slug": team.project.process.slug, "pk": team.project_id, "action": "sign_off"},
    )

    response = client.post(url, {"milestone": raw})

    assert response.status_code == 404


@pytest.mark.parametrize("raw", ["99999999999999999999", str(2**63)])
def test_an_oversize_project_in_the_url_is_not_found(process, client, raw):
    url = reverse("budgeting:project", kwargs={"slug": process.slug, "pk": 1}).replace(
        "/1/", f"/{raw}/"
    )

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("target", ["project", "😀", "https://evil.example/", "//evil.example/"])
def test_a_next_that_is_not_a_path_here_goes_back_to_the_project(process, citizen, client, target):
    project = ProjectFactory(process=process, title="Benches")
    client.force_login(citizen)

    response = client.post(
        reverse("budgeting:support", kwargs={"slug": process.slug, "pk": project.pk}),
        {"next": target},
    )

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
