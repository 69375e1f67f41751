"""Reads for case pages: related content, lineage on both ends, and the comparison table."""

from __future__ import annotations

import logging
import operator
import re
from functools import reduce

from django.db import models
from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseIndexPage, CaseLineage, CasePage
from cases.models.pages import NARRATIVE_SECTIONS
from cases.search import KIND, case_experiment_outcomes
from cases.vocabularies import experiment_outcome_labels
from portal.ids import id_parse
from portal.rich_text import plain_text
from search import selectors as search_selectors
from search.engines import get_database_engine, get_engine
from search.engines.base import SearchEngineError
from search.selectors import kind_label

logger = logging.getLogger(__name__)

RELATED_LIMIT = 6
COMPARE_TEXT_WORDS = 60
FACT_RELATIONS = (
    "countries",
    "government_levels",
    "innovation_types",
    "stages",
    "themes",
    "methods",
    "sdgs",
)


def case_related(*, page: CasePage, limit: int = RELATED_LIMIT) -> list[dict]:
    """Cases, tools and stories like this one, from the knowledge index (the database engine
    answers when a distributed engine is down)."""
    doc_id = f"{KIND}:{page.pk}"
    shared = getattr(search_selectors, "search_related", None)  # the index's own selector
    try:
        documents = (shared or get_engine().related)(doc_id, limit=limit)
    except SearchEngineError:
        logger.exception("Related content for %s: answering from the database", doc_id)
        documents = get_database_engine().related(doc_id, limit=limit)
    return [{"document": doc, "kind_label": kind_label(doc.kind)} for doc in documents]


def case_lineage(*, page: CasePage) -> dict[str, list[dict]]:
    """Typed links to earlier cases and from later ones, live and public ends only."""
    live = CasePage.objects.live().public()
    earlier = [
        {"label": link.get_relation_display(), "case": link.earlier_case, "note": link.note}
        for link in page.lineage.filter(earlier_case__in=live).select_related("earlier_case")
    ]
    later = [
        {"label": link.inverse_label, "case": link.page, "note": link.note}
        for link in CaseLineage.objects.filter(earlier_case=page, page__in=live).select_related(
            "page"
        )
    ]
    return {"earlier": earlier, "later": later}


def case_page_context(*, page: CasePage) -> dict:
    """What a case page shows besides its own fields."""
    outcome_labels = experiment_outcome_labels(case_experiment_outcomes(page))
    return {
        "related": case_related(page=page) if page.pk and page.live else [],
        "lineage": case_lineage(page=page) if page.pk else {"earlier": [], "later": []},
        "experiment_outcome_labels": list(outcome_labels.values()),
        "contact_person": case_contact_person(page=page),
        "method_links": case_method_links(page=page),
    }


def case_method_links(*, page: CasePage) -> list[dict]:
    """The case's methods, each with the toolkit resource that explains it, if there is one:
    a live, public resource titled like the method, else the first (by title) resource of the
    "method" format tagged with it."""
    methods = list(page.methods.all())
    if not methods:
        return []
    resources = _method_resources(methods)
    return [{"term": method, "resource": resources.get(method.pk)} for method in methods]


def _method_resources(methods: list) -> dict[int, object]:
    try:
        from toolkit.models import ResourcePage
        from toolkit.vocabularies import ResourceFormat
    except ImportError:  # the toolkit app is optional
        return {}
    names = {method.name.strip().lower(): method.pk for method in methods}
    live = ResourcePage.objects.live().public()
    found: dict[int, object] = {}
    same_title = reduce(operator.or_, (models.Q(title__iexact=name) for name in names))
    for resource in live.filter(same_title).only("title", "url_path"):
        pk = names.get(resource.title.strip().lower())
        if pk is not None:
            found.setdefault(pk, resource)
    missing = [method.pk for method in methods if method.pk not in found]
    if missing:
        tagged = (
            ResourcePage.methods.through.objects.filter(
                method_id__in=missing,
                resourcepage__in=live.filter(format=ResourceFormat.METHOD),
            )
            .select_related("resourcepage")
            .order_by("resourcepage__title")
        )
        for row in tagged:
            found.setdefault(row.method_id, row.resourcepage)
    return found


def case_contact_person(*, page: CasePage) -> dict | None:
    """The case's contact in the network, while their membership is active (a deactivated or
    deleted member is not offered as a contact)."""
    member = page.contact
    if member is None or not member.is_active_member:
        return None
    return {"name": member.public_name, "url": member.get_absolute_url()}


def cases_for_compare(
    *, index: CaseIndexPage, raw_ids: list[str], limit: int
) -> tuple[list[CasePage], list[str]]:
    """The live, public cases of the library named by `raw_ids`, in the order given, at most
    `limit`; and a message for every id that cannot be compared."""
    messages: list[str] = []
    ids: list[int] = []
    for raw in raw_ids:
        value = id_parse(raw)
        if value is None:
            messages.append(_("“%(id)s” is not a case id.") % {"id": raw[:20]})
            continue
        if value not in ids:
            ids.append(value)
    if not ids and not messages:
        messages.append(_("Pick two or three cases in the library to compare them."))
    if len(ids) > limit:
        messages.append(
            _("At most %(limit)d cases can be compared: showing the first %(limit)d.")
            % {"limit": limit}
        )
        ids = ids[:limit]
    found = {
        case.pk: case
        for case in CasePage.objects.child_of(index)
        .live()
        .public()
        .filter(pk__in=ids)
        .prefetch_related(*FACT_RELATIONS, Prefetch("criteria"))
    }
    for value in ids:
        if value not in found:
            messages.append(_("No published case has the id %(id)d.") % {"id": value})
    return [found[value] for value in ids if value in found], messages


def case_compare_rows(
    cases: list[CasePage], *, words: int | None = COMPARE_TEXT_WORDS
) -> list[dict]:
    """The comparison: one row per field, one cell per case (plain text; paragraphs apart by
    a blank line), with how many of the cases fill it; rows empty for every case are left out.
    Texts are cut to `words` words (None: whole, for the download)."""

    def names(relation: str):
        return lambda case: ", ".join(str(term) for term in getattr(case, relation).all())

    def text(name: str):
        return lambda case: compare_text(getattr(case, name) or "", words=words)

    fields = [
        (gettext_lazy("Summary"), lambda case: case.summary),
        (gettext_lazy("Countries"), names("countries")),
        (gettext_lazy("Level of government"), names("government_levels")),
        (gettext_lazy("Organisations involved"), lambda case: ", ".join(case.organisation_list())),
        (gettext_lazy("Year launched"), lambda case: case.year_launched or ""),
        (gettext_lazy("Status"), lambda case: case.get_status_display()),
        (gettext_lazy("Innovation facet"), names("innovation_types")),
        (gettext_lazy("Lifecycle stage"), names("stages")),
        (gettext_lazy("Themes"), names("themes")),
        (gettext_lazy("Methods"), names("methods")),
        (gettext_lazy("Sustainable Development Goals"), names("sdgs")),
        *[(heading, text(name)) for name, heading in NARRATIVE_SECTIONS],
        (
            gettext_lazy("More about the case"),
            lambda case: compare_text(_body_html(case), words=words),
        ),
        (gettext_lazy("Learning question"), lambda case: case.learning_question),
        (gettext_lazy("Hypothesis"), lambda case: case.hypothesis),
        (gettext_lazy("Control group"), lambda case: case.get_control_group_display()),
        (gettext_lazy("Sample size"), lambda case: case.sample_size),
        (gettext_lazy("Cost"), lambda case: case.cost),
        (
            gettext_lazy("Did the hypothesis hold?"),
            lambda case: case.get_hypothesis_outcome_display(),
        ),
        (gettext_lazy("Source"), lambda case: case.source_name),
    ]
    rows = []
    for label, value in fields:
        cells = [str(value(case) or "") for case in cases]
        filled = sum(1 for cell in cells if cell)
        if filled:
            rows.append({"label": label, "cells": cells, "filled": filled})
    return rows


def case_compare_table(cases: list[CasePage]) -> dict:
    """The comparison as the page shows it: a table of the fields that two or more of the cases
    have (all fields for one case), and, per case, the fields only that case has, so that the
    table is not mostly empty cells."""
    rows = case_compare_rows(cases)
    shared = [row for row in rows if row["filled"] > 1 or len(cases) == 1]
    single = [row for row in rows if row not in shared]
    only_in_one = []
    for position, case in enumerate(cases):
        fields = [
            {"label": row["label"], "value": row["cells"][position]}
            for row in single
            if row["cells"][position]
        ]
        if fields:
            only_in_one.append({"case": case, "fields": fields})
    return {"rows": shared, "only_in_one": only_in_one}


# Where one block of rich text ends: a paragraph, a list item, a heading, a quote, a line break.
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote)\s*>|<br\s*/?>", re.I)


def compare_text(value: str, *, words: int | None = COMPARE_TEXT_WORDS) -> str:
    """Rich text as plain paragraphs apart by a blank line ("5-6]." and "First" stay in their
    own paragraphs), cut after `words` words."""
    paragraphs = [text for piece in _BLOCK_END.split(value) if (text := plain_text(piece))]
    if words is None:
        return "\n\n".join(paragraphs)
    kept: list[str] = []
    budget = words
    for paragraph in paragraphs:
        if budget <= 0:  # more text follows: say so, as a cut paragraph does
            kept[-1] = kept[-1] if kept[-1].endswith("…") else kept[-1] + " …"
            break
        count = len(paragraph.split())
        kept.append(Truncator(paragraph).words(budget) if count > budget else paragraph)
        budget -= count
    return "\n\n".join(kept)


def _body_html(case: CasePage) -> str:
    """The HTML of the body's text blocks (rich text and headings), in order."""
    parts = []
    for child in case.body or ():
        if child.block_type == "paragraph":
            parts.append(str(getattr(child.value, "source", child.value)))
        elif child.block_type == "heading":
            parts.append(f"<p>{escape(child.value.get('text', ''))}</p>")
    return "".join(parts)
