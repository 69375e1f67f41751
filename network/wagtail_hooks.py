"""Admin registrations of the network: roles of members, and the audit log (read only).

Administrators name national contact points and editors here (Network > Members); each change
of roles writes an audit row. Everyday decisions (approve, reject, deactivate, ambassadors) are
made on the NCP dashboard at /network/ncp/, where they are audited too. The audit log is
append-only: nobody edits or deletes an entry in the admin, superusers included.

Pages and document collections that editors make "private, accessible to logged-in users"
follow the network's rule for members-only content (the serve hooks at the end).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import BaseViewRestriction
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from network.models import AuditLogEntry, Member
from network.permissions import AuditLogPermissionPolicy, is_active_member, member_write_refusal
from network.services import member_roles_audit, member_roles_snapshot


class MemberEditView(EditView):
    """Saves the roles and audits what changed, in one transaction."""

    def save_instance(self):
        with transaction.atomic():
            before = member_roles_snapshot(self.object)
            instance = super().save_instance()
            member_roles_audit(actor=self.request.user, member=instance, before=before)
        return instance


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "user"
    menu_label = _("Members")
    list_display = ["display_name", "organisation", "country", "status", "ncp_country"]
    list_filter = ["status", "is_ambassador", "is_editor", "listed"]
    search_fields = ["display_name", "organisation"]
    search_backend_name = None
    edit_view_class = MemberEditView
    add_view_enabled = False  # profiles come from sign-up
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [
        FieldPanel("display_name", read_only=True),
        FieldPanel("country", read_only=True),
        FieldPanel("motivation", read_only=True),
        MultiFieldPanel(
            [FieldPanel("ncp_country"), FieldPanel("is_editor"), FieldPanel("is_ambassador")],
            heading=_("Roles"),
        ),
        FieldPanel("listed"),
    ]


class AuditLogViewSet(SnippetViewSet):
    model = AuditLogEntry
    icon = "history"
    menu_label = _("Audit log")
    list_display = ["created_at", "actor_name", "action", "member_name", "country"]
    list_filter = ["action"]
    search_fields = ["actor_name", "member_name"]
    search_backend_name = None
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldPanel("details", read_only=True)]


class NetworkViewSetGroup(SnippetViewSetGroup):
    items = (MemberViewSet, AuditLogViewSet)
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_permission_policy(AuditLogEntry, AuditLogPermissionPolicy(AuditLogEntry))
register_snippet(NetworkViewSetGroup)


def _members_only_refusal(request, restrictions) -> None:  # restrictions: a callable
    """Wagtail's "private, accessible to logged-in users" lets any signed-in account in; on this
    site signed in means a member, so it follows the network's one rule for members-only
    content: accounts without an active membership are refused with the reason (visitors are
    still sent to sign in by Wagtail's own check)."""
    user = request.user
    if not user.is_authenticated or is_active_member(user):
        return
    # asked only now: finding a page's restrictions reads its ancestors
    if any(r.restriction_type == BaseViewRestriction.LOGIN for r in restrictions()):
        raise PermissionDenied(
            " ".join((str(_("This is for members of the network.")), member_write_refusal(user)))
        )


@hooks.register("before_serve_page")
def login_restricted_pages_are_for_members(page, request, serve_args, serve_kwargs):
    _members_only_refusal(request, page.get_view_restrictions)


@hooks.register("before_serve_document")
def login_restricted_documents_are_for_members(document, request):
    _members_only_refusal(request, document.collection.get_view_restrictions)
