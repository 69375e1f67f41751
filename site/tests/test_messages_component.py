"""The one flash-messages partial: errors interrupt, everything else is a polite status."""

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string


def test_flash_messages_are_in_a_labelled_region_with_errors_as_alerts():
    html = render_to_string(
        "components/messages.html",
        {
            "messages": [
                Message(constants.SUCCESS, "Your proposal was received."),
                Message(constants.ERROR, "Voting has closed."),
                Message(constants.WARNING, "<b>not bold</b>"),
            ]
        },
    )

    assert '<section class="messages" aria-label="Messages">' in html
    assert 'class="notice" role="status">\n        <p>Your proposal was received.' in html
    assert 'class="notice notice--error" role="alert">\n        <p>Voting has closed.' in html
    assert "notice--warning" in html and "&lt;b&gt;not bold&lt;/b&gt;" in html


def test_no_messages_render_nothing():
    assert render_to_string("components/messages.html", {"messages": []}).strip() == ""
