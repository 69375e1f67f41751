"""Views of the network's groups: creating one, its page, joining, leaving, facilitators'
decisions, and invitations by e-mail.

Every view asks `network.permissions` on the server; services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network import permissions
from network.forms import GroupForm, InvitationForm
from network.groups import selectors, services
from network.groups.models import Group, GroupMembership, MembershipStatus


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not permissions.group_can_create(request.user):
        raise PermissionDenied(
            permissions.member_write_refusal(request.user)
            or _("Only active members can create groups.")
        )
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.group_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            written_in=form.cleaned_data["written_in"],
            policy=form.cleaned_data["policy"],
            themes=form.cleaned_data["themes"],
        )
        messages.success(request, _("The group was created. You are its facilitator."))
        return redirect(group.get_absolute_url())
    return render(
        request,
        "network/group_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group.objects.prefetch_related("themes"), slug=slug)
    view = selectors.group_members(group)
    own = selectors.group_membership_of(group, request.user)
    rights = permissions.group_rights(request.user, group, membership=own)
    context = {
        "group": group,
        "members": view.members,
        "requests": view.requests if rights.is_facilitator else [],
        "own": own,
        "is_facilitator": rights.is_facilitator,
        "can_join": rights.can_join,
        "can_invite": rights.can_invite,
        "invitation_form": InvitationForm() if rights.can_invite else None,
    }
    return render(request, "network/group_detail.html", context)


@login_required
@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    membership = services.group_join(actor=request.user, group=group)
    if membership.status == MembershipStatus.ACTIVE:
        messages.success(request, _("You joined the group."))
    else:
        messages.success(request, _("Your request was sent to the group's facilitators."))
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    services.group_leave(actor=request.user, group=group)
    messages.success(request, _("You left the group."))
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def group_request(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    membership = get_object_or_404(GroupMembership, pk=membership_id, group=group)
    try:
        services.group_request_decide(
            actor=request.user, membership=membership, accept=request.POST.get("accept") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request was decided."))
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def group_invite(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address to invite someone."))
        return redirect(group.get_absolute_url())
    services.invitation_create(
        actor=request.user,
        group=group,
        email=form.cleaned_data["email"],
        base_url=request.build_absolute_uri("/")[:-1],
    )
    messages.success(
        request,
        _("An invitation was sent to %(email)s. It works once, for 7 days.")
        % {"email": form.cleaned_data["email"]},
    )
    return redirect(group.get_absolute_url())


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; a signed-in active member accepts it with a POST."""
    try:
        found = services.invitation_find(token)
    except services.InvitationInvalid as error:
        return render(request, "network/invitation.html", {"error": str(error)}, status=410)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except services.InvitationInvalid as error:
            return render(request, "network/invitation.html", {"error": str(error)}, status=410)
        messages.success(request, _("Welcome to the group."))
        return redirect(membership.group.get_absolute_url())
    return render(
        request,
        "network/invitation.html",
        {
            "invitation": found,
            "can_accept": permissions.invitation_can_accept(request.user),
        },
    )
