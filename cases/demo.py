"""Demo content: 300 Participedia case studies (CC BY-SA 4.0), see demo_data/SOURCE.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.models import Page

from cases.models import CaseIndexPage, CasePage
from portal.demo_records import demo_children_add, demo_records_read, record_terms, vocabulary_terms
from portal.rich_text import body_from_html

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "participedia_cases.jsonl.gz"
SOURCE_NAME = "Participedia"
LICENCE = "CC BY-SA 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"


def load_cases(home: Page, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the case library under `home` and the demo case studies missing from it.

    Idempotent: cases are looked up by slug, so a second run creates nothing. Facet keys the
    vocabularies do not hold are skipped. Returns how many case studies were created.
    """
    with transaction.atomic():
        index = _case_index(home)
        terms = vocabulary_terms("countries", "themes", "methods", "stages")

        def build(record: dict) -> CasePage:
            return CasePage(
                title=record["title"],
                slug=record["slug"],
                summary=record["summary"],
                body=body_from_html(record["body_html"]),
                year_launched=record.get("year_launched"),
                source_name=SOURCE_NAME,
                source_url=record["source_url"],
                licence=LICENCE,
                licence_url=LICENCE_URL,
                **record_terms(record, terms),
            )

        created = demo_children_add(index, read_records(), build, limit=limit)
    if stdout is not None:
        stdout.write(_("Case studies: %(created)d created.\n") % {"created": created})
    return created


def read_records() -> Iterator[dict]:
    """The demo case records, best first (see demo_data/README.md for their fields)."""
    return demo_records_read(DATA_FILE)


def _case_index(home: Page) -> CaseIndexPage:
    index = CaseIndexPage.objects.child_of(home).first()
    if index is None:
        index = CaseIndexPage(
            title=_("Case studies"),
            slug="cases",
            intro=_(
                "What public organisations tried, where and how it went: case studies to "
                "learn from and build on."
            ),
        )
        home.add_child(instance=index)
    return index
