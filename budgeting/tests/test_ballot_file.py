"""The ballot file (`.pb` download, and the one inside the open-data zip) is built by the task
worker once per version of the data and served from the database: never stale, never built in
the request that asks for it when the worker is a separate process."""

from __future__ import annotations

import gzip
import io
import re
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from django_tasks import default_task_backend

from budgeting.counting.pabulib import pabulib_read
from budgeting.exchange import process_to_pabulib
from budgeting.factories import UserFactory
from budgeting.processes import services as processes_services
from budgeting.processes.models import Phase
from budgeting.results.ballot_file import (
    ballot_file_build_now,
    ballot_file_tables,
    ballot_file_version,
)
from budgeting.results.models import BallotFile
from budgeting.tests.conftest import cast
from budgeting.voting.models import BallotChoice
from portal.models import Theme

DEFERRED_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def counted(voting_process, organiser):
    """A process in its results phase with three ballots."""
    cast(voting_process, UserFactory(), "Skate park", "Trees")
    cast(voting_process, UserFactory(), "Skate park")
    cast(voting_process, UserFactory(), "Benches", "Trees")
    return processes_services.process_phase_set(
        process=voting_process, phase=Phase.RESULTS, user=organiser
    )


def _tables_read(sql_queries) -> set[str]:
    tables: set[str] = set()
    for query in sql_queries:
        tables |= set(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    return tables


def test_the_version_covers_every_table_the_file_is_built_from(counted):
    project = counted.projects.get(title="Trees")
    project.theme = Theme.objects.order_by("pk").first() or Theme.objects.create(
        key="green", name="Green"
    )
    project.save()
    with CaptureQueriesContext(connection) as queries:
        process_to_pabulib(counted)
    read = _tables_read(queries.captured_queries)
    assert "budgeting_ballotchoice" in read and "portal_theme" in read
    assert read <= ballot_file_tables(), read - ballot_file_tables()


def _rename_project(process):
    process.projects.filter(title="Trees").update(title="Oak trees")


def _change_a_ballot(process):
    choice = BallotChoice.objects.filter(ballot__process=process).order_by("pk").first()
    BallotChoice.objects.filter(pk=choice.pk).update(points=choice.points + 1)


def _rename_theme(process):
    theme = Theme.objects.create(key="green", name="Green")
    process.projects.filter(title="Trees").update(theme=theme)
    return theme


def _recount(process):
    process.results = {**process.results, "ballots": 99}
    process.save()


@pytest.mark.parametrize(
    "change", [_rename_project, _change_a_ballot, _rename_theme, _recount], ids=lambda f: f.__name__
)
def test_any_change_to_what_the_file_reads_gives_a_new_version(counted, change):
    before = ballot_file_version(counted)
    assert ballot_file_version(counted) == before  # nothing changed, nothing moves
    change(counted)
    counted.refresh_from_db()
    assert ballot_file_version(counted) != before


def test_a_theme_renamed_after_it_was_chosen_gives_a_new_version(counted):
    theme = _rename_theme(counted)
    before = ballot_file_version(counted)
    Theme.objects.filter(pk=theme.pk).update(key="greener")
    assert ballot_file_version(counted) != before


def test_the_download_serves_the_stored_file_and_rebuilds_after_a_change(client, counted):
    url = f"/en/pb/{counted.slug}/export.pb"
    first = client.get(url)
    assert first.status_code == 200
    stored = BallotFile.objects.get(process=counted)
    assert stored.version == ballot_file_version(counted)
    assert gzip.decompress(stored.content).decode() == first.content.decode()

    # the same version is served from the table, not written again
    BallotFile.objects.filter(pk=stored.pk).update(content=gzip.compress(b"FROM THE TABLE"))
    assert client.get(url).content == b"FROM THE TABLE"

    # a change to the data is never answered with the old file
    _rename_project(counted)
    fresh = client.get(url).content.decode()
    assert "Oak trees" in fresh and "FROM THE TABLE" not in fresh
    names = [row["name"] for row in pabulib_read(fresh).projects]
    assert "Oak trees" in names


def test_with_a_separate_worker_the_visitor_is_told_the_file_is_being_prepared(
    client, counted, settings
):
    settings.TASKS = DEFERRED_TASKS
    default_task_backend.clear()
    url = f"/en/pb/{counted.slug}/export.pb"
    response = client.get(url)
    assert response.status_code == 202 and response["Retry-After"] == "10"
    page = response.content.decode()
    assert "The file is being prepared" in page and "3 ballots" in page
    assert f'href="{url}"' in page  # the way on: the same link, and back to the results
    assert f'href="/en/pb/{counted.slug}/results/"' in page
    # a second visitor does not queue a second build of the same version
    assert client.get(f"/en/pb/{counted.slug}/open-data.zip").status_code == 202
    builds = [r for r in default_task_backend.results if r.task.name == "ballot_file_build"]
    assert [result.args for result in builds] == [[counted.pk]]

    assert ballot_file_build_now(counted.pk) == "built"  # what the worker runs
    response = client.get(url)
    assert response.status_code == 200 and "PROJECTS" in response.content.decode()
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/en/pb/{counted.slug}/open-data.zip").content)
    )
    assert archive.read(f"{counted.slug}.pb").decode() == response.content.decode()


def test_counting_queues_the_build_before_anyone_asks(
    voting_process, organiser, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DEFERRED_TASKS
    default_task_backend.clear()
    cast(voting_process, UserFactory(), "Trees")
    with django_capture_on_commit_callbacks(execute=True):
        processes_services.process_phase_set(
            process=voting_process, phase=Phase.RESULTS, user=organiser
        )
    builds = [r for r in default_task_backend.results if r.task.name == "ballot_file_build"]
    assert [result.args for result in builds] == [[voting_process.pk]]


def test_nothing_is_built_before_the_results_are_public(client, voting_process):
    assert client.get(f"/en/pb/{voting_process.slug}/export.pb").status_code == 404
    assert ballot_file_build_now(voting_process.pk) == "skipped"
    assert not BallotFile.objects.filter(process=voting_process, built_at__isnull=False).exists()
