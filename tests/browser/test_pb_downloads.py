"""A large process's ballot file in a real browser, when the task worker is a separate process:
the visitor who asks first is told that the file is being prepared, and the download starts by
itself once the worker has written it."""

import pytest
from django_tasks import default_task_backend

from budgeting.factories import UserFactory, process_in_implementation
from budgeting.results.ballot_file import ballot_file_build_now
from tests.browser.pb_steps import assert_clean

pytestmark = pytest.mark.browser


def test_the_download_starts_once_the_worker_has_written_the_file(
    live_server, home_page, page, page_log, axe_check, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    process = process_in_implementation(organiser=UserFactory(), slug="riverside", start=False)

    page.goto(live_server.url + "/en/pb/riverside/results/")
    page.get_by_role("link", name="Download the ballots as a pabulib file (.pb)").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "The file is being prepared"
    assert "3 ballots" in page.locator("main [role=status]").inner_text()
    axe_check()

    ballot_file_build_now(process.pk)  # what the worker does
    with page.expect_download(timeout=20_000) as download:
        pass  # the page asks every few seconds and follows the link when the file is there
    assert download.value.suggested_filename == "riverside.pb"
    assert page.locator("main [role=status]").inner_text().startswith("The file is ready.")
    assert_clean(page, page_log)
