"""Writes of the toolkit: importing resources from records (the demo copy, or another file),
and members' marks on resources (saved to their profile, "we used it")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.permissions import member_write_refusal
from portal.demo_records import vocabulary_terms
from portal.rich_text import body_from_html, plain_text
from toolkit.classification import LIST_FIELDS, resource_classify
from toolkit.models import ResourceBookmark, ResourcePage, ToolkitIndexPage
from toolkit.vocabularies import Cost, ResourceFormat, TimeNeeded

if TYPE_CHECKING:
    from network.models import Member

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
    "undp": {
        "source_name": "UNDP Accelerator Labs, SDG Commons",
        "licence": "MIT Licence (SDG Commons repository)",
        "licence_url": (
            "https://github.com/UNDP-Accelerator-Labs/sdg-innovation-commons/blob/main/LICENSE"
        ),
    },
}
REQUIRED = ("source", "source_id", "title", "slug", "link")


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0  # already in the toolkit (recognised by slug)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (record id, reason)


def resources_import(
    *, index: ToolkitIndexPage, records: Iterable[dict], limit: int | None = None
) -> ImportReport:
    """Add to `index` a live resource for each record it does not hold yet (by slug).

    Each record is classified with the mapping (toolkit.classification) and checked; a bad
    record is reported with its id and reason and the others are imported. Idempotent: a
    second run creates nothing. One transaction, with a savepoint per record so that one
    failure loses nothing else (and the index is updated once, after commit).
    """
    with transaction.atomic():
        return _resources_import(index=index, records=records, limit=limit)


def _resources_import(
    *, index: ToolkitIndexPage, records: Iterable[dict], limit: int | None
) -> ImportReport:
    report = ImportReport()
    terms = vocabulary_terms("methods", "stages")
    existing = set(index.get_children().values_list("slug", flat=True))
    now = timezone.now()
    for number, record in enumerate(records, start=1):
        if limit is not None and report.created + report.unchanged >= limit:
            break
        record_id = f"{record.get('source', '?')}:{record.get('source_id', f'line {number}')}"
        if record.get("slug") in existing:
            report.unchanged += 1
            continue
        try:
            page = _resource_build(record, terms)
            page.live = True
            page.first_published_at = page.last_published_at = now
            with transaction.atomic():
                index.add_child(instance=page)
        except (ValidationError, KeyError, ValueError, TypeError) as error:
            report.errors.append((record_id, _error_text(error)))
            continue
        existing.add(page.slug)
        report.created += 1
    return report


def _resource_build(record: dict, terms: dict) -> ResourcePage:
    missing = [name for name in REQUIRED if not record.get(name)]
    if missing:
        raise ValidationError(_("missing %(fields)s") % {"fields": ", ".join(missing)})
    if record["source"] not in SOURCES:
        raise ValidationError(_("unknown source “%(source)s”") % {"source": record["source"]})
    URLValidator(schemes=["http", "https"])(record["link"])
    classes = resource_classify(record)
    facets = {}
    for name in ("methods", "stages"):
        unknown = [key for key in classes[name] if key not in terms[name]]
        if unknown:
            raise ValidationError(
                _("unknown %(vocabulary)s: %(keys)s")
                % {"vocabulary": name, "keys": ", ".join(unknown)}
            )
        facets[name] = [terms[name][key] for key in classes[name]]
    page = ResourcePage(
        title=classes.get("title") or record["title"],
        slug=record["slug"],
        summary=plain_text(record.get("summary", ""))[:500],
        body=body_from_html(record.get("body_html", "")),
        publisher=record.get("publisher", ""),
        link=record["link"],
        source_url=record["link"],
        time_required=record.get("time_required", "")[:200],
        year=record.get("year"),
        format=classes.get("format", ""),
        time_needed=classes.get("time_needed", ""),
        cost=classes.get("cost", ""),
        **{name: classes[name] for name in LIST_FIELDS if name not in facets},
        **facets,
        **SOURCES[record["source"]],
    )
    _choices_check(page)
    return page


def _choices_check(page: ResourcePage) -> None:
    for name, choices in (
        ("format", ResourceFormat),
        ("time_needed", TimeNeeded),
        ("cost", Cost),
    ):
        value = getattr(page, name)
        if value and value not in choices.values:
            raise ValidationError(
                _("unknown %(field)s “%(value)s”") % {"field": name, "value": value}
            )
    for name in LIST_FIELDS:
        if name in ("methods", "stages"):
            continue
        page._meta.get_field(name).validate(getattr(page, name), page)
    if page.year is not None and not 1900 <= int(page.year) <= 2100:
        raise ValidationError(_("year %(year)s is out of range") % {"year": page.year})


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


# Members' marks on resources. Only active members mark; who marked what stays private, the
# page shows only the number of members who used a resource.


MEMBERS_ONLY_MESSAGE = gettext_lazy("Only active members can save resources and mark them used.")
NO_PROFILE_MESSAGE = gettext_lazy("Join the network first: your account has no membership.")


def _require_active(member: Member | None) -> None:
    # the network's one rule for members' writes, with its reason for this account
    refusal = NO_PROFILE_MESSAGE if member is None else member_write_refusal(member.user)
    if refusal is not None:
        raise PermissionDenied(f"{MEMBERS_ONLY_MESSAGE} {refusal}")


def _bookmark_set(
    *, member: Member, resource: ResourcePage, **marks: bool
) -> ResourceBookmark | None:
    _require_active(member)
    with transaction.atomic():
        bookmark, _created = ResourceBookmark.objects.select_for_update().get_or_create(
            member=member, resource=resource
        )
        for name, value in marks.items():
            setattr(bookmark, name, value)
        if not (bookmark.saved or bookmark.used):
            bookmark.delete()
            return None
        bookmark.save()
        return bookmark


def resource_save(*, member: Member, resource: ResourcePage) -> ResourceBookmark:
    """Save `resource` to `member`'s profile (idempotent). Only active members may."""
    bookmark = _bookmark_set(member=member, resource=resource, saved=True)
    assert bookmark is not None
    return bookmark


def resource_unsave(*, member: Member, resource: ResourcePage) -> ResourceBookmark | None:
    """Remove `resource` from `member`'s profile; a "we used it" mark stays."""
    return _bookmark_set(member=member, resource=resource, saved=False)


def resource_mark_used(
    *, member: Member, resource: ResourcePage, used: bool = True
) -> ResourceBookmark | None:
    """Mark (or, with `used=False`, unmark) that `member`'s team used `resource`; the page
    counts the members who did."""
    return _bookmark_set(member=member, resource=resource, used=used)
