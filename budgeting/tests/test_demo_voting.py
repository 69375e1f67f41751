"""After `make run` (the demo), member-fi is a confirmed resident of the demo town and votes
in its open youth budget; member-se, a Swede, does not."""

from django.contrib.auth import get_user_model

import pytest

from budgeting.demo import load_processes
from budgeting.permissions import voter_eligible
from budgeting.processes.models import Process
from network.demo import load_members

pytestmark = pytest.mark.django_db


def test_member_fi_votes_in_the_demo_towns_open_budget_with_a_confirmed_residence():
    load_members(None, limit=0)  # the demo accounts, as `load_demo` loads them first
    load_processes(None, limit=2)
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="member-")}
    youth = Process.objects.get(slug="demo-town-youth-2026")

    member = users["member-fi"].member
    assert member.residence_confirmed_at is not None
    assert member.residence_municipality == "Kokeilu demo town"
    assert voter_eligible(process=youth, user=users["member-fi"])
    assert not voter_eligible(process=youth, user=users["member-se"])
