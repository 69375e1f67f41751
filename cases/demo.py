"""Demo content: 300 Participedia case studies (CC BY-SA 4.0), see demo_data/SOURCE.md."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from cases.models import CaseIndexPage, CasePage
from portal.models import Country, Method, Stage, Theme
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
        existing = set(CasePage.objects.child_of(index).values_list("slug", flat=True))
        terms = {
            "countries": {term.key: term for term in Country.objects.all()},
            "themes": {term.key: term for term in Theme.objects.all()},
            "methods": {term.key: term for term in Method.objects.all()},
            "stages": {term.key: term for term in Stage.objects.all()},
        }
        now = timezone.now()
        created = 0
        for record in islice(read_records(), limit):
            if record["slug"] in existing:
                continue
            page = CasePage(
                title=record["title"],
                slug=record["slug"],
                summary=record["summary"],
                body=body_from_html(record["body_html"]),
                year_launched=record.get("year_launched"),
                source_name=SOURCE_NAME,
                source_url=record["source_url"],
                licence=LICENCE,
                licence_url=LICENCE_URL,
                live=True,
                first_published_at=now,
                last_published_at=now,
                **{
                    name: [vocabulary[key] for key in record.get(name, ()) if key in vocabulary]
                    for name, vocabulary in terms.items()
                },
            )
            # no revision: demo pages are born published, which keeps 300 pages fast to load
            index.add_child(instance=page)
            existing.add(page.slug)
            created += 1
    if stdout is not None:
        stdout.write(_("Case studies: %(created)d created.\n") % {"created": created})
    return created


def read_records() -> Iterator[dict]:
    """The demo case records, best first (see demo_data/README.md for their fields)."""
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


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
