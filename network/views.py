"""Views of the network: directory, profiles, the NCP dashboard, privacy (groups and
invitations: `network.groups.views`).

Every view asks `network.permissions` on the server; services check again.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network import permissions, selectors, services
from network.forms import AccountDeleteForm, DeactivateForm, MemberProfileForm, RejectForm
from network.models import Member, MembershipStatus, MemberStatus
from search.forms import SearchForm
from search.query import SearchQuery, SearchResults
from search.selectors import search_run, search_visibility_for
from search.views import search_page_links

DIRECTORY_KINDS = ("member", "group")
DIRECTORY_FACETS = (
    "kind",
    "country",
    "role",
    "method",
    "theme",
    "skill",
    "looking_for",
    "offering",
    "organisation_type",
)
DASHBOARD_PAGE_SIZE = 50


def _own_member(request: HttpRequest) -> Member | None:
    try:
        return request.user.member
    except (Member.DoesNotExist, AttributeError):
        return None


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Members and groups, faceted through the knowledge index (public fields only)."""
    form = SearchForm(request.GET)
    query: SearchQuery | None = None
    results: SearchResults | None = None
    error = None
    if form.is_valid():
        query = form.to_query(
            kinds=DIRECTORY_KINDS, visibility=search_visibility_for(request.user), page_size=24
        )
        results = search_run(query)
    else:
        error = form.error_message()
    links = search_page_links(request.path, query, results)
    links["facets"] = [f for f in links["facets"] if f["name"] in DIRECTORY_FACETS]
    context = {"form": form, "query": query, "results": results, "error": error, **links}
    return render(request, "network/directory.html", context, status=400 if error else 200)


@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(pk)
    if member is None or not permissions.member_can_view(request.user, member):
        raise Http404(_("No such member."))
    visible = selectors.member_visible_fields(viewer=request.user, member=member)
    can_decide = permissions.member_can_decide(request.user, member)
    context = {
        "member": member,
        "visible": visible,
        "can_edit": permissions.member_can_edit(request.user, member),
        "can_manage": permissions.member_can_manage(request.user, member),
        # an NCP deciding on a request from the applicant's page: Approve and Reject here
        "can_decide": can_decide,
        "email_unverified": can_decide and not services.member_email_verified(member),
        "groups": list(
            member.memberships.filter(status=MembershipStatus.ACTIVE).select_related("group")
        ),
        "matches": _matches(request, member) if "exchange" in visible else [],
    }
    return render(request, "network/member_detail.html", context)


def _matches(request: HttpRequest, member: Member) -> list:
    """Kokeilun paikka: members who offer what this member is looking for (public data only,
    through the knowledge index)."""
    if not member.looking_for or member.status != MemberStatus.ACTIVE:
        return []
    results = search_run(
        SearchQuery(
            kinds=("member",),
            selections={"offering": tuple(member.looking_for)},
            visibility=search_visibility_for(request.user),
            page_size=6,
            with_facets=False,
            with_highlights=False,
        )
    )
    own_id = f"member:{member.pk}"
    return [hit.document for hit in results.hits if hit.document.id != own_id][:5]


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner, the NCP of the member's country and editors edit a profile; others get 403."""
    member = selectors.member_get(pk)
    if member is None:
        raise Http404(_("No such member."))
    if not permissions.member_can_edit(request.user, member):
        raise PermissionDenied(_("You cannot edit this profile."))
    can_change_country = permissions.member_can_change_country(request.user, member)
    own_profile = member.user_id == request.user.pk
    form = MemberProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=member,
        can_change_country=can_change_country,
        own_profile=own_profile,
    )
    if request.method == "POST" and form.is_valid():
        # The ModelForm has already written cleaned values onto the instance; start again from
        # the stored row so that member_update sees (and audits) what really changes.
        stored = selectors.member_get(pk)
        services.member_update(
            actor=request.user,
            member=stored,
            changes=form.changes(),
            methods=form.cleaned_data["methods"],
            themes=form.cleaned_data["themes"],
        )
        messages.success(request, _("The profile was saved."))
        if stored.residence_pending and stored.status == MemberStatus.ACTIVE:
            messages.info(
                request,
                _(
                    "Your country and municipality for voting in participatory budgets stay as "
                    "they were confirmed until the national contact point confirms the change."
                )
                if stored.user_id == request.user.pk
                else _("The new residence counts for voting once it is confirmed."),
            )
        return redirect(stored.get_absolute_url())
    if request.method == "POST":
        messages.error(request, _("The profile was not saved: check the fields marked below."))
    return render(
        request,
        "network/member_edit.html",
        {"member": member, "form": form, "own_profile": own_profile},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """Your membership: its status (a rejection with its reason), and your account's links."""
    member = _own_member(request)
    if member is None:
        # accounts made outside the sign-up form (e.g. the admin) get a profile on first visit
        # staff accounts are service accounts: their profile stays out of listings and search
        member = services.member_register(
            user=request.user,
            display_name=request.user.get_full_name(),
            listed=not (request.user.is_staff or request.user.is_superuser),
        )
    return render(
        request,
        "network/me.html",
        {"member": member, "is_ncp": permissions.managed_countries(request.user).manages_any},
    )


def _managed_member(request: HttpRequest, pk: int) -> Member:
    member = selectors.member_get(pk)
    if member is None:
        raise Http404(_("No such member."))
    if not permissions.member_can_manage(request.user, member):
        raise PermissionDenied(_("You do not manage members of this country."))
    return member


def _next(request: HttpRequest) -> str:
    """The page a decision was asked from (`next`), when it is a page of this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form came from (the applicant's profile, say), else the dashboard."""
    return redirect(_next(request) or reverse("network:dashboard"))


def _run(request: HttpRequest, action, success: str, **kwargs) -> HttpResponse:
    try:
        action(actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _back(request)


def _confirmation(
    request: HttpRequest,
    member: Member,
    *,
    form,
    action_url: str,
    heading: str,
    consequences: list[str],
    button: str,
) -> HttpResponse:
    """The page that asks before a destructive action: whom it is about, what follows, and a
    form that POSTs to the action (no script needed); a way back without acting."""
    return render(
        request,
        "network/member_confirm.html",
        {
            "member": member,
            "form": form,
            "action_url": action_url,
            "heading": heading,
            "consequences": consequences,
            "button": button,
            "next": _next(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def member_approve(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk)
    return _run(
        request,
        services.member_approve,
        _("%(name)s is now a member.") % {"name": member.display_name},
        member=member,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for the reason and confirmation; POST rejects the request."""
    member = _managed_member(request, pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            services.member_reject,
            _("The request of %(name)s was rejected.") % {"name": member.display_name},
            member=member,
            reason=form.cleaned_data["reason"],
        )
    if member.status != MemberStatus.PENDING:
        messages.error(request, _("Only pending requests can be rejected."))
        return _back(request)
    name = member.display_name
    return _confirmation(
        request,
        member,
        form=form,
        action_url=reverse("network:member_reject", args=[member.pk]),
        heading=_("Reject the request of %(name)s?") % {"name": name},
        consequences=[
            _(
                "%(name)s cannot take part in the network. They get an e-mail with your reason "
                "and see it on their membership page."
            )
            % {"name": name},
            _("You can still approve them later from the dashboard's list of rejected members."),
        ],
        button=_("Reject %(name)s") % {"name": name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (and an optional reason); POST deactivates."""
    member = _managed_member(request, pk)
    refusal = permissions.member_deactivate_refusal(request.user, member)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _run(
            request,
            services.member_deactivate,
            _("%(name)s was deactivated.") % {"name": member.display_name},
            member=member,
            reason=form.cleaned_data["reason"],
        )
    if member.status != MemberStatus.ACTIVE:
        messages.error(request, _("Only active members can be deactivated."))
        return _back(request)
    name = member.display_name
    return _confirmation(
        request,
        member,
        form=form,
        action_url=reverse("network:member_deactivate", args=[member.pk]),
        heading=_("Deactivate %(name)s?") % {"name": name},
        consequences=[
            _(
                "%(name)s leaves the member directory and search, and can no longer take part "
                "in the network: no comments, proposals, groups or workshops. They can still "
                "sign in, see their own profile and download or delete their data."
            )
            % {"name": name},
            _("The reason is kept in the audit log. You can reactivate the membership later."),
        ],
        button=_("Deactivate %(name)s") % {"name": name},
    )


@login_required
@require_POST
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk)
    return _run(
        request,
        services.member_reactivate,
        _("%(name)s is active again.") % {"name": member.display_name},
        member=member,
    )


@login_required
@require_POST
def member_ambassador(request: HttpRequest, pk: int) -> HttpResponse:
    member = _managed_member(request, pk)
    name = request.POST.get("ambassador") == "1"
    message = (
        _("%(name)s is now an ambassador.") if name else _("%(name)s is no longer an ambassador.")
    )
    return _run(
        request,
        services.member_ambassador_set,
        message % {"name": member.display_name},
        member=member,
        ambassador=name,
    )


@login_required
@require_POST
def member_residence(request: HttpRequest, pk: int) -> HttpResponse:
    """The NCP confirms the country and municipality a member gave (account voting trusts it)."""
    member = _managed_member(request, pk)
    return _run(
        request,
        services.member_residence_confirm,
        _("The residence of %(name)s is confirmed.") % {"name": member.display_name},
        member=member,
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """An NCP's own country (editors: every country): requests, members, recent decisions."""
    scope = permissions.managed_countries(request.user)
    if not scope.manages_any:
        raise PermissionDenied(_("The dashboard is for national contact points and editors."))
    status = request.GET.get("status", "")
    if status not in ("", MemberStatus.ACTIVE, MemberStatus.DEACTIVATED, MemberStatus.REJECTED):
        status = ""
    members_page = Paginator(
        selectors.members_managed(scope=scope, status=status), DASHBOARD_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "pending": list(selectors.members_pending(scope=scope)[:200]),
        "residence_pending": list(selectors.members_residence_pending(scope=scope)[:200]),
        "members_page": members_page,
        # the members whose Deactivate button is offered: never oneself or an administrator
        "deactivatable": {
            member.pk
            for member in members_page
            if permissions.member_deactivate_refusal(request.user, member) is None
        },
        "status": status,
        "statuses": [
            ("", _("All")),
            (MemberStatus.ACTIVE, MemberStatus.ACTIVE.label),
            (MemberStatus.DEACTIVATED, MemberStatus.DEACTIVATED.label),
            (MemberStatus.REJECTED, MemberStatus.REJECTED.label),
        ],
        "recent": list(selectors.audit_entries(scope=scope)[:10]),
        "needs_mfa": not _has_mfa(request.user),
    }
    return render(request, "network/dashboard.html", context)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = permissions.managed_countries(request.user)
    if not scope.manages_any:
        raise PermissionDenied(_("The audit log is for national contact points and editors."))
    entries = Paginator(selectors.audit_entries(scope=scope), 50).get_page(request.GET.get("page"))
    return render(request, "network/audit_log.html", {"entries": entries, "scope": scope})


# Privacy


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Everything the site holds about you, as a JSON download."""
    member = _own_member(request)
    if member is None:
        raise Http404(_("You have no profile."))
    data = selectors.member_export(member=member)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="kokeilu-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    member = _own_member(request)
    if member is None:
        raise Http404(_("You have no profile."))
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.member_delete(member=member)
        logout(request)
        messages.success(request, _("Your account was deleted. Thank you for taking part."))
        return redirect("/")
    return render(
        request,
        "network/account_delete.html",
        {"form": form, "member": member},
        status=400 if request.method == "POST" else 200,
    )
