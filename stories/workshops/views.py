"""The workshop page's routes (served by WorkshopPage): registration and cancelling (POST), the
iCalendar file, the participant list for facilitators, and workshop mode (the capture session
and each participant's own drafts). Every permission is asked of `stories.permissions`, per
workshop.

A view reads and writes registrations, the capture session and drafts on the workshop as an
event (`workshop_event`: a translation's are its original's), and shows the event's times,
capacity and online link (`event` in the templates); it answers with the page the reader is on,
in their language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.models import Site

from network.permissions import member_of, member_write_refusal
from portal.csv_export import csv_response
from portal.form_errors import form_errors_spread
from portal.models import SiteSettings
from stories.permissions import (
    workshop_can_see_participants,
    workshop_can_start_draft,
    workshop_has_place,
    workshop_rights,
)
from stories.workshops import calendar, services
from stories.workshops.forms import SHARE, StoryDraftForm
from stories.workshops.models import StoryDraft, WorkshopPage
from stories.workshops.selectors import (
    workshop_drafts_of,
    workshop_event,
    workshop_facilitators,
    workshop_participants,
    workshop_places,
    workshop_registration_of,
    workshop_stories,
    workshop_waiting_position,
)
from stories.workshops.vocabularies import DraftStatus


def _route_url(workshop: WorkshopPage, request: HttpRequest, name: str, *args) -> str:
    return workshop.get_url(request) + workshop.reverse_subpage(name, args=args)


def workshop_page_context(request: HttpRequest, *, workshop: WorkshopPage) -> dict:
    """What the workshop page shows the visitor: the event (times, places, online link: the
    original's in every language), their registration and place in the queue, the
    facilitators, the stories told there, and what they may do."""
    member = member_of(request.user)
    event = workshop_event(workshop)
    registration = workshop_registration_of(workshop=event, member=member)
    rights = workshop_rights(workshop=event, user=request.user, registration=registration)
    return {
        "event": event,
        "places": workshop_places(workshop=event),
        "registration": registration,
        "waiting_position": (
            workshop_waiting_position(registration=registration) if registration else None
        ),
        "facilitators": workshop_facilitators(workshop=event),
        "is_facilitator": rights.is_facilitator,
        "can_see_participants": rights.can_see_participants,
        "show_online_link": rights.can_see_online_link,
        "can_capture": rights.can_start_draft,
        "workshop_stories": workshop_stories(workshop=workshop, user=request.user),
    }


def _post_only(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def workshop_register_post(request: HttpRequest, *, workshop: WorkshopPage) -> HttpResponse:
    """A member registers (POST, CSRF-checked by the middleware), then back to the page with
    a message that says whether they have a place or where they are in the queue."""
    if refused := _post_only(request):
        return refused
    page_url = workshop.get_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    try:
        outcome = services.workshop_register(
            workshop=workshop_event(workshop), member=member_of(request.user)
        )
    except (PermissionDenied, ValidationError) as refusal:
        messages.error(request, _refusal_text(refusal))
        return HttpResponseRedirect(f"{page_url}#registration")
    if outcome.position is None:
        text = (
            # the registration box below says "You have a place at this workshop."
            _("Your place is booked. If you cannot come, cancel it so that someone else can.")
            if outcome.changed
            else _("You are already registered for this workshop.")
        )
    else:
        text = _(
            "The workshop is full: you are number %(position)d on the waiting list. "
            "If a place opens up, it is yours in turn and we will e-mail you."
        ) % {"position": outcome.position}
    messages.success(request, text)
    return HttpResponseRedirect(f"{page_url}#registration")


def workshop_cancel_post(request: HttpRequest, *, workshop: WorkshopPage) -> HttpResponse:
    """A member cancels their place or leaves the waiting list (POST)."""
    if refused := _post_only(request):
        return refused
    page_url = workshop.get_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    member = member_of(request.user)
    if member is None:
        messages.error(request, _("You are not registered for this workshop."))
        return HttpResponseRedirect(f"{page_url}#registration")
    try:
        outcome = services.workshop_cancel(workshop=workshop_event(workshop), member=member)
    except ValidationError as refusal:
        messages.error(request, _refusal_text(refusal))
        return HttpResponseRedirect(f"{page_url}#registration")
    if outcome.registration is None:
        messages.error(request, _("You are not registered for this workshop."))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(f"{page_url}#registration")


def _refusal_text(refusal: Exception) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


def workshop_ical(request: HttpRequest, *, workshop: WorkshopPage) -> HttpResponse:
    """The workshop as an iCalendar file, its texts in the page's language and its times the
    event's; the online link only for those who see it on the page (participants and
    facilitators)."""
    context = workshop_page_context(request, workshop=workshop)
    event = context["event"]
    site = Site.find_for_request(request)
    settings = SiteSettings.for_site(site) if site else None
    body = calendar.workshop_calendar(
        workshop,
        event=event,
        url=workshop.get_full_url(request) or request.build_absolute_uri(workshop.url),
        hostname=site.hostname if site else request.get_host(),
        online_url=event.online_url if context["show_online_link"] else "",
        organizer_email=settings.contact_email if settings else "",
        organizer_name=(site.site_name if site else "") or "Kokeilu",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workshop.slug}.ics"'
    return response


PARTICIPANT_COLUMNS = ("status", "position", "name", "organisation", "country", "since")


def workshop_participant_list(
    request: HttpRequest, *, workshop: WorkshopPage, as_csv: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """Registered and waiting members, for the workshop's facilitators and editors only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = workshop_event(workshop)
    if not workshop_can_see_participants(workshop=event, user=request.user):
        raise PermissionDenied(_("Only the workshop's facilitators see who registered."))
    participants = workshop_participants_rows(workshop=event)
    if as_csv:
        return csv_response(
            filename=f"{workshop.slug}-participants.csv",
            header=PARTICIPANT_COLUMNS,
            rows=(
                [row[column] for column in PARTICIPANT_COLUMNS]
                for row in participants["registered"] + participants["waiting"]
            ),
        )
    return TemplateResponse(
        request,
        "stories/workshop_participants.html",
        {"page": workshop, "self": workshop, "event": event, "participants": participants},
    )


def workshop_participants_rows(*, workshop: WorkshopPage) -> dict[str, list[dict]]:
    lists = workshop_participants(workshop=workshop)
    rows: dict[str, list[dict]] = {}
    for name, registrations in lists.items():
        rows[name] = [
            {
                "status": registration.get_status_display(),
                "position": number if name == "waiting" else "",
                "name": registration.member.public_name,
                "member": registration.member,
                "organisation": registration.member.organisation,
                "country": (
                    registration.member.country.name if registration.member.country else ""
                ),
                "since": registration.queued_at.date().isoformat(),
                "queued_at": registration.queued_at,
            }
            for number, registration in enumerate(registrations, start=1)
        ]
    return rows


def workshop_capture_set_post(
    request: HttpRequest, *, workshop: WorkshopPage, open_: bool
) -> HttpResponse:
    """A facilitator opens or closes the capture session (POST)."""
    if refused := _post_only(request):
        return refused
    page_url = workshop.get_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    services.workshop_capture_set(workshop=workshop_event(workshop), user=request.user, open_=open_)
    messages.success(
        request,
        _("Capture is open: participants can now draft their stories.")
        if open_
        else _("Capture is closed. Participants can still edit the drafts they wrote."),
    )
    return HttpResponseRedirect(f"{page_url}#workshop-mode")


def workshop_capture(
    request: HttpRequest, *, workshop: WorkshopPage, draft_id: int | None = None
) -> HttpResponse:
    """Workshop mode for a participant: their own drafts and the prompt cards as a form.

    A draft is found only among the signed-in member's own: anyone else (facilitators and
    editors included) gets 404, so its content never leaves its author before they share it.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = member_of(request.user)
    event = workshop_event(workshop)
    drafts = workshop_drafts_of(workshop=event, member=member)
    draft = None
    if draft_id is not None:
        draft = drafts.filter(pk=draft_id).first()
        if draft is None:
            raise Http404(_("No such draft."))
    registration = workshop_registration_of(workshop=event, member=member)
    if draft is None and not workshop_has_place(registration=registration) and not drafts.exists():
        raise PermissionDenied(_("Only registered participants draft stories here."))
    can_start = workshop_can_start_draft(
        workshop=event, user=request.user, registration=registration
    )
    form = None
    if request.method == "POST":
        answer = _capture_post(
            request, workshop=workshop, member=member, draft=draft, can_start=can_start
        )
        if isinstance(answer, HttpResponse):
            return answer
        form = answer
    elif draft is not None or can_start:
        form = StoryDraftForm(instance=draft)
    # a decided draft, or an account that may not write as a member, is read, not edited
    if (draft is not None and not draft.editable) or member_write_refusal(request.user) is not None:
        form = None
    return TemplateResponse(
        request,
        "stories/workshop_capture.html",
        {
            "page": workshop,
            "self": workshop,
            "drafts": list(drafts),
            "draft": draft,
            "form": form if (draft is not None or can_start) else None,
            "can_start": can_start,
        },
    )


def _capture_post(
    request: HttpRequest,
    *,
    workshop: WorkshopPage,
    member,
    draft: StoryDraft | None,
    can_start: bool,
) -> HttpResponse | StoryDraftForm:
    """Save, share or take back a draft: a redirect when done (or refused), else the form
    with its errors to show again."""
    if draft is None and not can_start:
        messages.error(request, _("The capture session is closed."))
        return HttpResponseRedirect(_route_url(workshop, request, "capture"))
    if draft is not None and request.POST.get("action") == "withdraw":
        return _draft_withdraw(request, workshop=workshop, draft=draft, member=member)
    form = StoryDraftForm(request.POST, instance=draft or StoryDraft())
    if not form.is_valid():
        return form
    try:
        saved = services.workshop_draft_save(
            workshop=workshop_event(workshop),
            member=member,
            values=form.values(),
            draft=draft,
            share=form.cleaned_data.get("action") == SHARE,
            # a new draft is written in the language the participant uses the form in
            written_in=translation.get_language() or "",
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(_route_url(workshop, request, "capture"))
    except ValidationError as error:
        form_errors_spread(form, error)
        return form
    messages.success(
        request,
        _("Shared for review. An editor will read it; until then only you see it.")
        if saved.status == DraftStatus.SUBMITTED
        else _("Draft saved. Only you can see it."),
    )
    return HttpResponseRedirect(_route_url(workshop, request, "draft", saved.pk))


def _draft_withdraw(request, *, workshop, draft, member) -> HttpResponse:
    try:
        services.workshop_draft_withdraw(draft=draft, member=member)
    except ValidationError as refusal:
        messages.error(request, _refusal_text(refusal))
    else:
        messages.success(request, _("Taken back: the draft is private again."))
    return HttpResponseRedirect(_route_url(workshop, request, "draft", draft.pk))
