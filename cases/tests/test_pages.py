from wagtail.models import PageViewRestriction

import pytest

from cases.factories import (
    CaseLineageFactory,
    CasePageFactory,
    CountryFactory,
    ExperimentCaseFactory,
    MethodFactory,
    StageFactory,
    SuccessCriterionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_case_page_shows_its_facts_narrative_and_credits_its_source(client, index):
    case = CasePageFactory(
        parent=index,
        title="Citizens' budget of Tampere",
        summary="Residents decided how to spend a part of the city budget.",
        year_launched=2019,
        status="completed",
        organisations="City of Tampere\nTampere University",
        countries=[CountryFactory(key="fi", name="Finland")],
        themes=[ThemeFactory(key="economic-affairs", name="Economic affairs")],
        methods=[MethodFactory(key="participatory-budgeting", name="Participatory budgeting")],
        stages=[StageFactory(key="implementing", name="Implementing")],
        problem="<p>Few residents took part in budgeting.</p>",
        lessons="<p>Start small.</p>",
        source_name="Participedia",
        source_url="https://participedia.net/case/1",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
    )

    response = client.get(case.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Citizens&#x27; budget of Tampere</h1>" in html
    for fact in (
        "Finland",
        "2019",
        "Completed",
        "Tampere University",
        "Economic affairs",
        "Participatory budgeting",
        "Implementing",
    ):
        assert fact in html
    assert '<h2 id="section-problem">The problem</h2>' in html
    assert "Few residents took part in budgeting." in html
    assert '<h2 id="section-lessons">Lessons learned</h2>' in html
    assert "What we tried" in html  # the body
    assert 'href="https://participedia.net/case/1"' in html
    assert 'rel="license">CC BY-SA 4.0</a>' in html
    assert "This page is shared under the same licence." in html


def test_case_page_without_source_shows_no_credit(client, index):
    case = CasePageFactory(parent=index)

    response = client.get(case.url)

    assert response.status_code == 200
    assert 'class="credit"' not in response.content.decode()


def test_experiment_card_shows_design_criteria_and_outcome(client, index):
    case = ExperimentCaseFactory(parent=index, hypothesis_outcome="partly-met")
    SuccessCriterionFactory(
        page=case,
        indicator="Response rate",
        baseline="31 %",
        target="40 %",
        result="44 %",
        outcome="met",
    )
    SuccessCriterionFactory(
        page=case, indicator="Cost per answer", baseline="3 €", target="2 €", result="", outcome=""
    )

    html = client.get(case.url).content.decode()

    assert "Experiment card" in html
    assert "If residents get a reminder letter, then more of them answer." in html
    assert "A different group" in html and "Random assignment" in html
    assert "Partly met" in html
    row = "<td>31 %</td><td>40 %</td><td>44 %</td><td>Met</td>"
    assert f'<th scope="row">Response rate</th>{row}' in html
    assert "not measured yet" in html


def test_lineage_is_shown_on_both_ends(client, index):
    earlier = CasePageFactory(parent=index, title="Porto Alegre budget")
    later = CasePageFactory(parent=index, title="Paris budget")
    CaseLineageFactory(
        page=later,
        earlier_case=earlier,
        relation="adapted-from",
        note="Online voting instead of assemblies.",
    )

    later_html = client.get(later.url).content.decode()
    earlier_html = client.get(earlier.url).content.decode()

    assert "Adapted from" in later_html and "Porto Alegre budget" in later_html
    assert "Adapted into" in earlier_html and "Paris budget" in earlier_html
    assert "Online voting instead of assemblies." in earlier_html


def test_case_page_shows_related_content_from_the_index(client, index, reindex):
    theme = ThemeFactory(key="health", name="Health")
    case = CasePageFactory(parent=index, title="Clinic queues", themes=[theme])
    CasePageFactory(parent=index, title="Hospital discharge", themes=[theme])
    reindex()

    html = client.get(case.url).content.decode()

    assert "Related cases, tools and stories" in html
    assert "Hospital discharge" in html


def test_restricted_case_is_not_listed_or_compared(client, index, reindex):
    restricted = CasePageFactory(parent=index, title="Members-only case")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    reindex()

    assert "Members-only case" not in client.get(index.url).content.decode()
    compare = client.get(index.url + "compare/", {"case": restricted.pk})
    assert "Members-only case" not in compare.content.decode()


def test_editors_can_open_a_case_in_the_page_editor(client, index, django_user_model):
    case = ExperimentCaseFactory(parent=index, countries=[CountryFactory(key="fi", name="Finland")])
    client.force_login(django_user_model.objects.create_superuser("editor", "e@example.org", "x"))

    assert client.get(f"/admin/pages/{case.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/cases/casepage/{index.pk}/").status_code == 200


def test_case_page_names_its_network_contact_while_their_membership_is_active(client, index):
    from network.factories import MemberFactory
    from network.models import MemberStatus

    contact = MemberFactory(display_name="Aino Virtanen")
    case = CasePageFactory(parent=index, title="Street experiments", contact=contact)

    page = client.get(case.url).content.decode()
    assert "Contact person" in page
    assert f'href="{contact.get_absolute_url()}"' in page and "Aino Virtanen" in page

    contact.status = MemberStatus.DEACTIVATED
    contact.save()
    page = client.get(case.url).content.decode()
    assert "Contact person" not in page and "Aino Virtanen" not in page
