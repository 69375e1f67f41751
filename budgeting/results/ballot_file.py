"""The ballot file of a counted process: built by the task worker, served from the database.

Writing every ballot of a large process as pabulib text takes seconds (Budapest 2024: 28,943
ballots, about 1.8 s), too long for a request. The worker builds it once per *version*: a
SHA-256 over every row the file is built from (`SOURCES`: the process, its districts and
projects with their themes; the ballots and their choices as counts and sums). Any change to
those rows gives a new version, so a stored file is never served for data it was not built from;
`test_ballot_file.py` checks that `SOURCES` names every table `process_to_pabulib` reads.

The `.pb` download and the open-data zip call `ballot_file_text`: the stored text when it is
current, otherwise None after asking the worker (once per version) to build it. With the
immediate task backend (development, tests) the build runs inside that call, so the text is
there at once.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max, Model, Q, Sum
from django.utils import timezone

from budgeting.processes.models import District, Process
from budgeting.proposals.models import Project
from budgeting.results.models import BallotFile
from budgeting.voting.models import Ballot, BallotChoice

logger = logging.getLogger(__name__)

# a request asks again for a version it asked for this long ago (the build failed or was lost)
REQUEST_AGAIN_AFTER = timedelta(minutes=10)

# (model, lookup from the row to its process, extra values): every row is hashed whole
SOURCES: list[tuple[type[Model], str, tuple[str, ...]]] = [
    (Process, "pk", ()),
    (District, "process", ()),
    (Project, "process", ("theme__key",)),  # the file's category column is the theme's key
]
# tables too large to hash row by row: counts, last id and sums of what a row may change
BULK_SOURCES: list[tuple[type[Model], str, dict]] = [
    (Ballot, "process", {"rows": Count("pk"), "last": Max("pk"), "changed": Max("updated_at")}),
    (
        BallotChoice,
        "ballot__process",
        {
            "rows": Count("pk"),
            "last": Max("pk"),
            "projects": Sum("project_id"),
            "points": Sum("points"),
            "ranks": Sum("rank"),
        },
    ),
]


def ballot_file_tables() -> set[str]:
    """The tables the version covers (the test compares them with what the builder reads)."""
    tables = {model._meta.db_table for model, _lookup, _extra in SOURCES + BULK_SOURCES}
    return tables | {"portal_theme"}  # through `theme__key`


def ballot_file_version(process: Process) -> str:
    """SHA-256 over everything `process_to_pabulib` reads for this process."""
    digest = hashlib.sha256()
    for model, lookup, extra in SOURCES:
        fields = [field.attname for field in model._meta.concrete_fields]
        rows = model._default_manager.filter(Q(**{lookup: process.pk})).order_by("pk")
        digest.update(repr(list(rows.values_list(*fields, *extra))).encode())
    for model, lookup, aggregates in BULK_SOURCES:
        values = model._default_manager.filter(Q(**{lookup: process.pk})).aggregate(**aggregates)
        digest.update(repr(sorted(values.items())).encode())
    return digest.hexdigest()


def ballot_file_text(process: Process) -> str | None:
    """The process's current pabulib text, or None while the worker builds it (asked here)."""
    version = ballot_file_version(process)
    text = _stored_text(process, version)
    if text is None:
        ballot_file_request(process, version)
        text = _stored_text(process, version)  # the immediate backend has built it already
    return text


def _stored_text(process: Process, version: str) -> str | None:
    content = (
        BallotFile.objects.filter(process=process, version=version, built_at__isnull=False)
        .values_list("content", flat=True)
        .first()
    )
    return None if content is None else gzip.decompress(bytes(content)).decode("utf-8")


def ballot_file_request(process: Process, version: str | None = None) -> None:
    """Ask the worker to build the file for the current version, unless that was asked lately."""
    from budgeting.results.tasks import ballot_file_build  # tasks import this module

    version = version or ballot_file_version(process)
    now = timezone.now()
    with transaction.atomic():
        row, _created = BallotFile.objects.select_for_update().get_or_create(process=process)
        if (
            row.requested_version == version
            and row.requested_at
            and now - row.requested_at < REQUEST_AGAIN_AFTER
        ):
            return
        row.requested_version, row.requested_at = version, now
        row.save(update_fields=["requested_version", "requested_at"])
    ballot_file_build.enqueue(process.pk)


def ballot_file_request_on_commit(process: Process) -> None:
    """After the results were counted (again): build the file before the first visitor asks."""
    transaction.on_commit(lambda: ballot_file_request(process))


def ballot_file_build_now(process_id: int) -> str:
    """Build and store the file for the process's current version; what the task runs."""
    from budgeting.exchange import process_to_pabulib  # exchange maps every room's models

    process = Process.objects.filter(pk=process_id).first()
    if process is None or not process.counts_visible:
        return "skipped"
    with transaction.atomic():
        # the version and the text from one snapshot, as far as the database gives one
        version = ballot_file_version(process)
        if BallotFile.objects.filter(process=process, version=version).exists():
            return "current"
        text = process_to_pabulib(process)
    content = text.encode("utf-8")
    BallotFile.objects.update_or_create(
        process=process,
        defaults={
            "version": version,
            "content": gzip.compress(content, compresslevel=6),
            "size": len(content),
            "built_at": timezone.now(),
        },
    )
    logger.info("Built the ballot file of %s (%d bytes)", process.slug, len(content))
    return "built"
