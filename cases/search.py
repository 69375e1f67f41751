"""How a case study becomes a document of the knowledge index.

Experiment outcomes (`experiment_outcomes`, the `experiment_outcome` facet) hold the hypothesis
verdict as `hypothesis-<outcome>` and each measured criterion as `criterion-<outcome>`, where
outcome is met, partly-met, not-met or inconclusive; an experiment without a verdict yet has
`hypothesis-pending`. So “experiments whose hypothesis did not hold” is the one selection
`experiment_outcome=hypothesis-not-met`.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import BooleanField, Prefetch, Value

from cases.models import CaseLineage, CasePage
from cases.models.choices import CRITERION_PREFIX, HYPOTHESIS_PREFIX, PENDING
from portal.languages import locale_language, page_url
from portal.rich_text import plain_text, stream_text
from search.documents import (
    SearchDocument,
    page_is_public,
    translations_hidden_for,
    vocabulary_keys,
    with_translation_count,
)

KIND = "case"
FACET_RELATIONS = (
    "countries",
    "themes",
    "methods",
    "stages",
    "government_levels",
    "innovation_types",
    "sdgs",
)
TOOL_KIND = "tool"


def case_queryset() -> models.QuerySet:
    """Every case study the index should hold, with the facets a document needs."""
    return (
        with_translation_count(CasePage.objects.live().public())
        .annotate(known_public=Value(True, output_field=BooleanField()))
        .prefetch_related(
            *FACET_RELATIONS,
            "criteria",
            Prefetch("tools", to_attr="tool_list"),
            Prefetch("lineage", queryset=CaseLineage.objects.only("page_id", "earlier_case_id")),
            Prefetch(
                "lineage_later", queryset=CaseLineage.objects.only("page_id", "earlier_case_id")
            ),
        )
    )


def case_to_document(page: CasePage) -> SearchDocument | None:
    """The search document of a case study, or None while it is a draft or restricted."""
    if not page.live or not page_is_public(page):
        return None
    if page.first_published_at:
        date = page.first_published_at.date()
    elif page.year_launched:
        date = datetime.date(page.year_launched, 1, 1)
    else:
        date = None
    narrative = " ".join(getattr(page, name) or "" for name, _heading in _sections())
    experiment = " ".join([page.learning_question, page.hypothesis, page.hypothesis_result])
    body = " ".join(
        part
        for part in (plain_text(narrative), stream_text(page.body), experiment, page.organisations)
        if part.strip()
    )
    return SearchDocument(
        id=f"{KIND}:{page.pk}",
        kind=KIND,
        url=page_url(page) or "",
        language=locale_language(page.locale_id) or "",
        hidden_for=translations_hidden_for(page),
        title=page.title,
        summary=page.summary,
        body=body,
        date=date,
        countries=vocabulary_keys(page.countries),
        themes=vocabulary_keys(page.themes),
        methods=vocabulary_keys(page.methods),
        stages=vocabulary_keys(page.stages),
        government_levels=vocabulary_keys(page.government_levels),
        innovation_types=vocabulary_keys(page.innovation_types),
        sdgs=vocabulary_keys(page.sdgs),
        year=page.year_launched,
        status=page.status,
        experiment_outcomes=case_experiment_outcomes(page),
        related=_related_ids(page),
    )


def case_experiment_outcomes(page: CasePage) -> tuple[str, ...]:
    """The `experiment_outcome` facet values of a case (empty when it is no experiment)."""
    if not page.is_experiment:
        return ()
    values = [HYPOTHESIS_PREFIX + (page.hypothesis_outcome or PENDING)]
    values += sorted(
        {CRITERION_PREFIX + c.outcome for c in page.criteria.all() if c.outcome},
    )
    return tuple(values)


def _sections():
    from cases.models.pages import NARRATIVE_SECTIONS

    return NARRATIVE_SECTIONS


def _related_ids(page: CasePage) -> tuple[str, ...]:
    # lineage on both ends first, then the tools the case used: the engine lists explicit links
    # before similar documents
    tools = getattr(page, "tool_list", None)
    if tools is None:
        tools = list(page.tools.all())
    ids = [f"{KIND}:{link.earlier_case_id}" for link in page.lineage.all()]
    ids += [f"{KIND}:{link.page_id}" for link in page.lineage_later.all()]
    ids += [f"{TOOL_KIND}:{tool.pk}" for tool in tools]
    return tuple(dict.fromkeys(ids))
