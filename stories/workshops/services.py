"""Writing workshops: registration with a waiting list, the capture session, and the drafts
participants write in it (private to their author until they share them and an editor decides).

Registration keeps `capacity` even when many members register at once: every change to a
workshop's registrations first locks the workshop's row (`select_for_update`) inside a
transaction, so counting the places taken and taking one happen as one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Member, MemberStatus
from network.permissions import active_member_require
from portal.languages import (
    locale_language,
    member_language,
    recipient_language,
    site_languages,
)
from stories.models import StoryIndexPage, StoryPage
from stories.permissions import (
    draft_can_review,
    draft_is_authors,
    workshop_can_set_capture,
    workshop_is_participant,
)
from stories.services.stories import (
    story_draft_create,
    story_html_from_text,
    story_index_in_language,
)
from stories.vocabularies import Disclosure
from stories.workshops.models import StoryDraft, WorkshopPage, WorkshopRegistration
from stories.workshops.selectors import workshop_in_language, workshop_waiting_position
from stories.workshops.vocabularies import DraftStatus, RegistrationStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MEMBERS_ONLY_MESSAGE = gettext_lazy(
    "Only active members can register for workshops. Your membership is not active yet."
)
# The prompt cards, in the order a participant answers them, and where each goes in a story.
PROMPT_TO_NARRATIVE = {
    "project": "what_we_tried",
    "what_went_wrong": "what_happened",
    "why": "why",
    "lesson": "what_we_learned",
    "do_differently": "do_differently",
}


class WorkshopClosed(ValidationError):
    """The workshop has started or taken place: its registrations no longer change."""


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: WorkshopRegistration
    position: int | None  # place on the waiting list, from 1; None when the member has a place
    changed: bool  # False when the member was already registered or waiting


@dataclass(frozen=True)
class CancelOutcome:
    registration: WorkshopRegistration | None  # None when the member was not registered
    promoted: list[WorkshopRegistration] = field(default_factory=list)


def _workshop_lock(workshop: WorkshopPage) -> WorkshopPage:
    # Lock only the workshop's own row (not the page tree's): it serialises the changes to
    # this workshop's registrations and nothing else. Must run inside a transaction. A
    # translation's registrations are its original's (the first created; see
    # `selectors.workshop_event`): the original is locked and returned.
    return (
        WorkshopPage.objects.select_for_update(of=("self",))
        .filter(translation_key=workshop.translation_key)
        .earliest("pk")
    )


def _refuse_when_started(workshop: WorkshopPage) -> None:
    if workshop.is_past:
        raise WorkshopClosed(_("This workshop has already taken place."), code="past")
    if workshop.has_started:
        raise WorkshopClosed(_("This workshop has already started."), code="started")


def _places_fill(workshop: WorkshopPage) -> list[WorkshopRegistration]:
    """Give the free places to the waiting list, first come first served (lock held). Only
    active members move up (and are e-mailed): one whose membership ended while waiting keeps
    their place in the queue until it is active again."""
    taken = workshop.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = max(workshop.capacity - taken, 0)
    if not free:
        return []
    promoted = list(
        workshop.registrations.filter(
            status=RegistrationStatus.WAITING, member__status=MemberStatus.ACTIVE
        )
        .select_related("member__user")
        .order_by("queued_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
    return promoted


def workshop_register(*, workshop: WorkshopPage, member: Member | None) -> RegistrationOutcome:
    """Give `member` a place at `workshop`, or a place on its waiting list when it is full.

    Only active members register; a workshop that has started refuses (`WorkshopClosed`).
    Registering again changes nothing; registering after cancelling joins at the end of the
    queue. Capacity holds under simultaneous registrations (the workshop row is locked).
    """
    if member is None:
        raise PermissionDenied(MEMBERS_ONLY_MESSAGE)
    active_member_require(member.user)
    with transaction.atomic():
        locked = _workshop_lock(workshop)
        _refuse_when_started(locked)
        registration = WorkshopRegistration.objects.filter(workshop=locked, member=member).first()
        if registration is not None and registration.status != RegistrationStatus.CANCELLED:
            return RegistrationOutcome(
                registration, workshop_waiting_position(registration=registration), False
            )
        # places freed while nobody was there to take them go to the queue first
        _promoted_notify(workshop=locked, promoted=_places_fill(locked))
        taken = locked.registrations.filter(status=RegistrationStatus.REGISTERED).count()
        status = (
            RegistrationStatus.REGISTERED if taken < locked.capacity else RegistrationStatus.WAITING
        )
        if registration is None:
            registration = WorkshopRegistration.objects.create(
                workshop=locked, member=member, status=status
            )
        else:
            registration.status = status
            registration.queued_at = timezone.now()  # back of the queue
            registration.save(update_fields=["status", "queued_at", "updated_at"])
        return RegistrationOutcome(
            registration, workshop_waiting_position(registration=registration), True
        )


def workshop_cancel(*, workshop: WorkshopPage, member: Member) -> CancelOutcome:
    """Cancel `member`'s place or place in the queue; a freed place goes to the first member
    waiting, who is told by e-mail once the transaction commits. Refused once the workshop
    has started (`WorkshopClosed`)."""
    with transaction.atomic():
        locked = _workshop_lock(workshop)
        _refuse_when_started(locked)
        registration = (
            WorkshopRegistration.objects.filter(workshop=locked, member=member)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration is None:
            return CancelOutcome(None)
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = _places_fill(locked)
        _promoted_notify(workshop=locked, promoted=promoted)
        return CancelOutcome(registration, promoted)


def workshop_waiting_list_promote(*, workshop: WorkshopPage) -> list[WorkshopRegistration]:
    """Give the workshop's free places to the first members waiting, in queue order, and
    e-mail each of them once the transaction commits; returns those who moved up.

    Called whenever the workshop page is saved (`stories.workshops.receivers.workshop_saved`),
    so that raising the capacity in the admin fills the new places at once. Lowering it removes
    nobody: members already registered keep their places. A workshop that has started moves
    nobody up (its registrations no longer change).
    """
    with transaction.atomic():
        locked = _workshop_lock(workshop)
        if locked.has_started:
            return []
        promoted = _places_fill(locked)
        _promoted_notify(workshop=locked, promoted=promoted)
        return promoted


def _promoted_notify(*, workshop: WorkshopPage, promoted: list[WorkshopRegistration]) -> None:
    # after commit: nobody hears of a place that a rolled-back transaction took away again
    for moved_up in promoted:
        transaction.on_commit(partial(_place_notify, workshop=workshop, registration=moved_up))


def _place_notify(*, workshop: WorkshopPage, registration: WorkshopRegistration) -> None:
    """Tell a member who moved up from the waiting list that they now have a place (the place
    is theirs either way: a mail server that is down gets the message later, see
    portal.outgoing_mail). The e-mail is in the member's language, and so is the workshop it
    names and links when it has a live translation in that language."""
    address = registration.member.contact_email or registration.member.user.email
    if not address:
        return
    with recipient_language(registration.member.user):
        language = translation.get_language() or ""
        _place_mail_send(
            workshop=workshop_in_language(workshop=workshop, language=language), address=address
        )


def _place_mail_send(*, workshop: WorkshopPage, address: str) -> None:
    # the address in the active language: a page without a translation in it is shown there
    # in its own language with a notice
    url = workshop.get_full_url() or ""
    send_mail(
        # one line: a header cannot hold a line break
        " ".join((_("You have a place at %(title)s") % {"title": workshop.title}).split()),
        _(
            "A place opened up and it is yours: you are now registered for “%(title)s”.\n\n"
            "If you cannot come after all, please cancel so that the next person can: "
            "%(url)s\n"
        )
        % {"title": workshop.title, "url": url},
        None,
        [address],
    )


# -- the capture session


def workshop_capture_set(
    *, workshop: WorkshopPage, user: User | AnonymousUser, open_: bool
) -> None:
    """Open or close the capture session. Facilitators of the workshop and editors may."""
    if not workshop_can_set_capture(workshop=workshop, user=user):
        raise PermissionDenied(_("Only the workshop's facilitators can open or close capture."))
    # an update, not a page save: it is the workshop's state, not a new revision of its
    # content; the same in each of its languages (one event)
    WorkshopPage.objects.filter(translation_key=workshop.translation_key).update(capture_open=open_)
    workshop.capture_open = open_


DRAFT_FIELDS = (
    "title",
    "kind",
    "project",
    "what_went_wrong",
    "why",
    "root_causes",
    "lesson",
    "do_differently",
    "disclosure",
    "consent",
)


def workshop_draft_save(
    *,
    workshop: WorkshopPage,
    member: Member,
    values: dict,
    draft: StoryDraft | None = None,
    share: bool = False,
    written_in: str = "",
) -> StoryDraft:
    """Save a participant's draft (a new one when `draft` is None) from the prompt cards.

    New drafts need an open capture session and a place at the workshop; the author edits
    their own drafts later too, until an editor has decided. With `share`, the draft goes to
    the editors for review: that needs the author's consent (`values["consent"]`). Writing
    needs an active membership throughout (`workshop_draft_withdraw` stays open: it only
    takes the author's own draft back).

    A new draft is written in `written_in` (the language the capture form is used in; when it
    is not one of the site's, the member's own language); later edits keep it.
    """
    active_member_require(member.user)
    if draft is None:
        if not workshop.capture_open:
            raise PermissionDenied(_("The capture session is closed."))
        if not workshop_is_participant(workshop=workshop, member=member):
            raise PermissionDenied(_("Only registered participants draft stories here."))
        draft = StoryDraft(
            workshop=workshop,
            author=member,
            written_in=_draft_language(written_in, member=member),
        )
    elif not draft_is_authors(draft=draft, member=member) or draft.workshop_id != workshop.pk:
        raise PermissionDenied(_("This draft is not yours."))
    if not draft.editable:
        raise ValidationError(_("An editor has already decided on this draft."), code="decided")
    for name in DRAFT_FIELDS:
        if name in values:
            setattr(draft, name, values[name])
    if share:
        missing = [name for name in ("title", "kind") if not getattr(draft, name)]
        if missing:
            raise ValidationError(
                {name: _("Needed before you share the story.") for name in missing},
                code="required",
            )
        if not draft.consent:
            raise ValidationError(
                _("Tick the consent box to share your story for review."), code="consent"
            )
        draft.status = DraftStatus.SUBMITTED
        draft.submitted_at = timezone.now()
    draft.full_clean(exclude=["workshop", "author", "story"])
    draft.save()
    return draft


def _draft_language(code: str, *, member: Member) -> str:
    code = (code or "").split("-")[0]
    if code in site_languages():
        return code
    return member_language(member.user) or ""


def workshop_draft_withdraw(*, draft: StoryDraft, member: Member) -> StoryDraft:
    """Take a shared draft back before an editor has decided: private again."""
    if not draft_is_authors(draft=draft, member=member):
        raise PermissionDenied(_("This draft is not yours."))
    if draft.status != DraftStatus.SUBMITTED:
        raise ValidationError(_("Only drafts waiting for review can be taken back."))
    draft.status = DraftStatus.PRIVATE
    draft.consent = False
    draft.submitted_at = None
    draft.save(update_fields=["status", "consent", "submitted_at", "updated_at"])
    return draft


# -- review by editors


def _require_reviewer(user: User | AnonymousUser) -> None:
    if not draft_can_review(user):
        raise PermissionDenied(_("Only editors review workshop drafts."))


@transaction.atomic
def workshop_draft_accept(*, draft: StoryDraft, reviewer) -> StoryPage:
    """Turn a draft shared for review into an unpublished story, linked to the workshop and
    to the draft; the draft becomes ACCEPTED.

    The story is written in the draft's language (`written_in`): it goes under the stories
    index of that language's section of the site (`story_index_in_language`, from the index
    above the workshop) and links the workshop's page in that language, where they are live;
    else under the index above the workshop, linking it.

    Only drafts whose author consented and shared them; the story keeps the author's chosen
    disclosure and waits in the admin for an editor to publish it. What is known already is
    filled in: the country is the author's (or, when their profile has none, the
    workshop's), and the themes are the workshop's.
    """
    _require_reviewer(reviewer)
    draft = (
        StoryDraft.objects.select_for_update().select_related("author", "workshop").get(pk=draft.pk)
    )
    if draft.status != DraftStatus.SUBMITTED or not draft.consent:
        raise ValidationError(_("Only drafts shared for review can be accepted."))
    event = draft.workshop
    index = StoryIndexPage.objects.ancestor_of(event).first()
    if index is None:
        raise ValidationError(_("The workshop is not under a stories page."))
    index = story_index_in_language(index=index, language=draft.written_in)
    workshop = workshop_in_language(workshop=event, language=locale_language(index.locale_id) or "")
    narrative = {
        story_field: story_html_from_text(getattr(draft, prompt))
        for prompt, story_field in PROMPT_TO_NARRATIVE.items()
        if getattr(draft, prompt).strip()
    }
    story = story_draft_create(
        index=index,
        author=draft.author,
        title=draft.title or _("Story from %(workshop)s") % {"workshop": workshop.title},
        kind=draft.kind,
        disclosure=draft.disclosure or Disclosure.PUBLIC_ANONYMOUS,
        disclosure_consent=True,
        narrative=narrative,
        root_causes=list(draft.root_causes or []),
        summary=Truncator(draft.what_went_wrong or draft.project).chars(300),
        workshop=workshop,
        written_in=draft.written_in,
        country_id=draft.author.country_id or event.country_id,
        themes=event.themes.all(),
    )
    draft.story = story
    draft.status = DraftStatus.ACCEPTED
    draft.reviewed_at = timezone.now()
    draft.reviewed_by = reviewer
    draft.save(update_fields=["story", "status", "reviewed_at", "reviewed_by", "updated_at"])
    return story


@transaction.atomic
def workshop_draft_decline(*, draft: StoryDraft, reviewer, note: str = "") -> StoryDraft:
    """Decline a draft shared for review, with an optional note that its author sees."""
    _require_reviewer(reviewer)
    draft = StoryDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != DraftStatus.SUBMITTED:
        raise ValidationError(_("Only drafts shared for review can be declined."))
    draft.status = DraftStatus.DECLINED
    draft.review_note = note.strip()
    draft.reviewed_at = timezone.now()
    draft.reviewed_by = reviewer
    draft.full_clean(exclude=["workshop", "author", "story"])  # the note's length limit
    draft.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by", "updated_at"])
    return draft
