"""Reads about proposals: the projects of a process, supports and comment threads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, OuterRef, QuerySet, Subquery

from budgeting.processes.models import Process
from budgeting.proposals.models import (
    Comment,
    Project,
    ProjectStatus,
    ProjectTranslation,
    Support,
)
from budgeting.texts import ShownText, reader_language

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def project_list(*, process: Process, include_unreviewed: bool = True) -> QuerySet[Project]:
    """The process's proposals with what a listing shows, in one query (supports counted)."""
    projects = (
        Project.objects.filter(process=process)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("process", "theme", "district", "champion")
        .prefetch_related("translations")
        .annotate(support_count=Count("supports", distinct=True))
    )
    if not include_unreviewed:
        projects = projects.filter(status=ProjectStatus.FEASIBLE)
    return projects


def project_supported_by(*, project: Project, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return Support.objects.filter(project=project, user=user).exists()


def comment_threads(*, project: Project, show_hidden: bool = False) -> list[Comment]:
    """Top-level comments, each with `.thread_replies` (all descendants in order), one query."""
    comments = list(project.comments.select_related("author", "hidden_by").order_by("created_at"))
    by_parent: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_parent[comment.parent_id].append(comment)

    def descendants(comment: Comment, depth: int) -> list[Comment]:
        found = []
        for reply in by_parent.get(comment.pk, []):
            reply.depth = depth
            found.append(reply)
            found.extend(descendants(reply, depth + 1))
        return found

    top = by_parent.get(None, [])
    for comment in top:
        comment.depth = 0
        comment.thread_replies = descendants(comment, 1)
    return top


def project_titles(
    *, process: Process, pks: Iterable[int], language: str | None = None
) -> dict[int, ShownText]:
    """The titles of the process's projects `pks` in the reader's language (one query): the
    translation's where there is one, else the original in its own language."""
    language = reader_language(language)
    translated = ProjectTranslation.objects.filter(
        project=OuterRef("pk"), language=language
    ).values("title")[:1]
    rows = (
        Project.objects.filter(process=process, pk__in=list(pks))
        .annotate(translated_title=Subquery(translated))
        .values_list("pk", "title", "written_in", "translated_title")
    )
    return {
        pk: ShownText(translated_title, language)
        if translated_title and written_in != language
        else ShownText(title, written_in)
        for pk, title, written_in, translated_title in rows
    }


def ballot_projects(*, process: Process) -> list[Project]:
    """The projects on the ballot: the feasible ones, by district then title."""
    return list(
        Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE)
        .select_related("process", "district", "theme")
        .order_by("district__sort_order", "district__name", "title", "pk")
    )
