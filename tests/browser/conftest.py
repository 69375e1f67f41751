"""Playwright fixtures: Debian's Chromium, one browser per session, one page per test.

Playwright's sync API runs an event loop in the main thread, which makes Django refuse database
access from "async" code; the tests only read and write the database from synchronous code, so
the check is switched off for the session.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Set KOKEILU_SCREENSHOTS=/some/folder to keep a screenshot of every page the tests look at.
SCREENSHOTS = os.environ.get("KOKEILU_SCREENSHOTS", "")

# Collects CSP violations as the page reports them (init scripts are not subject to the CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)):
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageLog:
    """Console errors and CSP violations seen by one page."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def csp_errors(self, page) -> list[str]:
        reported = page.evaluate("window.__cspViolations || []")
        from_console = [m for m in self.console_errors if "Content Security Policy" in m]
        return from_console + list(reported)


@pytest.fixture
def page_log():
    return PageLog()


@pytest.fixture
def page(browser, page_log):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda message: (
            page_log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """screenshot(name): saves a full-page PNG when KOKEILU_SCREENSHOTS names a folder."""

    def take(name: str) -> None:
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def axe_check(page):
    """axe_check(): asserts axe-core finds no violation of any impact on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check() -> None:
        # axe's default rule set: WCAG 2.0/2.1 A and AA plus best practices.
        results = axe.run(page)
        violations = results.response["violations"]
        assert not violations, results.generate_report()

    return check
