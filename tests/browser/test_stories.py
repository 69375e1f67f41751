"""An ambassador publishes an anonymised slip-up in the Wagtail admin; it then appears, naming
nobody, in the stories listing, in search and in the Atom feed. Pages pass axe and the CSP."""

import pytest

from network.factories import PASSWORD, CountryFactory, MemberFactory, UserFactory
from search.outbox import outbox_drain
from stories.factories import StoryIndexPageFactory
from stories.permissions import ambassador_group_sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUTHOR = "Ilmatar Väinämöinen"
TITLE = "Pop-up library that opened in the rain"


def goto(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response


def drain() -> None:
    while outbox_drain(force=True).entries:
        pass


def test_ambassador_publishes_an_anonymised_slip_up(
    live_server, home_page, page, page_log, axe_check, screenshot
):
    CountryFactory(key="fi", name="Finland")
    index = StoryIndexPageFactory(parent=home_page)
    ambassador = MemberFactory(
        user=UserFactory(username="ilmatar"), display_name=AUTHOR, is_ambassador=True
    )
    ambassador_group_sync(ambassador)

    # sign in to the admin and write the story
    goto(page, live_server.url + "/admin/login/")
    page.fill("input[name=username]", "ilmatar")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")  # the dashboard, not the login page still unloading
    goto(page, live_server.url + f"/admin/pages/add/stories/storypage/{index.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.get_by_label("Slip-up").check()
    page.locator("#id_summary").fill("We planned a library for sunny days and it rained.")
    page.get_by_label("Public, without my name").check()
    page.get_by_label("the author agrees to publish it this way").check()
    page.locator("#id_municipality").fill("Oulu")
    what_we_tried = page.locator('[data-contentpath="what_we_tried"] [contenteditable=true]')
    what_we_tried.click()
    page.keyboard.type("Books in a tent at the market square.")
    # Draftail writes its hidden input when the editor loses focus
    page.locator("#id_municipality").click()
    page.wait_for_function(
        "document.getElementById('id_what_we_tried').value.includes('Books in a tent')"
    )
    # publish: the action menu opens with the arrow next to "Save draft"
    page.locator("button.w-dropdown__toggle, [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("load")
    assert f"Page '{TITLE}' created and published." in page.content()
    screenshot("stories-admin-published")
    drain()
    page.context.clear_cookies()

    # the listing, filtered by kind, shows it without a name
    goto(page, live_server.url + index.url + "?outcome=slip-up")
    assert TITLE in page.content()
    assert AUTHOR not in page.content()
    axe_check()
    screenshot("stories-listing")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == TITLE
    assert "Told anonymously" in page.content()
    assert "Books in a tent at the market square." in page.content()
    assert AUTHOR not in page.content()
    axe_check()
    screenshot("stories-page")

    # search and the feed
    goto(page, live_server.url + "/en/search/?q=pop-up+library")
    assert "opened in the rain" in page.content()
    assert AUTHOR not in page.content()
    response = goto(page, live_server.url + index.url + "feed/")
    feed = response.text()
    assert TITLE in feed
    assert AUTHOR not in feed
    assert page_log.page_errors == []


def test_a_member_over_the_daily_share_limit_keeps_what_they_typed(
    live_server, home_page, page, page_log, axe_check, settings
):
    from stories.models import StoryPage

    settings.SITE_RATE_LIMITS = {**settings.SITE_RATE_LIMITS, "story_share": "1/d/user"}
    CountryFactory(key="fi", name="Finland")
    index = StoryIndexPageFactory(parent=home_page)
    member = MemberFactory(user=UserFactory(username="sanni"))
    share_path = index.url + "share/"
    goto(page, live_server.url + "/en/accounts/login/?next=" + share_path)
    page.fill("input[name=login]", "sanni")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**" + share_path)

    def fill_and_send(title: str) -> None:
        page.locator("#id_title").fill(title)
        page.get_by_label("Slip-up").check()
        page.locator("#id_what_we_tried").fill("A reading tent at the market square.")
        page.get_by_label("Public, without my name").check()
        page.get_by_label("I agree that the story is published").check()
        page.get_by_role("button", name="Send the story for review").click()
        page.wait_for_load_state("load")

    fill_and_send("The first tent")
    assert "Thank you for sharing" in page.content()
    goto(page, live_server.url + share_path)
    fill_and_send("The second tent")

    alert = page.get_by_role("alert")
    assert "You have reached today's limit" in alert.inner_text()
    assert "You have already shared 1 story in the last 24 hours" in alert.inner_text()
    assert page.locator("#id_title").input_value() == "The second tent"
    assert "A reading tent" in page.locator("#id_what_we_tried").input_value()
    assert page.get_by_label("Public, without my name").is_checked()
    axe_check()
    assert list(StoryPage.objects.filter(author=member).values_list("title", flat=True)) == [
        "The first tent"
    ]
    assert page_log.page_errors == []


COLLEAGUE = "Väinö Ylikangas"  # sorts after 40 "Member NN": not on the chooser's first page


@pytest.mark.parametrize("width", [1366, 390])
def test_an_ambassador_finds_the_author_by_typing(
    live_server, home_page, page, page_log, axe_check, screenshot, width
):
    """Issue 17: "Write a story" on the dashboard; the author defaults to the ambassador and
    the chooser finds another member by typing (among more members than fit one page); the
    consent box is then the other member's, not the ambassador's."""
    page.set_viewport_size({"width": width, "height": 900})
    index = StoryIndexPageFactory(parent=home_page)
    ambassador = MemberFactory(
        user=UserFactory(username="aino"), display_name="Aino Ambassador", is_ambassador=True
    )
    ambassador_group_sync(ambassador)
    for number in range(40):
        MemberFactory(display_name=f"Member {number:02}")
    MemberFactory(display_name=COLLEAGUE, organisation="City of Oulu")

    goto(page, live_server.url + "/admin/login/")
    page.fill("input[name=username]", "aino")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")  # the dashboard, not the login page still unloading
    axe_check()
    page.get_by_role("link", name="Write a story").first.click()
    page.wait_for_url(f"**/admin/pages/add/stories/storypage/{index.pk}/")
    author_field = page.locator('[data-contentpath="author"]')
    assert "Aino Ambassador" in author_field.inner_text()
    assert not page.get_by_label("the author agrees to publish it this way").is_disabled()
    axe_check()

    author_field.get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Choose another author").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("link", name="Member 01").wait_for()
    assert COLLEAGUE not in modal.inner_text()
    modal.get_by_label("Search term").fill("ylik")
    modal.get_by_role("link", name=COLLEAGUE).wait_for()
    modal.get_by_role("link", name="Member 01").wait_for(state="detached")
    assert "City of Oulu" in modal.inner_text()
    axe_check()
    screenshot(f"stories-author-chooser-{width}")
    modal.get_by_role("link", name=COLLEAGUE).click()
    modal.wait_for(state="detached")
    assert COLLEAGUE in author_field.inner_text()
    assert page_log.page_errors == []
    assert page_log.csp_errors(page) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_a_member_gives_consent_to_a_story_written_for_them(
    live_server, home_page, page, page_log, axe_check, width
):
    """Issue 17: a story an ambassador wrote with another member as author waits for that
    member, who finds it on their membership page and agrees to how it is published."""
    from stories.models import StoryPage
    from stories.services.stories import story_draft_create

    page.set_viewport_size({"width": width, "height": 900})
    index = StoryIndexPageFactory(parent=home_page)
    colleague = MemberFactory(user=UserFactory(username="vaino"), display_name=COLLEAGUE)
    story = story_draft_create(
        index=index,
        author=colleague,
        title=TITLE,
        kind="slip-up",
        narrative={"what_we_tried": "<p>Books in a tent at the market square.</p>"},
    )

    goto(page, live_server.url + "/en/accounts/login/?next=/network/me/")
    page.fill("input[name=login]", "vaino")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/network/me/")
    axe_check()
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state("load")
    assert "Books in a tent at the market square." in page.content()
    axe_check()
    page.get_by_label("Signed-in members only, with my name").check()
    page.get_by_label("I agree that the story is published this way.").check()
    page.get_by_role("button", name="Agree to publish it").click()
    page.wait_for_load_state("load")
    assert "can now be published the way you chose" in page.content()
    axe_check()
    draft = StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object()
    assert draft.disclosure_consent and draft.disclosure == "members"
    assert page_log.page_errors == []
