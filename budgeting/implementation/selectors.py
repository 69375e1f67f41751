"""Reads about implementations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from budgeting.assessment.models import Indicator
from budgeting.implementation.models import Implementation
from budgeting.processes.models import Process

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def implementation_list(*, process: Process) -> QuerySet[Implementation]:
    """The process's implementations with what the living case shows, in a fixed number of
    queries (the projects' translations, milestones, indicators, effects and team prefetched)."""
    return (
        Implementation.objects.filter(project__process=process)
        .select_related("project", "project__process", "champion")
        .prefetch_related(
            "project__translations",
            "milestones",
            "civil_servants",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("criterion", "verified_by"),
            ),
            "effects",
        )
        .annotate(
            yes_votes=Count("assessment_votes", filter=Q(assessment_votes__agree=True)),
            no_votes=Count("assessment_votes", filter=Q(assessment_votes__agree=False)),
        )
        .order_by("project__title", "pk")
    )


def user_display(user: User | None) -> str:
    """The name shown publicly for an account: its full name, else its username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
