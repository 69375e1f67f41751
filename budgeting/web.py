"""What the PB views of every room share: finding the process a URL names, and reading requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from budgeting.permissions import process_can_manage
from budgeting.processes.models import Phase, Process

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def process_or_404(slug: str, user: User | AnonymousUser | None = None) -> Process:
    """The process `slug` names; 404 while it is being prepared, except for its organisers."""
    process = get_object_or_404(
        Process.objects.prefetch_related("districts", "translations"), slug=slug
    )
    if process.phase == Phase.DRAFT and not process_can_manage(process=process, user=user):
        raise Http404
    return process


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the `next` parameter when it is a path on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # a path on this site only: `redirect()` takes anything else for a view name (a 500)
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def login_url(request: HttpRequest) -> str:
    """The sign-in page, coming back to this page afterwards."""
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def process_managed(request: HttpRequest, slug: str) -> Process:
    """The process `slug` names, for its organisers' screens; PermissionDenied for others."""
    process = get_object_or_404(
        Process.objects.prefetch_related("districts", "translations"), slug=slug
    )
    if not process_can_manage(process=process, user=request.user):
        raise PermissionDenied
    return process
