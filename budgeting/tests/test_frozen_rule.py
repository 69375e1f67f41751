"""Everything that decides the count is frozen when voting opens, and the count reads the
published rule: what `rule.json` and its SHA-256 publish is what is counted.

The admin refuses a change (a real POST to the Wagtail edit view, as a superuser); a change
made behind its back (the ORM) changes neither the count nor anything a voter sees.
"""

import json
from decimal import Decimal

from django.urls import reverse

import html5lib
import pytest

from budgeting.assessment.selectors import process_ledger
from budgeting.counting.pabulib import pabulib_read
from budgeting.exchange import process_to_pabulib
from budgeting.factories import DistrictFactory, ProjectFactory, UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import BallotType, District, Phase, Process
from budgeting.processes.selectors import rule_hash
from budgeting.tests.conftest import cast
from budgeting.voting.models import Ballot
from network.factories import CountryFactory, MemberFactory

FROZEN = "The rule was frozen when voting opened and cannot change."
DISTRICTS_FROZEN = "The districts and their budgets were frozen when voting opened"


# The admin: a superuser's POST to the edit view


def _form_data(html: str) -> dict[str, list[str]]:
    """What a browser would send for the admin's edit form, as it is shown."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    form = next(
        form
        for form in document.iter("form")
        if any(field.get("name") == "title" for field in form.iter("input"))
    )
    data: dict[str, list[str]] = {}
    for field in form.iter():
        name = field.get("name")
        if not name or field.get("disabled") is not None:
            continue
        if field.tag == "input":
            kind = field.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if field.get("checked") is not None:
                    data.setdefault(name, []).append(field.get("value", "on"))
                continue
            data.setdefault(name, []).append(field.get("value", ""))
        elif field.tag == "textarea":
            data.setdefault(name, []).append(field.text or "")
        elif field.tag == "select":
            options = list(field.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and field.get("multiple") is None:
                chosen = options[:1]
            data.setdefault(name, []).extend(o.get("value", o.text or "") for o in chosen)
    return data


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin-h2", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def district_vote(process, organiser):
    """Knapsack voting in two districts, North (30,000) and South (50,000)."""
    process.ballot_type = BallotType.KNAPSACK
    process.save()
    north = DistrictFactory(process=process, name="North", budget=Decimal(30000), sort_order=0)
    south = DistrictFactory(process=process, name="South", budget=Decimal(50000), sort_order=1)
    for district, title, cost in (
        (north, "North benches", 20000),
        (north, "North lights", 20000),
        (south, "South park", 40000),
    ):
        ProjectFactory(
            process=process,
            district=district,
            title=title,
            estimated_cost=Decimal(cost),
            feasible=True,
        )
    return processes_services.process_phase_set(process=process, phase=Phase.VOTING, user=organiser)


def _edit(admin_client, process, change):
    url = reverse("wagtailsnippets_budgeting_process:edit", args=[process.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = _form_data(page.content.decode())
    change(data)
    return admin_client.post(url, data)


def _stored(process) -> Process:
    return Process.objects.get(pk=process.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget_amount", "250000"),
        ("eligibility_codes", "on"),
        ("municipality", "Espoo"),
        ("country", "se"),
        ("max_choices", "1"),
    ],
)
def test_the_admin_refuses_to_change_the_budget_or_who_may_vote_while_voting_is_open(
    admin_client, district_vote, field, value
):
    before = _stored(district_vote)

    response = _edit(admin_client, district_vote, lambda data: data.update({field: [value]}))

    assert response.status_code == 200  # the form again, with the reason on the field
    assert FROZEN in response.content.decode()
    assert set(response.context["form"].errors) == {field}
    after = _stored(district_vote)
    assert getattr(after, field) == getattr(before, field)
    assert after.rule_json == before.rule_json


def test_the_admin_refuses_to_change_a_district_budget_while_voting_is_open(
    admin_client, district_vote
):
    def raise_north(data):
        index = next(i for i in range(2) if data[f"districts-{i}-name"] == ["North"])
        data[f"districts-{index}-budget"] = ["90000"]

    response = _edit(admin_client, district_vote, raise_north)

    assert response.status_code == 200
    assert DISTRICTS_FROZEN in response.content.decode()
    assert set(response.context["form"].errors) == {"__all__"}
    assert District.objects.get(name="North").budget == Decimal(30000)


def test_the_admin_refuses_to_add_or_remove_a_district_while_voting_is_open(
    admin_client, district_vote
):
    def add_west(data):
        total = int(data["districts-TOTAL_FORMS"][0])
        data["districts-TOTAL_FORMS"] = [str(total + 1)]
        data.update(
            {
                f"districts-{total}-name": ["West"],
                f"districts-{total}-budget": ["10000"],
                f"districts-{total}-id": [""],
                f"districts-{total}-ORDER": [str(total + 1)],
            }
        )

    response = _edit(admin_client, district_vote, add_west)
    assert response.status_code == 200 and DISTRICTS_FROZEN in response.content.decode()

    response = _edit(
        admin_client, district_vote, lambda data: data.update({"districts-1-DELETE": ["1"]})
    )
    assert response.status_code == 200 and DISTRICTS_FROZEN in response.content.decode()
    assert set(response.context["form"].errors) == {"__all__"}
    assert sorted(District.objects.values_list("name", flat=True)) == ["North", "South"]


def test_the_admin_still_saves_what_does_not_decide_the_count(admin_client, district_vote):
    response = _edit(
        admin_client, district_vote, lambda data: data.update({"title": ["Renamed budget"]})
    )

    assert response.status_code == 302
    after = _stored(district_vote)
    assert after.title == "Renamed budget"
    assert after.phase == Phase.VOTING and after.rule_json == district_vote.rule_json


def test_before_voting_the_admin_changes_the_budget(admin_client, process):
    response = _edit(admin_client, process, lambda data: data.update({"budget_amount": ["5"]}))

    assert response.status_code == 302
    assert _stored(process).budget_amount == Decimal(5)


# Behind the admin's back: the count reads the published rule


def test_a_budget_changed_in_the_database_changes_neither_the_count_nor_the_pages(
    client, district_vote, organiser, citizen
):
    published = district_vote.rule_json
    rule = json.loads(published)
    assert rule["budget"] == "100000.00"
    assert [(d["name"], d["budget"]) for d in rule["districts"]] == [
        ("North", "30000.00"),
        ("South", "50000.00"),
    ]
    # someone edits the database while voting is open: a budget, a district, the limits
    Process.objects.filter(pk=district_vote.pk).update(
        budget_amount=Decimal(999999), ballot_type=BallotType.APPROVAL, max_choices=1
    )
    District.objects.filter(name="North").update(budget=Decimal(90000))
    process = _stored(district_vote)

    # the knapsack limit is the published North budget of 30,000, not 90,000
    ballot_page = _ballot(client, process, citizen)
    assert 'data-ballot-type="knapsack"' in ballot_page and 'data-budget="30000' in ballot_page
    with pytest.raises(Exception, match="more than the budget of €30,000"):
        cast(process, citizen, "North benches", "North lights")
    cast(process, citizen, "North benches", "South park")

    process = processes_services.process_phase_set(
        process=process, phase=Phase.RESULTS, user=organiser
    )
    assert process.rule_json == published and process.rule_hash == rule_hash(published)
    results = process.results
    assert results["rule_hash"] == rule_hash(published)
    assert [(g["district"], g["budget"]) for g in results["groups"]] == [
        ("North", 30000.0),
        ("South", 50000.0),
    ]
    # rule.json and the pages say the same as the count
    assert client.get(f"/en/pb/{process.slug}/rule.json").content.decode() == published
    page = client.get(f"/en/pb/{process.slug}/results/").content.decode()
    assert "of €30,000" in page and "90,000" not in page
    detail = client.get(process.get_absolute_url()).content.decode()
    assert "100,000" in detail and "999,999" not in detail
    pabulib = pabulib_read(process_to_pabulib(process, district=District.objects.get(name="North")))
    assert pabulib.meta["budget"] == "30000" and pabulib.meta["max_sum_cost"] == "30000"


def test_the_counting_rule_and_tie_order_come_from_the_published_rule(voting_process, organiser):
    Process.objects.filter(pk=voting_process.pk).update(
        counting_rule="greedy", tie_break="submitted", budget_amount=Decimal(1)
    )
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        cast(voting_process, voter, "Skate park", "Trees")

    process = processes_services.process_phase_set(
        process=_stored(voting_process), phase=Phase.RESULTS, user=organiser
    )

    assert process.results["rule"] == "equalshares/add1"
    assert process.results["groups"][0]["budget"] == 100000.0
    assert json.loads(process.rule_json)["tie_order"]  # published with the rule


def test_who_may_vote_changed_in_the_database_does_not_change_who_votes(voting_process):
    """The published eligibility counts: moving the process to another town in the database
    neither shuts out the town's residents nor lets the other town in."""
    resident = UserFactory()  # a confirmed resident of the published municipality
    elsewhere = UserFactory(resident=False)
    MemberFactory(
        user=elsewhere, country=CountryFactory(key="fi"), municipality="Espoo", status="active"
    )
    Process.objects.filter(pk=voting_process.pk).update(
        municipality="Espoo", eligibility_accounts=False
    )
    process = _stored(voting_process)

    cast(process, resident, "Trees")
    with pytest.raises(Exception, match="not eligible"):
        cast(process, elsewhere, "Trees")
    assert Ballot.objects.filter(process=process).count() == 1


def test_the_ledger_pays_out_the_published_bonus_pool(funded):
    published = json.loads(funded.rule_json)["impact"]["bonus_pool"]
    Process.objects.filter(pk=funded.pk).update(
        bonus_pool_amount=Decimal(5_000_000), bonus_champion_share=Decimal(100)
    )

    ledger = process_ledger(process=_stored(funded))

    assert Decimal(ledger.pool) / 100 == Decimal(published) == Decimal(10000)
    assert _stored(funded).bonus_pool == Decimal(10000)


def _ballot(client, process, user) -> str:
    client.force_login(user)
    return client.get(f"/en/pb/{process.slug}/vote/").content.decode()
