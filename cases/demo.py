"""Demo content: the case library with Participedia cases (CC BY-SA 4.0) and UNDP Accelerator
Labs experiments, imported from the project's copies (demo_data/, see SOURCE.md)."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.models import Page

from cases.importing import cases_import
from cases.models import CaseIndexPage


def load_cases(home: Page, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the case library under `home` and import the demo cases missing from it.

    Idempotent: cases are matched by their source id. `limit` caps the records read from each
    source. Returns how many case studies were created.
    """
    with transaction.atomic():
        index = case_index_ensure(home)
        report = cases_import(index=index, limit=limit)
    if stdout is not None:
        stdout.write(_("Case studies: %(created)d created.\n") % {"created": report.created})
        for line in list(report.lines())[1:]:
            stdout.write(line + "\n")
    return report.created


def case_index_ensure(home: Page) -> CaseIndexPage:
    """The case library under `home`, created when missing."""
    index = CaseIndexPage.objects.child_of(home).first()
    if index is None:
        index = CaseIndexPage(
            title=_("Case studies"),
            slug="cases",
            intro=_(
                "What public organisations tried, where and how it went: case studies and "
                "experiments to learn from and build on."
            ),
        )
        home.add_child(instance=index)
    return index
