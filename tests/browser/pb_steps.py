"""Steps that PB browser journeys share: signing in, changing the phase, reviewing a proposal.

Each step drives the real pages (labels and roles, as a person would) and waits for the page the
step leads to, so journeys read as a list of what people do.
"""

from django.conf import settings
from django.test import Client


def sign_in(page, live_server, user) -> None:
    """Give the browser a session of `user` (the sign-in pages belong to the network app)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def assert_clean(page, page_log) -> None:
    """No Content Security Policy violation and no script error on the page so far."""
    assert page_log.csp_errors(page) == []
    assert page_log.page_errors == []


def status_text(page) -> str:
    """The messages the last action left on the page."""
    return page.locator(".messages").inner_text()


def phase_change(page, base: str, phase: str, label: str) -> None:
    """On the manage page, move the process to `phase` and check the confirmation."""
    page.goto(base + "manage/")
    page.get_by_label("Move the process to").select_option(phase)
    with page.expect_navigation():
        page.get_by_role("button", name="Change the phase").click()
    assert f"The process is now in the phase “{label}”" in status_text(page)


def proposal_review(page, title: str, reason: str) -> None:
    """On the manage page, review the proposal called `title` as feasible."""
    review = page.locator("article.pb-review", has_text=title)
    review.get_by_label("Feasible: put it on the ballot").check()
    review.get_by_label("Public reason").fill(reason)
    with page.expect_navigation():
        review.get_by_role("button", name=f"Save the review of “{title}”").click()
    review = page.locator("article.pb-review", has_text=title)
    assert "Feasible: on the ballot" in review.inner_text()


def implementation_action(page, button: str, expected: str) -> None:
    """Press a button of the implementation page and check the message it leaves."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert expected in status_text(page), status_text(page)


def milestone_add(page, title: str, *, due: str = "", description: str = "") -> None:
    """On the implementation page, add a milestone with the form under "Add a milestone"."""
    form = page.get_by_role("form", name="Add a milestone")
    form.get_by_label("Milestone").fill(title)
    if due:
        form.get_by_label("Due").fill(due)
    if description:
        form.get_by_label("Description").fill(description)
    implementation_action(page, "Add the milestone", "The milestone was added.")


def milestone_open(page, title: str):
    """Open the "Change or remove" part of a milestone; return the milestone's list item."""
    item = page.locator("li.pb-milestone", has_text=title)
    item.get_by_text(f"Change or remove “{title}”").click()
    return item
