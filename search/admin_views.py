"""*Settings > Search index* in the Wagtail admin: is the search engine answering, how many
documents each kind has, and how many changes wait in the outbox; a button sends them now.

Administrators see it (and whoever is given "view search outbox entry"); sending needs "change
search outbox entry". Everything shown comes from `search.status.index_status`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from search.engines import get_engine
from search.outbox import outbox_drain_all, outbox_status
from search.selectors import kind_label
from search.status import index_status

VIEW_PERMISSION = "search.view_outboxentry"
DRAIN_PERMISSION = "search.change_outboxentry"
DRAIN_BATCHES = 20  # per click: a large backlog is left to the task worker


class IndexStatusView(View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        status = index_status(get_engine())
        return TemplateResponse(
            request,
            "search/admin/index_status.html",
            {
                "status": status,
                "kinds": [(kind_label(kind), kind, n) for kind, n in status.per_kind.items()],
                "may_drain": request.user.has_perm(DRAIN_PERMISSION),
                "header_title": _("Search index"),
                "page_title": _("Search index"),
            },
        )

    def post(self, request):
        if not request.user.has_perm(DRAIN_PERMISSION):
            raise PermissionDenied
        engine = get_engine()
        result = outbox_drain_all(engine=engine, max_batches=DRAIN_BATCHES)
        if result.error:
            messages.error(
                request,
                _("The %(engine)s search engine did not answer: %(error)s. The changes wait.")
                % {"engine": engine.name, "error": result.error},
            )
            return redirect("search_index:index")
        if result.paused:
            messages.warning(request, _("A rebuild is running; the changes wait for it."))
            return redirect("search_index:index")
        messages.success(
            request,
            _("Sent: %(indexed)d documents indexed, %(removed)d removed; %(waiting)d wait.")
            % {
                "indexed": result.indexed,
                "removed": result.deleted,
                "waiting": outbox_status()["backlog"],
            },
        )
        return redirect("search_index:index")


class IndexStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


class IndexStatusViewSet(ViewSet):
    name = "search_index"
    icon = "search"
    menu_label = gettext_lazy("Search index")
    add_to_settings_menu = True
    menu_order = 900

    @property
    def menu_item_class(self):
        return IndexStatusMenuItem

    def get_urlpatterns(self):
        return [path("", IndexStatusView.as_view(), name="index")]


@hooks.register("register_admin_viewset")
def register_index_status_viewset():
    return IndexStatusViewSet()
