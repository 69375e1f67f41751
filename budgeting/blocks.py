"""The StreamField block that embeds a participatory budgeting process in any page.

`ProcessBlock` shows the process's current phase where it is placed: the proposal form and
the proposals, the ballot, or the results; from implementation on, also the living case (the
funded projects, their status, outcomes against the chosen criteria and the bonuses), so a case
page that embeds its process stays up to date (see `processes.presenters.phase_context`). It is
part of `portal.blocks.BaseStreamBlock` as `pb_process`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from portal import text_limits


class ProcessBlock(blocks.StructBlock):
    process = SnippetChooserBlock("budgeting.Process", label=_("Process"))
    heading = blocks.CharBlock(
        label=_("Heading"),
        required=False,
        max_length=200,
        help_text=_("The process's title if empty."),
    )
    intro = blocks.TextBlock(label=_("Introduction"), required=False, max_length=text_limits.INTRO)

    class Meta:
        icon = "tasks"
        template = "budgeting/blocks/process_block.html"
        label = _("Participatory budget")
        description = _(
            "A participatory budgeting process in its current phase: proposals, the ballot, the "
            "results, or how the funded projects are doing."
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        process = value.get("process")
        request = (parent_context or {}).get("request")
        context["heading"] = value.get("heading")
        context["intro"] = value.get("intro")
        if process is None or request is None:
            context["process"] = None
            return context
        # imported here: every page body (portal.blocks) loads this module while the models of
        # the apps the presenters use are still loading
        from budgeting.processes.models import Phase
        from budgeting.processes.presenters import phase_context

        if process.phase == Phase.DRAFT:
            context["process"] = None  # not public yet: the page shows nothing in its place
            return context

        context.update(phase_context(request, process, embedded=True))
        return context
