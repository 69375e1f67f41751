"""Operators see failed tasks and the e-mail kept after its retries in the Django admin, and send
the kept e-mail again from there."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.models import OutgoingMail
from portal.outgoing_mail import message_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("operator", "operator@example.org", "x")
    client.force_login(user)
    return client


def test_failed_tasks_are_listed_with_their_traceback(operator):
    failed = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="search.tasks.drain_search_outbox",
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="builtins.RuntimeError",
        traceback="Traceback (most recent call last):\nRuntimeError: the index is gone",
    )

    listing = operator.get("/django-admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    detail = operator.get(f"/django-admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")

    assert listing.status_code == 200 and "drain_search_outbox" in listing.content.decode()
    assert "RuntimeError: the index is gone" in detail.content.decode()


def test_kept_mail_is_listed_and_sent_again_by_an_action(operator, settings):
    message = mail.EmailMessage("Your place", "A place opened up.", to=["aino@example.org"])
    kept = OutgoingMail.objects.create(
        mailer="smtp", subject="Your place", message=message_data(message), attempts=8
    )
    settings.MAILERS = {"smtp": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

    listing = operator.get("/django-admin/portal/outgoingmail/")
    assert "aino@example.org" in listing.content.decode()

    operator.post(
        "/django-admin/portal/outgoingmail/",
        {"action": "send_again", "_selected_action": [kept.pk]},
    )

    assert [m.subject for m in mail.outbox] == ["Your place"]
    assert not OutgoingMail.objects.exists()
