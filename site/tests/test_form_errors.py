"""The one way a view shows a service's refusal on a form."""

from django import forms
from django.core.exceptions import ValidationError

from portal.form_errors import form_errors_spread, validation_messages


class ProposalForm(forms.Form):
    title = forms.CharField()
    status_note = forms.CharField(required=False)


def _bound() -> ProposalForm:
    form = ProposalForm({"title": "Skate park", "status_note": ""})
    assert form.is_valid()
    return form


def test_a_refusal_about_a_field_is_shown_on_that_field_and_what_was_typed_stays():
    form = _bound()

    form_errors_spread(form, ValidationError({"title": "A project with this title exists."}))

    assert form.errors == {"title": ["A project with this title exists."]}
    assert form["title"].value() == "Skate park"


def test_a_refusal_about_something_the_form_does_not_have_goes_to_the_top_of_the_form():
    form = _bound()

    form_errors_spread(
        form,
        ValidationError({"process": "Proposals are closed.", "title": "Too long."}),
    )

    assert form.non_field_errors() == ["Proposals are closed."]
    assert form.errors["title"] == ["Too long."]


def test_a_refusal_without_fields_goes_to_the_top_of_the_form():
    form = _bound()

    form_errors_spread(form, ValidationError(["Voting has closed.", "Ask the organiser."]))

    assert form.non_field_errors() == ["Voting has closed.", "Ask the organiser."]


def test_a_service_argument_named_differently_from_the_field_is_mapped_to_it():
    form = _bound()

    form_errors_spread(
        form,
        ValidationError({"note": "Say why it stalled."}),
        field_names={"note": "status_note"},
    )

    assert form.errors == {"status_note": ["Say why it stalled."]}


def test_validation_messages_lists_every_message_with_or_without_fields():
    assert validation_messages(ValidationError("Closed.")) == ["Closed."]
    assert validation_messages(ValidationError({"a": "One.", "b": ["Two.", "Three."]})) == [
        "One.",
        "Two.",
        "Three.",
    ]
