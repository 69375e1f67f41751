"""Open data: the library's filtered cases as rows, and the codebook that explains them.

Rows are built from the knowledge index's documents (the facets, as vocabulary keys) and one
query per batch for the facts only the database holds (source id, organisations, licence).
Identifiers are stable: `id` is the page id, `source_id` the record's id at its source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

from cases.models import CasePage, CaseStatus
from cases.vocabularies import EXPERIMENT_OUTCOME_LABELS
from portal.models.taxonomy import VOCABULARIES
from search.query import SearchQuery
from search.selectors import search_run

EXPORT_BATCH_SIZE = 500
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    type: str = "text"
    vocabulary: str = ""  # a key of codebook_vocabularies()


COLUMNS: tuple[Column, ...] = (
    Column("id", _("The case's id in Kokeilu (stable: the page id)."), "integer"),
    Column(
        "source_id",
        _(
            "The record's id at its source, e.g. “participedia:1” or “undp-acclabs:…”; "
            "empty for cases written here."
        ),
    ),
    Column("title", _("Title of the case study.")),
    Column("url", _("Address of the case study on this site."), "url"),
    Column("summary", _("Short plain-text summary (about 300 characters).")),
    Column("year_launched", _("Year the initiative was launched."), "integer"),
    Column(
        "status",
        _("Whether the initiative is ongoing, completed or discontinued."),
        vocabulary="case_statuses",
    ),
    Column("countries", _("Countries where it took place."), "list", "countries"),
    Column("government_levels", _("Levels of government involved."), "list", "government_levels"),
    Column("organisations", _("Organisations involved."), "list"),
    Column("innovation_types", _("OPSI innovation facets."), "list", "innovation_types"),
    Column("stages", _("Innovation lifecycle stages."), "list", "stages"),
    Column("themes", _("Policy themes."), "list", "themes"),
    Column("methods", _("Methods and approaches used."), "list", "methods"),
    Column("sdgs", _("Sustainable Development Goals addressed."), "list", "sdgs"),
    Column("is_experiment", _("Whether the case has an experiment card."), "boolean"),
    Column(
        "experiment_outcomes",
        _(
            "The hypothesis verdict (hypothesis-…) and each measured success criterion's "
            "outcome (criterion-…)."
        ),
        "list",
        "experiment_outcomes",
    ),
    Column("source_name", _("Where the text comes from when it is not original.")),
    Column("source_url", _("Address of the original record."), "url"),
    Column("licence", _("Licence of the text.")),
    Column("licence_url", _("Address of the licence."), "url"),
)

_DATABASE_FIELDS = (
    "source_id",
    "organisations",
    "is_experiment",
    "source_name",
    "source_url",
    "licence",
    "licence_url",
)


def export_rows(*, query: SearchQuery, base_url: str) -> Iterator[dict]:
    """Every case the query matches, in the listing's order, as one dict per case (lists for
    list columns). Pages through the whole result in batches of the query's page size."""
    batch = replace(query, page=1, with_facets=False, with_highlights=False)
    while True:
        results = search_run(batch)
        pks = [int(hit.document.id.split(":", 1)[1]) for hit in results.hits]
        facts = {
            row["pk"]: row
            for row in CasePage.objects.filter(pk__in=pks).values("pk", *_DATABASE_FIELDS)
        }
        for hit, pk in zip(results.hits, pks, strict=True):
            yield _row(hit.document, pk, facts.get(pk, {}), base_url)
        if not results.hits or batch.page * batch.page_size >= results.total:
            return
        batch = replace(batch, page=batch.page + 1)


def csv_value(value) -> str:
    """One CSV cell: lists joined by “;”, booleans as true/false, None as empty."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def codebook_vocabularies() -> list[dict]:
    """Each vocabulary an export column uses: its name, and its terms' keys and names (in the
    reader's language)."""
    vocabularies = []
    for column in COLUMNS:
        if not column.vocabulary:
            continue
        if column.vocabulary == "case_statuses":
            terms = [{"key": key, "label": name} for key, name in CaseStatus.choices]
        elif column.vocabulary == "experiment_outcomes":
            terms = [{"key": key, "label": name} for key, name in EXPERIMENT_OUTCOME_LABELS.items()]
        else:
            model = VOCABULARIES[column.vocabulary]
            terms = [
                {"key": term.key, "label": term.label, "label_description": term.label_description}
                for term in model.objects.all()
            ]
        vocabularies.append({"column": column.name, "terms": terms, "count": len(terms)})
    return vocabularies


def _row(document, pk: int, facts: dict, base_url: str) -> dict:
    url = document.url
    if url.startswith("/"):
        url = base_url + url
    organisations = [
        line.strip() for line in (facts.get("organisations") or "").splitlines() if line.strip()
    ]
    return {
        "id": pk,
        "source_id": facts.get("source_id", ""),
        "title": document.title,
        "url": url,
        "summary": document.summary,
        "year_launched": document.year,
        "status": document.status,
        "countries": list(document.countries),
        "government_levels": list(document.government_levels),
        "organisations": organisations,
        "innovation_types": list(document.innovation_types),
        "stages": list(document.stages),
        "themes": list(document.themes),
        "methods": list(document.methods),
        "sdgs": list(document.sdgs),
        "is_experiment": bool(facts.get("is_experiment")),
        "experiment_outcomes": list(document.experiment_outcomes),
        "source_name": facts.get("source_name", ""),
        "source_url": facts.get("source_url", ""),
        "licence": facts.get("licence", ""),
        "licence_url": facts.get("licence_url", ""),
    }
