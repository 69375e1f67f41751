"""Demo content: 35 18F methods (public domain) and 120 Participedia methods (CC BY-SA 4.0).

See demo_data/SOURCE.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.models import Page

from portal.demo_records import demo_children_add, demo_records_read, record_terms, vocabulary_terms
from portal.rich_text import body_from_html
from toolkit.models import ResourcePage, ToolkitIndexPage

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "resources.jsonl.gz"
SOURCES = {
    "18f": {
        "source_name": "18F Methods",
        "licence": "Public domain (CC0 1.0)",
        "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "participedia": {
        "source_name": "Participedia",
        "licence": "CC BY-SA 4.0",
        "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
}


def load_resources(home: Page, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the toolkit under `home` and the demo resources missing from it.

    Idempotent: resources are looked up by slug, so a second run creates nothing. Facet keys the
    vocabularies do not hold are skipped. Returns how many resources were created.
    """
    with transaction.atomic():
        index = _toolkit_index(home)
        terms = vocabulary_terms("methods", "stages")

        def build(record: dict) -> ResourcePage:
            return ResourcePage(
                title=record["title"],
                slug=record["slug"],
                summary=record["summary"],
                body=body_from_html(record["body_html"]),
                publisher=record["publisher"],
                link=record["link"],
                format=record.get("format", ""),
                time_required=record.get("time_required", ""),
                source_url=record["link"],
                **SOURCES[record["source"]],
                **record_terms(record, terms),
            )

        created = demo_children_add(index, read_records(), build, limit=limit)
    if stdout is not None:
        stdout.write(_("Toolkit resources: %(created)d created.\n") % {"created": created})
    return created


def read_records() -> Iterator[dict]:
    """The demo resource records: 18F methods first, then Participedia methods."""
    return demo_records_read(DATA_FILE)


def _toolkit_index(home: Page) -> ToolkitIndexPage:
    index = ToolkitIndexPage.objects.child_of(home).first()
    if index is None:
        index = ToolkitIndexPage(
            title=_("Toolkit"),
            slug="toolkit",
            intro=_(
                "Methods, guides and toolkits for public innovators, with the stage of the "
                "work each one helps with."
            ),
        )
        home.add_child(instance=index)
    return index
