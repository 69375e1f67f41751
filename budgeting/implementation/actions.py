"""THE table of the writes on a funded project's implementation page.

Each action is one POST to `implementation/<action>/`: its form (if it has one), the object of
the implementation it acts on (a milestone, an indicator, an effect: named by a POST field), the
roles refused before the input is read, the service it runs and the message shown when that
service accepts. The view (`implementation_action`), the page's blank forms, the per-object forms
and where the page scrolls to afterwards are all derived from this table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _

from budgeting.assessment import services as assessment_services
from budgeting.assessment.forms import AssessmentVoteForm, EffectForm, MeasureForm, TargetForm
from budgeting.assessment.models import AssessmentVote, Indicator, UnexpectedEffect
from budgeting.implementation import services
from budgeting.implementation.forms import (
    HandoverForm,
    MilestoneForm,
    ProgressUpdateForm,
    StatusForm,
    TeamForm,
)
from budgeting.implementation.models import Implementation, Milestone
from budgeting.permissions import TEAM_ROLES


@dataclass(frozen=True)
class ActionCall:
    """One accepted POST to an action: what the service is called with."""

    implementation: Implementation
    user: Any
    post: Mapping[str, str]
    data: dict[str, Any]  # the form's cleaned data; empty for an action without a form
    subject: models.Model | None  # the milestone, indicator or effect acted on, if any


@dataclass(frozen=True)
class Target:
    """The object of the implementation an action acts on, named by a POST field."""

    model: type[models.Model]
    post_field: str
    prefix: str  # the prefix of its form on the page: "<prefix>-<pk>"


@dataclass(frozen=True)
class Action:
    """One write on the implementation page."""

    name: str
    # calls the service with the call's data and returns the message shown on success;
    # refusals are the service's ValidationError or PermissionDenied
    run: Callable[[ActionCall], str]
    form: type[forms.Form] | None = None
    target: Target | None = None
    # refused before the input is read (the services check again)
    roles: frozenset[str] = field(default_factory=frozenset)
    # a refusal about a form field is shown on that field, what was typed kept
    field_refusals: bool = False
    # the page shows this action's form blank (with `initial`); when the service refuses
    # valid-looking input, the page shows it again with what was typed
    on_page: bool = False
    initial: Callable[[Any, AssessmentVote | None], dict] | None = None
    anchor: str = ""  # where the page scrolls to after the action; default: its name

    @property
    def page_anchor(self) -> str:
        return self.anchor or self.name.replace("_", "-")

    def form_key(self, subject: models.Model | None) -> str:
        """The key of this action's bound form in the page context."""
        return self.name if subject is None else f"{self.name}-{subject.pk}"

    def form_prefix(self, subject: models.Model | None) -> str | None:
        if self.target is None or subject is None:
            return None
        return f"{self.target.prefix}-{subject.pk}"

    def form_blank(self, subject: Any, my_vote: AssessmentVote | None = None) -> forms.Form:
        """The form as the page shows it before anything was typed."""
        assert self.form is not None
        initial = self.initial(subject, my_vote) if self.initial else None
        target = subject if self.target is not None else None
        return self.form(prefix=self.form_prefix(target), initial=initial)


def _team(call: ActionCall) -> str:
    services.implementation_team_set(
        implementation=call.implementation,
        user=call.user,
        civil_servants=call.data["civil_servants"],
    )
    return _("The team was saved.")


def _handover(call: ActionCall) -> str:
    services.champion_hand_over(implementation=call.implementation, user=call.user, **call.data)
    return _("The champion's role was handed over.")


def _status(call: ActionCall) -> str:
    services.implementation_status_set(
        implementation=call.implementation, user=call.user, **call.data
    )
    return _("The status was changed.")


def _milestone(call: ActionCall) -> str:
    services.milestone_add(implementation=call.implementation, user=call.user, **call.data)
    return _("The milestone was added.")


def _milestone_edit(call: ActionCall) -> str:
    milestone = call.subject
    was_signed = milestone.signed_off
    services.milestone_edit(milestone=milestone, user=call.user, **call.data)
    milestone.refresh_from_db()
    if was_signed and not milestone.signed_off:
        return _("The milestone was changed; its sign-off was cleared, sign it off again.")
    return _("The milestone was changed.")


def _milestone_remove(call: ActionCall) -> str:
    services.milestone_remove(milestone=call.subject, user=call.user)
    return _("The milestone “%(title)s” was removed.") % {"title": call.subject.title}


def _sign_off(call: ActionCall) -> str:
    milestone = services.milestone_sign_off(milestone=call.subject, user=call.user)
    if milestone.reached:
        return _("Signed off: the milestone is reached.")
    return _("Signed off: the milestone needs the other sign-off to be reached.")


def _update(call: ActionCall) -> str:
    services.progress_update_post(implementation=call.implementation, user=call.user, **call.data)
    return _("Your update was posted.")


def _target(call: ActionCall) -> str:
    assessment_services.indicator_set_target(indicator=call.subject, user=call.user, **call.data)
    return _("The baseline and target were saved.")


def _measure(call: ActionCall) -> str:
    assessment_services.indicator_measure(indicator=call.subject, user=call.user, **call.data)
    return _("The measured value was saved; it counts once verified.")


def _verify(call: ActionCall) -> str:
    assessment_services.indicator_verify(indicator=call.subject, user=call.user)
    return _("The measured value is verified.")


def _effect(call: ActionCall) -> str:
    assessment_services.effect_record(
        implementation=call.implementation, user=call.user, **call.data
    )
    return _("The effect was recorded.")


def _effect_count(call: ActionCall) -> str:
    counts = call.post.get("counts") == "yes"
    assessment_services.effect_count_set(effect=call.subject, user=call.user, counts=counts)
    if counts:
        return _("The effect counts in the assessment.")
    return _("The effect does not count in the assessment.")


def _assess(call: ActionCall) -> str:
    assessment_services.implementation_assess(implementation=call.implementation, user=call.user)
    return _("The project was assessed: citizens can now confirm the assessment.")


def _confirm(call: ActionCall) -> str:
    assessment_services.assessment_vote(
        implementation=call.implementation, user=call.user, **call.data
    )
    return _("Thank you: your answer was recorded.")


def _decide(call: ActionCall) -> str:
    implementation = assessment_services.implementation_bonus_decide(
        implementation=call.implementation, user=call.user
    )
    return _("The bonus was decided: %(outcome)s.") % {
        "outcome": implementation.get_bonus_outcome_display()
    }


def _volunteer(call: ActionCall) -> str:
    offer = call.post.get("offer") != "withdraw"
    services.implementation_volunteer(
        implementation=call.implementation, user=call.user, offer=offer
    )
    return _("Thank you for offering your help.") if offer else _("Offer withdrawn.")


def _team_initial(implementation: Implementation, my_vote) -> dict:
    servants = implementation.civil_servants.order_by("pk")
    return {"civil_servants": ", ".join(user.get_username() for user in servants)}


def _status_initial(implementation: Implementation, my_vote) -> dict:
    return {"status": implementation.status}


def _confirm_initial(implementation: Implementation, my_vote) -> dict:
    return {"agree": None if my_vote is None else ("yes" if my_vote.agree else "no")}


def _milestone_initial(milestone: Milestone, my_vote) -> dict:
    return {"title": milestone.title, "due": milestone.due, "description": milestone.description}


def _target_initial(indicator: Indicator, my_vote) -> dict:
    return {"baseline": indicator.baseline, "target": indicator.target}


def _measure_initial(indicator: Indicator, my_vote) -> dict:
    return {"evidence": indicator.evidence}


_MILESTONE = Target(Milestone, "milestone", "ms")
_INDICATOR = Target(Indicator, "indicator", "ind")
_EFFECT = Target(UnexpectedEffect, "effect", "effect")

ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action("team", _team, TeamForm, on_page=True, initial=_team_initial),
        Action("handover", _handover, HandoverForm, on_page=True),
        Action("status", _status, StatusForm, on_page=True, initial=_status_initial),
        Action(
            "milestone",
            _milestone,
            MilestoneForm,
            roles=TEAM_ROLES,
            field_refusals=True,
            on_page=True,
        ),
        Action(
            "milestone_edit",
            _milestone_edit,
            MilestoneForm,
            _MILESTONE,
            roles=TEAM_ROLES,
            field_refusals=True,
            initial=_milestone_initial,
            anchor="milestone",
        ),
        Action(
            "milestone_remove",
            _milestone_remove,
            target=_MILESTONE,
            roles=TEAM_ROLES,
            anchor="milestone",
        ),
        Action("sign_off", _sign_off, target=_MILESTONE),
        Action("update", _update, ProgressUpdateForm, on_page=True),
        Action("target", _target, TargetForm, _INDICATOR, initial=_target_initial),
        Action("measure", _measure, MeasureForm, _INDICATOR, initial=_measure_initial),
        Action("verify", _verify, target=_INDICATOR),
        Action("effect", _effect, EffectForm, on_page=True),
        Action("effect_count", _effect_count, target=_EFFECT),
        Action("assess", _assess),
        Action("confirm", _confirm, AssessmentVoteForm, on_page=True, initial=_confirm_initial),
        Action("decide", _decide),
        Action("volunteer", _volunteer),
    )
}
