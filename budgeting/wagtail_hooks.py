"""Editors manage PB in the Wagtail admin (Participatory budgets > Processes, Implementations).

Processes are created and edited here. Implementations are created when a process moves to
implementation (`processes.services.implementation_start`), so the admin lists them for
editors to find and correct, but neither adds nor deletes them; what the public record fixes
(the project, the champion, whose handovers keep their history on the implementation page, the
assessment and the bonus decision) is shown and never edited here.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from budgeting.implementation.models import EventKind, Implementation, ImplementationEvent
from budgeting.implementation.services import (
    implementation_open_check,
    implementation_status_note_check,
    implementation_team_check,
)
from budgeting.processes.models import FROZEN_FIELDS, Process
from portal import text_limits
from portal.form_errors import form_errors_spread

# Set by the services (implementation start, handover, assessment, bonus decision): read-only.
IMPLEMENTATION_FROZEN_FIELDS: tuple[str, ...] = (
    "project",
    "champion",
    "started_at",
    "score",
    "success",
    "assessed_at",
    "confirmation_open",
    "bonus_outcome",
    "closed_at",
)


class ImplementationPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody adds or deletes an implementation by hand."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(
    Implementation, ImplementationPermissionPolicy(Implementation), exact_class=True
)


class ImplementationAdminForm(WagtailAdminModelForm):
    """The editable part of an implementation: status (a change joins the public timeline, with
    the note) and the team, under the same rules as on the implementation page."""

    status_note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        max_length=text_limits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with a status change in the public timeline; needed for “stalled”."),
    )

    def clean(self):
        cleaned = super().clean()
        # the rules of the implementation page's services, with each message on its field
        for name in ("status", "civil_servants"):
            if name in self.changed_data:
                try:
                    implementation_open_check(implementation=self.instance)
                except ValidationError as error:
                    self.add_error(name, error.messages)
        if "status" in self.changed_data and cleaned.get("status"):
            try:
                implementation_status_note_check(
                    status=cleaned["status"], note=cleaned.get("status_note") or ""
                )
            except ValidationError as error:
                form_errors_spread(self, error, field_names={"note": "status_note"})
        try:
            implementation_team_check(
                implementation=self.instance, civil_servants=cleaned.get("civil_servants") or []
            )
        except ValidationError as error:
            self.add_error("civil_servants", error.messages)
        return cleaned

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            frozen = Implementation.objects.select_for_update().get(pk=self.instance.pk)
            for name in IMPLEMENTATION_FROZEN_FIELDS:  # whatever the request held
                setattr(self.instance, name, getattr(frozen, name))
            if frozen.closed_at is not None:  # decided since the form was checked: no change
                self.instance.status = frozen.status
                self.cleaned_data["civil_servants"] = list(frozen.civil_servants.all())
            instance = super().save(commit=True)
            if instance.status != frozen.status:
                ImplementationEvent.objects.create(
                    implementation=instance,
                    kind=EventKind.STATUS,
                    status=instance.status,
                    note=self.cleaned_data.get("status_note", "").strip(),
                    actor=self.for_user,
                )
        return instance


# Set by the services (phases, the rule frozen when voting opens, the results): never written
# back by an admin form that loaded the process a moment before a phase change.
PROCESS_SERVICE_FIELDS: tuple[str, ...] = (
    "phase",
    "rule_frozen_at",
    "rule_json",
    "rule_hash",
    "results",
)


class ProcessAdminForm(WagtailAdminModelForm):
    """The process editor: once voting has opened, what decides the count stays as it was
    published (`Process.clean` refuses a changed field, this form a changed district)."""

    def clean(self):
        cleaned = super().clean()
        districts = self.formsets.get("districts")
        frozen = bool(self.instance.pk and self.instance.rule_frozen)
        if frozen and districts is not None and districts.has_changed():
            self.add_error(
                None,
                _(
                    "The districts and their budgets were frozen when voting opened: they "
                    "cannot be added, removed or changed."
                ),
            )
        self._translations_check(cleaned.get("written_in") or "")
        return cleaned

    def _translations_check(self, written_in: str) -> None:
        """No translation in the language the process is written in (the formset itself refuses
        two translations in one language: the model's unique constraint)."""
        formset = self.formsets.get("translations")
        if formset is None or not written_in:
            return
        formset.is_valid()  # each translation's own fields first (this form is cleaned first)
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("language") == written_in and not data.get("DELETE"):
                form.add_error(
                    "language",
                    _("The process is written in this language: translate it into another one."),
                )

    def save(self, commit=True):
        if not commit or self.instance.pk is None:
            return super().save(commit=commit)
        with transaction.atomic():
            stored = Process.objects.select_for_update().get(pk=self.instance.pk)
            names = PROCESS_SERVICE_FIELDS + (FROZEN_FIELDS if stored.rule_frozen else ())
            for name in names:  # voting may have opened since the form was checked
                setattr(self.instance, name, getattr(stored, name))
            return super().save(commit=True)


class ProcessViewSet(SnippetViewSet):
    model = Process
    icon = "tasks"
    menu_label = _("Processes")
    list_display = ["title", "organiser_name", "phase", "counting_rule", "rule_frozen_at"]
    list_filter = ["phase", "counting_rule"]
    search_fields = ["title", "organiser_name", "municipality"]
    edit_handler = ObjectList(Process.panels, base_form_class=ProcessAdminForm)


class ImplementationViewSet(SnippetViewSet):
    model = Implementation
    icon = "list-ul"
    menu_label = _("Implementations")
    list_display = ["project", "project__process", "status", "champion", "bonus_outcome"]
    list_filter = ["project__process", "status"]
    search_fields = ["project__title"]
    ordering = ["project__process__title", "project__title", "pk"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("project", read_only=True),
                    FieldPanel("champion", read_only=True),
                    FieldPanel("started_at", read_only=True),
                ],
                heading=_("Project (the champion changes by a handover on the public page)"),
            ),
            MultiFieldPanel(
                [FieldPanel("status"), FieldPanel("status_note")],
                heading=_("Status"),
            ),
            MultiFieldPanel(
                [FieldPanel("civil_servants"), FieldPanel("volunteers")],
                heading=_("Team"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("score", read_only=True),
                    FieldPanel("success", read_only=True),
                    FieldPanel("assessed_at", read_only=True),
                    FieldPanel("bonus_outcome", read_only=True),
                    FieldPanel("closed_at", read_only=True),
                ],
                heading=_("Assessment and bonus (decided on the public page, never edited here)"),
            ),
        ],
        base_form_class=ImplementationAdminForm,
    )

    def get_queryset(self, request):
        return Implementation.objects.select_related("project__process", "champion")


class BudgetingViewSetGroup(SnippetViewSetGroup):
    items = (ProcessViewSet, ImplementationViewSet)
    menu_icon = "tasks"
    menu_label = _("Participatory budgets")
    menu_order = 300


register_snippet(BudgetingViewSetGroup)
