"""How PB processes and their proposals become documents of the knowledge index."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from budgeting.implementation.models import Implementation, ImplementationStatus
from budgeting.processes.models import Phase, Process
from budgeting.proposals.models import Project, ProjectStatus
from portal.rich_text import plain_text
from search.documents import SearchDocument
from search.outbox import outbox_enqueue

PROCESS_KIND = "pb_process"
PROJECT_KIND = "pb_project"


def process_queryset() -> models.QuerySet:
    """Every process the public can see (not those still being prepared)."""
    return Process.objects.exclude(phase=Phase.DRAFT).prefetch_related(
        "projects__theme", "translations"
    )


def document_language(obj: Process | Project) -> str:
    """The language a process's or project's own text is written in: `written_in`, or the
    site's default language where nobody said."""
    return obj.written_in or settings.LANGUAGE_CODE.split("-")[0]


def process_to_document(process: Process) -> SearchDocument | None:
    """The document of a process, or None while it is being prepared."""
    if process.phase == Phase.DRAFT:
        return None
    date = process.voting_start or process.proposals_start
    if date is None and process.created_at:
        date = process.created_at.date()
    translations = list(process.translations.all())
    themes = {
        project.theme.key
        for project in process.projects.all()
        if project.theme_id and project.status != ProjectStatus.WITHDRAWN
    }
    return SearchDocument(
        id=f"{PROCESS_KIND}:{process.pk}",
        kind=PROCESS_KIND,
        url=process.get_absolute_url(),
        title=process.title,
        summary=process.summary,
        # the translations' texts too, so that a query in any of the site's languages finds it
        body=" ".join(
            filter(
                None,
                [process.organiser_name, process.municipality, process.description]
                + [
                    text
                    for each in translations
                    for text in (each.title, each.summary, each.description)
                ],
            )
        ),
        date=date if isinstance(date, datetime.date) else None,
        language=document_language(process),
        countries=(process.country.lower(),) if process.country else (),
        themes=tuple(sorted(themes)),
        government_levels=("local-government",) if process.municipality else (),
        year=date.year if date else None,
    )


def project_queryset() -> models.QuerySet:
    """Every public proposal: those of public processes, neither withdrawn nor rejected."""
    return (
        Project.objects.exclude(process__phase=Phase.DRAFT)
        .exclude(status__in=(ProjectStatus.WITHDRAWN, ProjectStatus.INFEASIBLE))
        .select_related("process", "theme", "implementation")
        .prefetch_related("translations")
    )


def project_to_document(project: Project) -> SearchDocument | None:
    """The document of a proposal, or None when it is withdrawn, rejected or not public yet."""
    process = project.process
    if process.phase == Phase.DRAFT or project.status in (
        ProjectStatus.WITHDRAWN,
        ProjectStatus.INFEASIBLE,
    ):
        return None
    body = plain_text(project.description)
    try:
        implementation_status = project.implementation.status
    except ObjectDoesNotExist:  # not funded, or implementation has not started
        implementation_status = ""
    return SearchDocument(
        id=f"{PROJECT_KIND}:{project.pk}",
        kind=PROJECT_KIND,
        url=project.get_absolute_url(),
        title=project.title,
        summary=body[:300],
        body=" ".join(
            filter(
                None,
                [body, project.place, project.impact_criteria]
                + [
                    text
                    for each in project.translations.all()
                    for text in (each.title, plain_text(each.description))
                ],
            )
        ),
        date=project.created_at.date() if project.created_at else None,
        language=document_language(project),
        countries=(process.country.lower(),) if process.country else (),
        themes=(project.theme.key,) if project.theme_id else (),
        year=project.created_at.year if project.created_at else None,
        related=(f"{PROCESS_KIND}:{process.pk}",),
        implementation_status=implementation_status,
    )


def implementation_status_labels(values: Iterable[str]) -> dict[str, str]:
    """Names of implementation statuses (no query: the list is closed)."""
    names = dict(ImplementationStatus.choices)
    return {value: str(names[value]) for value in values if value in names}


def implementation_changed(sender, instance: Implementation, raw: bool = False, **kwargs) -> None:
    """An implementation's status is part of its project's document: queue the project in the
    same transaction as the change (whichever path changed it: services, admin, shell)."""
    if raw or instance.project_id is None:
        return
    outbox_enqueue([f"{PROJECT_KIND}:{instance.project_id}"])


def translation_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A translation is part of its process's or project's document: queue that document in
    the same transaction as the change (the admin's inline, the organisers' form, the demo)."""
    if raw:
        return
    if getattr(instance, "process_id", None) is not None:
        outbox_enqueue([f"{PROCESS_KIND}:{instance.process_id}"])
    elif getattr(instance, "project_id", None) is not None:
        outbox_enqueue([f"{PROJECT_KIND}:{instance.project_id}"])
