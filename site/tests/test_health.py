"""`/healthz`: the state of the database, cache, search engine and task backlog for load
balancers, without secrets, cookies or caching; 503 only when the database is down."""

from __future__ import annotations

import datetime
import json
import threading
import time
from unittest import mock

from django.db import OperationalError
from django.utils import timezone

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from portal import health
from portal.models import OutgoingMail
from search.models import OutboxEntry

pytestmark = pytest.mark.django_db


def _task(**fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="search.tasks.drain_search_outbox",
        backend_name="default",
        run_after=fields.pop("run_after", get_date_max()),
        **fields,
    )


def test_a_healthy_site_answers_200_with_every_part_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"] == {"status": "ok"}
    assert report["cache"] == {"status": "ok"}
    assert report["search"] == {"status": "ok", "outbox": 0, "outbox_oldest_seconds": None}
    assert report["tasks"] == {
        "queued": 0,
        "oldest_due_seconds": None,
        "failed_last_24h": 0,
        "mail_kept": 0,
    }


def test_the_answer_is_never_cached_and_sets_no_cookie(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_the_backlog_counts_due_tasks_recent_failures_outbox_rows_and_kept_mail(client):
    now = timezone.now()
    _task(enqueued_at=now)
    DBTaskResult.objects.filter(pk=_task().pk).update(
        enqueued_at=now - datetime.timedelta(minutes=10)
    )
    # a retry due in an hour is queued, but not yet late
    _task(run_after=now + datetime.timedelta(hours=1))
    _task(status=TaskResultStatus.FAILED, finished_at=now - datetime.timedelta(hours=1))
    _task(status=TaskResultStatus.FAILED, finished_at=now - datetime.timedelta(days=3))
    _task(status=TaskResultStatus.SUCCESSFUL, finished_at=now)
    OutboxEntry.objects.create(document_id="case:1", created=now - datetime.timedelta(seconds=90))
    OutgoingMail.objects.create(mailer="smtp", subject="Welcome", message={})

    report = client.get("/healthz").json()

    assert report["tasks"]["queued"] == 3
    assert 595 <= report["tasks"]["oldest_due_seconds"] <= 660
    assert report["tasks"]["failed_last_24h"] == 1
    assert report["tasks"]["mail_kept"] == 1
    assert report["search"]["outbox"] == 1
    assert 89 <= report["search"]["outbox_oldest_seconds"] <= 150


def test_a_database_that_does_not_answer_is_503(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection to server at 10.0.0.5 failed"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["database"] == {"status": "down"}
    assert "10.0.0.5" not in response.content.decode()


def test_a_cache_or_search_engine_that_is_away_degrades_but_answers_200(client):
    class Unreachable(Exception):
        pass

    with (
        mock.patch.object(health.cache, "set", side_effect=Unreachable("redis://secret@host")),
        mock.patch.object(health, "get_engine") as get_engine,
    ):
        get_engine.return_value.count.side_effect = Unreachable("https://user:pw@cluster:9200")
        response = client.get("/healthz")

    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert (report["cache"]["status"], report["search"]["status"]) == ("down", "down")
    assert "secret" not in response.content.decode() and "pw@" not in response.content.decode()


def test_a_search_cluster_that_hangs_is_down_within_the_probe_time(client, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(health, "SEARCH_PROBE_SECONDS", 0.2)

    with mock.patch.object(health, "get_engine") as get_engine:
        get_engine.return_value.count.side_effect = lambda: release.wait(10)
        started = time.monotonic()
        try:
            report = client.get("/healthz").json()
        finally:
            release.set()
        elapsed = time.monotonic() - started

    assert report["search"]["status"] == "down"
    assert elapsed < 3


def test_the_report_names_no_versions_hosts_or_engines(client):
    body = client.get("/healthz").content.decode().lower()

    for word in ("version", "postgres", "sqlite", "redis", "locmem", "127.0.0.1", "django"):
        assert word not in body
    assert set(json.loads(body)) == {"status", "database", "cache", "search", "tasks"}


def test_load_balancers_may_ask_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/en/").status_code == 301  # everything else still moves to https


def test_only_get_and_head_are_answered(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
