"""The task worker, as the Procfile starts it, does the work that requests queue: with
`TASKS_BACKEND=database` a request only writes task rows, and `manage.py db_worker`, a process of
its own on the production settings, sends the e-mail to the mail server and drains the search
outbox into the index. No web process runs here.

PostgreSQL only (production refuses SQLite; the PostgreSQL run of `.ci/run` runs it).
Transactional: the worker reads what this test committed, and the rows are flushed after it.
"""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.mail import send_mail

import pytest

from tests.production_processes import (
    MailSinkServer,
    mail_sink_running,
    postgres_url_of_test_database,
)

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_url() -> str:
    return postgres_url_of_test_database(
        reason="the worker runs on the production settings, which refuse SQLite: this test runs "
        "in the PostgreSQL run"
    )


@pytest.fixture
def mail_sink() -> Iterator[MailSinkServer]:
    with mail_sink_running() as sink:
        yield sink


@pytest.fixture
def production_queue(settings, mail_sink):
    """This process enqueues as a production web process does: the database task backend and
    the production mailers (the `mail_send` task names the "smtp" mailer, which the worker
    sends through)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {
        "default": {
            "BACKEND": "portal.outgoing_mail.RetryingEmailBackend",
            "OPTIONS": {"mailer": "smtp"},
        },
        "smtp": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    settings.SEARCH_URL = "database"
    return settings


def _worker_command() -> list[str]:
    """The Procfile's `worker` line, with this interpreter, in batch mode: it works through the
    due tasks, then exits."""
    line = next(
        line.split(":", 1)[1]
        for line in (ROOT / "Procfile").read_text().splitlines()
        if line.startswith("worker:")
    )
    command = shlex.split(line)
    assert command[:3] == ["python", "manage.py", "db_worker"], command
    # --skip-checks: the worker uses no cache, and the production check wants a Redis one
    return [sys.executable, *command[1:], "--batch", "--no-startup-delay", "--skip-checks"]


def _run_worker(database_url: str, mail_port: int) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "KOKEILU_")) and key not in {"DEBUG", "CI"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        TASKS_BACKEND="database",
        CACHE_URL="locmem://",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_port),
        EMAIL_TIMEOUT="10",
        SEARCH_URL="database",
        LOG_LEVEL="INFO",
    )
    finished = subprocess.run(
        _worker_command(),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output[-4000:]
    return output


def test_the_worker_sends_queued_mail_and_drains_the_search_outbox(
    database_url, production_queue, mail_sink, home
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cases.factories import CaseIndexPageFactory, CasePageFactory
    from search.models import IndexedDocument, OutboxEntry

    # what requests do: send an e-mail, publish a case (its outbox row commits with it)
    sent = send_mail(
        "Your place in the workshop",
        "A place opened up for you.",
        "kokeilu@example.org",
        ["aino@example.org"],
    )
    case = CasePageFactory(
        parent=CaseIndexPageFactory(parent=home), title="Helsinki participatory budget"
    )

    assert sent == 1  # taken for the worker
    assert mail_sink.received == []  # nothing reached the mail server from this process
    assert OutboxEntry.objects.exists()
    assert not IndexedDocument.objects.filter(title="Helsinki participatory budget").exists()
    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    # Wagtail's own tasks (reference index, admin search index) are queued beside them
    assert queued >= {"portal.outgoing_mail.mail_send", "search.tasks.drain_search_outbox"}

    output = _run_worker(database_url, mail_sink.port)

    (received,) = mail_sink.received
    assert received["Subject"] == "Your place in the workshop"
    assert received["To"] == "aino@example.org"
    assert "A place opened up for you." in received.get_payload(decode=True).decode()
    assert not OutboxEntry.objects.exists()
    document = IndexedDocument.objects.get(title="Helsinki participatory budget")
    assert str(case.pk) in document.doc_id
    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {TaskResultStatus.SUCCESSFUL}, output[-4000:]


def test_the_worker_builds_the_ballot_file_that_a_visitor_asked_for(
    database_url, production_queue, mail_sink, client
):
    from budgeting.factories import UserFactory, process_in_implementation

    process = process_in_implementation(organiser=UserFactory())
    url = f"/en/pb/{process.slug}/export.pb"

    waiting = client.get(url)  # the request only queues the build
    assert waiting.status_code == 202, waiting.content[:500]
    assert "The file is being prepared" in waiting.content.decode()

    output = _run_worker(database_url, mail_sink.port)

    ready = client.get(url)
    assert ready.status_code == 200, output[-4000:]
    assert ready.content.decode().startswith("META") and "VOTES" in ready.content.decode()
