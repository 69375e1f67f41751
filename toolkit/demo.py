"""Demo content: the toolkit's real resources (18F, Participedia, UNDP Accelerator Labs).

The records are the project's copy of the sources (demo_data/resources.jsonl.gz, see
demo_data/SOURCE.md), classified by demo_data/mapping.json; `manage.py import_resources` uses
the same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from wagtail.models import Page

from portal.demo_records import demo_records_read
from toolkit.models import ToolkitIndexPage
from toolkit.services import resources_import

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "resources.jsonl.gz"


def load_resources(home: Page, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the toolkit under `home` and the demo resources missing from it.

    Idempotent: resources are looked up by slug, so a second run creates nothing. A record
    that cannot be imported is reported on `stdout` and skipped. Returns how many were created.
    """
    index = toolkit_index_get_or_create(home)
    report = resources_import(index=index, records=read_records(), limit=limit)
    if stdout is not None:
        stdout.write(_("Toolkit resources: %(created)d created.\n") % {"created": report.created})
        for record_id, reason in report.errors:
            stdout.write(
                _("Resource %(id)s skipped: %(reason)s\n") % {"id": record_id, "reason": reason}
            )
    return report.created


def read_records(path: Path = DATA_FILE) -> Iterator[dict]:
    """The resource records: 18F methods, then Participedia methods, then UNDP tools and tactics."""
    return demo_records_read(path)


def toolkit_index_get_or_create(home: Page) -> ToolkitIndexPage:
    """The toolkit page under `home`, created when missing."""
    index = ToolkitIndexPage.objects.child_of(home).first()
    if index is None:
        index = ToolkitIndexPage(
            title=_("Toolkit"),
            slug="toolkit",
            intro=_(
                "Methods, guides and tools for public innovators: filter them by what you want "
                "to achieve, or let the navigator recommend some."
            ),
        )
        home.add_child(instance=index)
    return index
