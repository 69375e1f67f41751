"""Where tasks run: `TASKS_BACKEND` chooses django-tasks' immediate backend (the default:
development, tests) or django-tasks-db's table for the worker (production). With the table,
e-mail is queued by the request and sent by the `mail_send` task, which retries a message the
server refused with a doubling delay and finally keeps it in `OutgoingMail`."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

import pytest
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from portal.models import OutgoingMail
from portal.settings.environment import TASK_BACKENDS, tasks_from_env
from tests.mail_servers import mail_server_set_back, mail_server_set_down

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": TASK_BACKENDS["database"]}}
SHOW_BACKEND = (
    "import django; django.setup(); from django_tasks import task_backends; "
    "print(type(task_backends['default']).__name__)"
)


def test_the_immediate_backend_is_the_default(monkeypatch):
    monkeypatch.delenv("TASKS_BACKEND", raising=False)

    assert tasks_from_env("TASKS_BACKEND", default="immediate") == {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


def test_tasks_backend_database_selects_the_table_the_worker_reads(monkeypatch):
    monkeypatch.setenv("TASKS_BACKEND", "Database")

    assert tasks_from_env("TASKS_BACKEND", default="immediate") == {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend"}
    }


def test_an_unknown_tasks_backend_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("TASKS_BACKEND", "celery")

    with pytest.raises(ImproperlyConfigured, match="immediate, database"):
        tasks_from_env("TASKS_BACKEND", default="immediate")


def test_the_tests_run_tasks_where_they_are_enqueued():
    assert isinstance(task_backends["default"], ImmediateBackend)


def _backend_under(**variables: str) -> str:
    """The task backend that a process started with these settings variables uses."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "TASKS_BACKEND"
    }
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", SHOW_BACKEND],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()


def test_the_settings_read_tasks_backend_from_the_environment():
    backend = _backend_under(DJANGO_SETTINGS_MODULE="portal.settings.dev", TASKS_BACKEND="database")

    assert backend == "DatabaseBackend"


def test_production_queues_tasks_for_the_worker_unless_told_otherwise():
    production = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "kokeilu.example.org",
    }

    assert _backend_under(**production) == "DatabaseBackend"
    assert _backend_under(**production, TASKS_BACKEND="immediate") == "ImmediateBackend"


# -- e-mail through the database backend ---------------------------------------------------


@pytest.fixture
def queued(settings):
    """Production's mailers and the database task backend; tasks wait for `_work`."""
    settings.TASKS = DATABASE_TASKS
    mail_server_set_back(settings)
    settings.MAIL_SEND_ATTEMPTS = 3
    settings.MAIL_RETRY_SECONDS = 60
    assert isinstance(task_backends["default"], DatabaseBackend)
    return settings


def _work() -> list[DBTaskResult]:
    """Run the due tasks as the worker would (`db_worker` in its own process: tests/test_worker.py
    starts one), oldest first; return them."""
    ran = []
    while task := DBTaskResult.objects.ready().order_by("enqueued_at").first():
        task.claim("test")
        task.set_successful(task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"]))
        ran.append(task)
    return ran


def _message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="You have a place",
        body="A place opened up.",
        from_email="kokeilu@example.org",
        to=["aino@example.org"],
    )
    message.attach_alternative("<p>A place opened up.</p>", "text/html")
    return message


@pytest.mark.django_db
def test_a_message_is_queued_by_the_request_and_sent_by_the_worker(queued):
    assert _message().send() == 1  # taken for the worker: no "will follow" notice

    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "portal.outgoing_mail.mail_send"
    assert mail.outbox == []

    _work()

    (sent,) = mail.outbox
    assert (sent.subject, sent.to) == ("You have a place", ["aino@example.org"])
    assert [tuple(a) for a in sent.alternatives] == [("<p>A place opened up.</p>", "text/html")]
    assert DBTaskResult.objects.get().return_value == 1


@pytest.mark.django_db
def test_a_refused_message_is_retried_later_with_a_doubling_delay(queued):
    mail_server_set_down(queued)
    _message().send()

    _work()  # attempt 1 fails: attempt 2 is due in a minute

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after - timezone.now() == pytest.approx(
        datetime.timedelta(seconds=60), abs=datetime.timedelta(seconds=5)
    )
    assert not OutgoingMail.objects.exists()

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _work()  # attempt 2 fails: attempt 3 in two minutes

    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 3
    assert retry.run_after - timezone.now() == pytest.approx(
        datetime.timedelta(seconds=120), abs=datetime.timedelta(seconds=5)
    )

    mail_server_set_back(queued)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _work()

    assert [m.subject for m in mail.outbox] == ["You have a place"]
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_message_refused_at_every_attempt_is_kept_for_administrators(queued):
    mail_server_set_down(queued)
    _message().send()

    for _attempt in range(3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        _work()

    kept = OutgoingMail.objects.get()
    assert (kept.subject, kept.attempts) == ("You have a place", 3)
    assert "ConnectionRefusedError" in kept.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db
def test_once_the_server_takes_a_message_the_kept_ones_follow(queued):
    mail_server_set_down(queued)
    queued.MAIL_SEND_ATTEMPTS = 1
    _message().send()
    _work()
    assert OutgoingMail.objects.count() == 1

    mail_server_set_back(queued)
    EmailMultiAlternatives("Welcome", "Hello", to=["ville@example.org"]).send()
    ran = _work()

    assert [task.task_path for task in ran] == [
        "portal.outgoing_mail.mail_send",
        "portal.outgoing_mail.mail_retry_kept",
    ]
    assert sorted(m.subject for m in mail.outbox) == ["Welcome", "You have a place"]
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db
def test_a_request_that_rolls_back_sends_nothing(queued):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _message().send()
        raise RuntimeError("the service refused")

    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_malformed_message_fails_where_it_is_sent_under_the_immediate_backend(settings):
    from portal.outgoing_mail import MailNotSent

    mail_server_set_back(settings)
    message = _message()
    message.extra_headers["X-Bad"] = "line\nbreak"

    with pytest.raises(MailNotSent, match="BadHeaderError|ValueError"):
        message.send()
