"""Implementation of funded projects: team, status, handover, milestones and progress updates.

Each public function is one transaction, takes keyword arguments only and raises
`django.core.exceptions.ValidationError` (bad input or wrong phase, with a message a person can
act on) or `PermissionDenied` (the user may not do this to this object: `budgeting.permissions`
says who may).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgeting import permissions
from budgeting.assessment.criteria import criteria_select
from budgeting.assessment.models import Indicator
from budgeting.implementation.models import (
    BonusOutcome,
    EventKind,
    Implementation,
    ImplementationEvent,
    ImplementationStatus,
    Milestone,
    ProgressUpdate,
)
from budgeting.processes.models import Process
from budgeting.proposals.models import Project
from network.permissions import member_write_refusal
from portal.rich_text import plain_text, sanitise_html

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def _selected_project_pks(process: Process) -> list[int]:
    return [
        row["pk"]
        for group in (process.results or {}).get("groups", [])
        for row in group["projects"]
        if row["selected"]
    ]


def implementation_event_add(
    implementation: Implementation, kind: str, actor: User, **fields
) -> ImplementationEvent:
    """An entry on the implementation's public timeline."""
    return ImplementationEvent.objects.create(
        implementation=implementation, kind=kind, actor=actor, **fields
    )


def implementations_create(process: Process, user: User) -> list[Implementation]:
    """Once per process, the selected projects become implementations led by their champions, with
    the chosen criteria as indicators; returns those created now (none when they existed)."""
    # once per process: the selected projects become implementations with the chosen criteria
    # as their indicators; later phase changes find them and change nothing
    if Implementation.objects.filter(project__process=process).exists():
        return []
    criteria = criteria_select(process=process)
    created = []
    projects = Project.objects.filter(pk__in=_selected_project_pks(process)).order_by("title")
    for project in projects:
        implementation = Implementation.objects.create(project=project, champion=project.champion)
        Indicator.objects.bulk_create(
            [Indicator(implementation=implementation, criterion=c) for c in criteria]
        )
        implementation_event_add(
            implementation,
            EventKind.STARTED,
            user,
            status=ImplementationStatus.PLANNED,
            to_user=project.champion,
        )
        created.append(implementation)
    return created


def implementation_lock(implementation: Implementation) -> Implementation:
    """`implementation` again, its row locked for this transaction."""
    return implementation_lock_pk(implementation.pk)


def implementation_lock_pk(pk: int) -> Implementation:
    """The implementation `pk`, its row locked for this transaction (not its relations)."""
    return (
        Implementation.objects.select_for_update(of=("self",))
        .select_related("project", "project__process")
        .get(pk=pk)
    )


def implementation_open_check(*, implementation: Implementation) -> None:
    """The rule for every change of an implementation's record (also asked by the admin's
    form): once the bonus is decided nothing reopens it: no status change, team change or
    handover (the ledger pays the team), measurement, target, effect or milestone change.
    Progress updates and offers of help stay open: they change no outcome."""
    if implementation.closed_at is not None or implementation.bonus_outcome != BonusOutcome.PENDING:
        raise ValidationError(
            _(
                "The bonus has been decided: the assessment is closed and what it was based on "
                "can no longer change."
            )
        )


@transaction.atomic
def implementation_team_set(
    *, implementation: Implementation, user: User | AnonymousUser, civil_servants
) -> None:
    """An organiser assigns the civil servants (accounts) who co-implement the project."""
    implementation = implementation_lock(implementation)
    permissions.process_manage_require(process=implementation.project.process, user=user)
    implementation_open_check(implementation=implementation)
    servants = list(civil_servants)
    implementation_team_check(implementation=implementation, civil_servants=servants)
    implementation.civil_servants.set(servants)


def implementation_team_check(*, implementation: Implementation, civil_servants) -> None:
    """The rule for a team (also asked by the admin's form): the champion is not a civil
    servant too."""
    champion_id = implementation.champion_id
    if champion_id and any(servant.pk == champion_id for servant in civil_servants):
        raise ValidationError(_("The champion cannot also be one of the civil servants."))


@transaction.atomic
def implementation_volunteer(
    *, implementation: Implementation, user: User | AnonymousUser, offer: bool = True
) -> bool:
    """Someone who takes part in the process offers to help (or withdraws the offer, which
    stays open to everyone); True if volunteering."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to offer your help."))
    if offer:
        permissions.participation_require(process=implementation.project.process, user=user)
        implementation.volunteers.add(user)
    else:
        implementation.volunteers.remove(user)
    return offer


@transaction.atomic
def implementation_status_set(
    *, implementation: Implementation, user: User, status: str, note: str = ""
) -> Implementation:
    """The team or an organiser changes the status; the change joins the public timeline."""
    implementation = implementation_lock(implementation)
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    implementation_status_note_check(status=status, note=note)
    if status == implementation.status:
        return implementation
    implementation.status = status
    implementation.save(update_fields=["status"])
    implementation_event_add(
        implementation, EventKind.STATUS, user, status=status, note=note.strip()[:2000]
    )
    return implementation


def implementation_status_note_check(*, status: str, note: str) -> None:
    """The rule for a status change (also asked by the admin's form): "stalled" says why."""
    if status == ImplementationStatus.STALLED and not note.strip():
        raise ValidationError({"note": _("Say why the project is stalled.")})


@transaction.atomic
def champion_hand_over(
    *, implementation: Implementation, user: User, new_champion, reason: str
) -> Implementation:
    """An organiser hands the champion's role to another member when the champion steps back;
    the handover and its reason stay in the history."""
    implementation = implementation_lock(implementation)
    permissions.process_manage_require(process=implementation.project.process, user=user)
    implementation_open_check(implementation=implementation)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the handover.")})
    if new_champion is None or not new_champion.is_active:
        raise ValidationError({"new_champion": _("Choose an active account.")})
    if new_champion.pk == implementation.champion_id:
        raise ValidationError({"new_champion": _("This member is already the champion.")})
    if member_write_refusal(new_champion) is not None:
        raise ValidationError(
            {"new_champion": _("Choose an active member of the network: a champion acts as one.")}
        )
    if implementation.civil_servants.filter(pk=new_champion.pk).exists():
        raise ValidationError(
            {"new_champion": _("A civil servant of the project cannot become its champion.")}
        )
    previous = implementation.champion
    implementation.champion = new_champion
    implementation.save(update_fields=["champion"])
    implementation_event_add(
        implementation,
        EventKind.HANDOVER,
        user,
        from_user=previous,
        to_user=new_champion,
        note=reason.strip()[:2000],
    )
    return implementation


def _milestone_fields(title: str, description: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Name the milestone.")})
    return title[:200], description.strip()[:4000]


@transaction.atomic
def milestone_add(
    *,
    implementation: Implementation,
    user: User | AnonymousUser,
    title: str,
    due=None,
    description: str = "",
) -> Milestone:
    """The team or an organiser adds a milestone (title, optional due date and description)."""
    implementation = implementation_lock(implementation)
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    title, description = _milestone_fields(title, description)
    return Milestone.objects.create(
        implementation=implementation,
        title=title,
        due=due,
        description=description,
        sort_order=implementation.milestones.count(),
    )


def _milestone_locked(milestone: Milestone) -> tuple[Milestone, Implementation]:
    # the implementation first, as every change of its record locks it (the bonus decision too)
    implementation = implementation_lock_pk(milestone.implementation_id)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    return milestone, implementation


@transaction.atomic
def milestone_edit(
    *, milestone: Milestone, user: User | AnonymousUser, title: str, due=None, description: str = ""
) -> Milestone:
    """The team or an organiser corrects a milestone that is not reached yet.

    A sign-off given to the old wording no longer holds when the title or due date changes: it
    is cleared, so that both sign-offs are given to the same milestone.
    """
    milestone, implementation = _milestone_locked(milestone)
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if milestone.reached:
        raise ValidationError(_("The milestone is reached: it can no longer change."))
    title, description = _milestone_fields(title, description)
    if title != milestone.title or due != milestone.due:
        milestone.champion_signed_by, milestone.champion_signed_at = None, None
        milestone.servant_signed_by, milestone.servant_signed_at = None, None
    milestone.title, milestone.due, milestone.description = title, due, description
    milestone.save()
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, user: User | AnonymousUser) -> None:
    """The team or an organiser removes a milestone that is not reached yet (a reached one is
    part of the public record)."""
    milestone, implementation = _milestone_locked(milestone)
    permissions.implementation_role_require(
        implementation=implementation, user=user, allowed={"champion", "servant", "organiser"}
    )
    implementation_open_check(implementation=implementation)
    if milestone.reached:
        raise ValidationError(_("The milestone is reached: it stays in the record."))
    milestone.delete()


@transaction.atomic
def milestone_sign_off(*, milestone: Milestone, user: User) -> Milestone:
    """The champion or a civil servant of the project signs a milestone off (once each).

    The milestone is reached only when both have signed; who signed and when is recorded. One
    person cannot give both sign-offs (the champion is never a civil servant of the project).
    """
    milestone, implementation = _milestone_locked(milestone)
    implementation_open_check(implementation=implementation)
    roles = permissions.implementation_acting_roles(implementation=implementation, user=user)
    now = timezone.now()
    if "champion" in roles:
        if milestone.champion_signed_at is not None:
            raise ValidationError(_("The champion has already signed this milestone off."))
        milestone.champion_signed_by, milestone.champion_signed_at = user, now
    elif "servant" in roles:
        if milestone.servant_signed_at is not None:
            raise ValidationError(_("A civil servant has already signed this milestone off."))
        milestone.servant_signed_by, milestone.servant_signed_at = user, now
    elif implementation.champion_id == user.pk:  # a champion whose membership is not active
        raise PermissionDenied(member_write_refusal(user))
    else:
        raise PermissionDenied(
            _("Only the champion and the project's civil servants sign milestones off.")
        )
    milestone.save()
    if milestone.reached:
        implementation_event_add(implementation, EventKind.MILESTONE, user, note=milestone.title)
    return milestone


@transaction.atomic
def progress_update_post(
    *,
    implementation: Implementation,
    user: User,
    body: str,
    photo=None,
    photo_alt: str = "",
) -> ProgressUpdate:
    """The team posts a public progress update (sanitised) with an optional photo.

    `photo` is an uploaded image already checked and re-encoded without metadata by the form's
    `portal.uploaded_images.UploadedImageField` (format, size, pixels, a whole image, no EXIF);
    it becomes a Wagtail image whose title is the description the poster gave.
    """
    permissions.implementation_role_require(
        implementation=implementation,
        user=user,
        allowed={"champion", "servant", "volunteer", "organiser"},
    )
    body = sanitise_html(body)
    if not plain_text(body):
        raise ValidationError({"body": _("Write what happened.")})
    photo_alt = " ".join(photo_alt.split())[:250]
    image = None
    if photo is not None:
        if not photo_alt:
            raise ValidationError(
                {"photo_alt": _("Describe the photo for people who cannot see it.")}
            )
        from wagtail.images import get_image_model

        image = get_image_model()(title=photo_alt, file=photo, uploaded_by_user=user)
        image.save()
    update = ProgressUpdate(
        implementation=implementation, author=user, body=body, photo=image, photo_alt=photo_alt
    )
    update.full_clean()  # the length limit (portal.text_limits)
    update.save()
    return update
