"""Every free-text field takes a bounded amount of text (portal.text_limits): a form refuses more
with a message that gives the limit and keeps what was typed, and full_clean() refuses it too."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

import pytest

from portal import text_limits

PROJECT_APPS = ("portal", "cases", "toolkit", "network", "stories", "budgeting", "search")
# Text the code writes, never a person: the published rule, the search index's copies of
# content (each limited where it is written), the mail server's last answer.
WRITTEN_BY_THE_CODE = {
    "budgeting.Process.rule_json",
    "portal.OutgoingMail.last_error",
    "search.IndexedDocument.url",
    "search.IndexedDocument.title",
    "search.IndexedDocument.summary",
    "search.IndexedDocument.body",
    "search.IndexedDocument.image",
}


def _text_fields():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            for field in model._meta.get_fields(include_parents=False):
                if isinstance(field, models.TextField):
                    yield f"{model._meta.label}.{field.name}", field


def test_every_free_text_field_has_a_limit_that_full_clean_checks():
    unlimited = [
        name
        for name, field in _text_fields()
        if name not in WRITTEN_BY_THE_CODE
        and not (
            field.max_length
            and any(isinstance(check, MaxLengthValidator) for check in field.validators)
        )
    ]
    assert unlimited == []


def _message(limit: int, length: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {length})."


def test_plain_text_counts_every_character():
    from budgeting.proposals.models import Project

    field = Project._meta.get_field("impact_criteria")
    field.clean("x" * text_limits.NOTE, None)
    with pytest.raises(ValidationError) as refused:
        field.clean("x" * (text_limits.NOTE + 1), None)
    assert refused.value.messages == [_message(text_limits.NOTE, text_limits.NOTE + 1)]


def test_sanitised_html_counts_its_text_not_its_markup():
    # the sanitiser escapes and closes what was typed: what the form let in must still fit
    from budgeting.proposals.models import Comment

    field = Comment._meta.get_field("body")
    limit = text_limits.COMMENT
    field.clean("<p>" + "<b>x</b>" * (limit - 5) + "&amp;&lt;&gt;&nbsp;&#160;</p>", None)
    with pytest.raises(ValidationError) as refused:
        field.clean("<p>" + "<b>x</b>" * (limit + 1) + "</p>", None)
    assert refused.value.messages == [_message(limit, limit + 1)]


def _process():
    from budgeting.factories import ProcessFactory

    return ProcessFactory()


def _forms():
    """(form class, keyword arguments for it, field, limit) of every form field of free text."""
    from budgeting.assessment import forms as assessment_forms
    from budgeting.implementation import forms as implementation_forms
    from budgeting.proposals import forms as proposals_forms
    from network import forms as network
    from stories.forms.stories import StoryShareForm
    from stories.workshops.forms import StoryDraftForm

    return [
        (
            proposals_forms.ProposalForm,
            {"process": _process},
            "description",
            text_limits.DESCRIPTION,
        ),
        (proposals_forms.ProposalForm, {"process": _process}, "impact_criteria", text_limits.NOTE),
        (proposals_forms.CommentForm, {}, "body", text_limits.COMMENT),
        (proposals_forms.ReviewForm, {}, "reason", text_limits.NOTE),
        (implementation_forms.HandoverForm, {}, "reason", text_limits.NOTE),
        (implementation_forms.StatusForm, {}, "note", text_limits.NOTE),
        (implementation_forms.MilestoneForm, {}, "description", text_limits.DETAIL),
        (implementation_forms.ProgressUpdateForm, {}, "body", text_limits.COMMENT),
        (assessment_forms.EffectForm, {}, "description", text_limits.DETAIL),
        (network.MemberProfileForm, {}, "bio", text_limits.BIO),
        (network.RejectForm, {}, "reason", text_limits.REASON),
        (network.DeactivateForm, {}, "reason", text_limits.REASON),
        (network.GroupForm, {}, "description", text_limits.GROUP_DESCRIPTION),
        (StoryShareForm, {}, "summary", text_limits.SUMMARY),
        (StoryShareForm, {}, "what_we_tried", text_limits.STORY_PART),
        (StoryShareForm, {}, "what_happened", text_limits.STORY_PART),
        (StoryDraftForm, {}, "project", text_limits.STORY_PART),
        (StoryDraftForm, {}, "lesson", text_limits.STORY_PART),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("case", range(len(_forms())))
def test_a_form_refuses_more_text_than_its_limit_and_keeps_it(case):
    form_class, arguments, name, limit = _forms()[case]
    typed = ("Trees for shade " * (limit // 16 + 1))[:limit] + "."  # one too many
    form = form_class(data={name: typed}, **{key: make() for key, make in arguments.items()})

    assert not form.is_valid()
    assert _message(limit, len(typed)) in form.errors[name]
    assert form[name].value() == typed


@pytest.mark.django_db
def test_links_are_counted_as_typed_before_they_are_split():
    from network.forms import MemberProfileForm

    typed = "\n".join(["https://example.org/" + "a" * 500] * 5)
    form = MemberProfileForm(data={"links": typed, "display_name": "A"})

    assert not form.is_valid()
    assert _message(text_limits.LINKS, len(typed)) in form.errors["links"]


@pytest.mark.django_db
def test_a_service_refuses_more_text_than_the_model_takes():
    # the forms come first; a service called some other way still checks (full_clean)
    from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
    from budgeting.processes.models import Phase
    from budgeting.proposals import services as proposals_services
    from budgeting.proposals.models import Comment

    project = ProjectFactory(process=ProcessFactory(phase=Phase.PROPOSALS))
    body = "<p>" + "x" * (text_limits.COMMENT + 1) + "</p>"

    with pytest.raises(ValidationError) as refused:
        proposals_services.comment_add(project=project, user=UserFactory(), body=body)

    assert refused.value.message_dict == {
        "body": [_message(text_limits.COMMENT, text_limits.COMMENT + 1)]
    }
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_network_services_refuse_more_text_than_the_model_takes():
    from network import services
    from network.factories import MemberFactory
    from network.groups import services as group_services
    from network.models import Group, Member

    member = MemberFactory()
    bio = "<p>" + "x" * (text_limits.BIO + 1) + "</p>"
    description = "<p>" + "x" * (text_limits.GROUP_DESCRIPTION + 1) + "</p>"

    with pytest.raises(ValidationError) as refused_bio:
        services.member_update(actor=member.user, member=member, changes={"bio": bio})
    with pytest.raises(ValidationError) as refused_group:
        group_services.group_create(actor=member.user, name="Long talk", description=description)

    assert "bio" in refused_bio.value.message_dict
    assert len(Member.objects.get(pk=member.pk).bio) <= text_limits.BIO
    assert "description" in refused_group.value.message_dict
    assert not Group.objects.filter(name="Long talk").exists()
