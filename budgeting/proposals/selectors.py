"""Reads about proposals: the projects of a process, supports and comment threads."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from budgeting.processes.models import Process
from budgeting.proposals.models import Comment, Project, ProjectStatus, Support

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def project_list(*, process: Process, include_unreviewed: bool = True) -> QuerySet[Project]:
    """The process's proposals with what a listing shows, in one query (supports counted)."""
    projects = (
        Project.objects.filter(process=process)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("process", "theme", "district", "champion")
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


def ballot_projects(*, process: Process) -> list[Project]:
    """The projects on the ballot: the feasible ones, by district then title."""
    return list(
        Project.objects.filter(process=process, status=ProjectStatus.FEASIBLE)
        .select_related("process", "district", "theme")
        .order_by("district__sort_order", "district__name", "title", "pk")
    )
