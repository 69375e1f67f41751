"""Reads for case pages: related content, lineage on both ends, and the comparison table."""

from __future__ import annotations

import logging

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import CaseIndexPage, CaseLineage, CasePage
from cases.models.pages import NARRATIVE_SECTIONS
from cases.search import KIND, case_experiment_outcomes
from cases.vocabularies import experiment_outcome_labels
from portal.ids import id_parse
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
    }


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


def case_compare_rows(cases: list[CasePage]) -> list[dict]:
    """The comparison table: one row per field, one cell per case; rows empty for every case
    are left out."""

    def names(relation: str):
        return lambda case: ", ".join(str(term) for term in getattr(case, relation).all())

    def text(name: str):
        return lambda case: Truncator(strip_tags(getattr(case, name) or "")).words(
            COMPARE_TEXT_WORDS
        )

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
        if any(cells):
            rows.append({"label": label, "cells": cells})
    return rows
