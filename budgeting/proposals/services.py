"""Proposals: proposing, supporting, commenting and the organisers' review.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.processes.models import District, Phase, Process
from budgeting.proposals.models import (
    Comment,
    Project,
    ProjectStatus,
    ProjectTranslation,
    Support,
)
from portal.languages import site_languages
from portal.rate_limits import RateLimitExceeded, rate_limit_consume
from portal.rich_text import plain_text, sanitise_html

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@transaction.atomic
def project_propose(
    *,
    process: Process,
    user: User | AnonymousUser,
    title: str,
    description: str,
    estimated_cost: Decimal,
    place: str = "",
    theme=None,
    district: District | None = None,
    impact_criteria: str = "",
    written_in: str = "",
) -> Project:
    """A member proposes a project and becomes its champion (proposals phase only); only
    those who take part in the process may (`permissions.participation_refusal`).
    `written_in` is the language the proposer wrote it in."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to propose a project."))
    permissions.participation_require(process=process, user=user)
    if process.phase != Phase.PROPOSALS:
        raise ValidationError(_("This process is not taking proposals now."))
    if district is not None and district.process_id != process.pk:
        raise ValidationError(_("Choose a district of this process."))
    description = sanitise_html(description)
    if not plain_text(description):
        raise ValidationError({"description": _("Describe the project.")})
    project = Project(
        process=process,
        champion=user,
        title=title.strip(),
        description=description,
        estimated_cost=estimated_cost,
        place=place.strip(),
        theme=theme,
        district=district,
        impact_criteria=impact_criteria.strip(),
        written_in=written_in,
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_support(*, project: Project, user: User | AnonymousUser, support: bool = True) -> bool:
    """Add (or withdraw) a member's support for a proposal before the vote; True if supported.

    Supports feed the tie-break: only those who take part in the process add one; taking
    one's own support back stays open."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to support a proposal."))
    process = Process.objects.get(pk=project.process_id)
    if support:
        permissions.participation_require(process=process, user=user)
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(_("Supports are collected before the vote only."))
    if support:
        Support.objects.get_or_create(project=project, user=user)
    else:
        Support.objects.filter(project=project, user=user).delete()
    return support


def _comment_rate_check(user: User | AnonymousUser) -> None:
    """`SITE_RATE_LIMITS["pb_comment"]` per member, counted in the shared cache."""
    try:
        rate_limit_consume(action="pb_comment", user=user)
    except RateLimitExceeded as limited:
        raise limited.explained(
            _("You have posted %(limit)d comments in the last %(minutes)d minutes.")
            % {"limit": limited.amount, "minutes": max(int(limited.window // 60), 1)}
        ) from None


@transaction.atomic
def comment_add(
    *,
    project: Project,
    user: User | AnonymousUser,
    body: str,
    parent: Comment | None = None,
    written_in: str = "",
) -> Comment:
    """A member comments on a proposal or replies to a comment (sanitised, rate-limited): those
    who take part in the process, and its organisers. `written_in` is the comment's language
    (the pages pass the language the member is using the site in)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to comment."))
    refusal = permissions.comment_refusal(
        process=Process.objects.get(pk=project.process_id), user=user
    )
    if refusal is not None:
        raise PermissionDenied(refusal)
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError(_("You can only reply to a comment on the same proposal."))
    body = sanitise_html(body)
    if not plain_text(body):
        raise ValidationError({"body": _("Write a comment first.")})
    _comment_rate_check(user)
    comment = Comment(project=project, author=user, body=body, parent=parent, written_in=written_in)
    comment.full_clean()  # the length limit (portal.text_limits)
    comment.save()
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, user: User, reason: str = "") -> Comment:
    """An organiser hides a comment (its replies stay; the reason is shown in its place)."""
    permissions.process_manage_require(process=comment.project.process, user=user)
    comment.hidden_at = timezone.now()
    comment.hidden_by = user
    comment.hidden_reason = reason.strip()[:300]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return comment


@transaction.atomic
def project_review(
    *,
    project: Project,
    user: User,
    feasible: bool,
    reason: str,
    reviewed_cost: Decimal | None = None,
) -> Project:
    """An organiser marks a proposal feasible (it reaches the ballot) or not, with a reason."""
    process = Process.objects.get(pk=project.process_id)
    permissions.process_manage_require(process=process, user=user)
    if process.phase_reached(Phase.VOTING):
        raise ValidationError(_("The ballot is fixed once voting opens; reviews cannot change."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the public reason for the decision.")})
    if reviewed_cost is not None and reviewed_cost < 0:
        raise ValidationError({"reviewed_cost": _("A cost cannot be negative.")})
    if feasible and reviewed_cost is None and project.reviewed_cost is None:
        reviewed_cost = project.estimated_cost
    project.status = ProjectStatus.FEASIBLE if feasible else ProjectStatus.INFEASIBLE
    project.review_reason = reason.strip()
    if reviewed_cost is not None:
        project.reviewed_cost = reviewed_cost
    project.reviewed_at = timezone.now()
    project.reviewed_by = user
    project.save()
    return project


@transaction.atomic
def project_translation_save(
    *, project: Project, user: User, language: str, title: str, description: str
) -> ProjectTranslation:
    """An organiser of the project's process gives its title and description in another
    language (a second save in the same language replaces the first). The description is
    sanitised as a proposal's is; an empty one leaves the original description shown."""
    process = Process.objects.get(pk=project.process_id)
    permissions.process_manage_require(process=process, user=user)
    if language not in site_languages():
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if language == project.written_in:
        raise ValidationError(
            {"language": _("The proposal is written in this language: choose another one.")}
        )
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the title in this language.")})
    description = sanitise_html(description)
    if not plain_text(description):
        description = ""
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one save at a time
    translation = ProjectTranslation.objects.filter(project=project, language=language).first()
    if translation is None:
        translation = ProjectTranslation(project=project, language=language)
    translation.title = title
    translation.description = description
    translation.updated_by = user
    translation.full_clean()
    translation.save()
    project.texts_forget()
    return translation
