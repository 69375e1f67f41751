"""What the results pages show: the results by group, with their charts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from budgeting.processes.models import CountingRule, Process
from budgeting.proposals.selectors import project_titles
from budgeting.results.explanations import explanation_text
from budgeting.texts import ShownText
from budgeting.voting.selectors import ballot_type_uses_points
from portal.charts import bar_chart


def results_view(process: Process) -> dict | None:
    """The stored results with labels, charts and the comparison between rules; the projects'
    titles and why each won or lost in the reader's language (the stored results keep the
    original titles, and reason codes with their numbers)."""
    results = process.results
    if not results:
        return None
    shown = project_titles(
        process=process,
        pks={row["pk"] for group in results["groups"] for row in group["projects"] if "pk" in row},
    )
    groups = []
    for index, stored in enumerate(results["groups"], start=1):
        rows = [
            {**row, "title": shown.get(row.get("pk"), ShownText(row["title"], ""))}
            for row in stored["projects"]
        ]
        titles = {row["id"]: row["title"] for row in rows}
        for row in rows:
            row["reason"] = explanation_text(row, currency=process.currency, titles=titles)
        group = {**stored, "projects": rows}
        outcomes = [
            {
                "rule": group["rule"],
                "label": rule_label(group["rule"]),
                "selected": group["selected"],
                "budget_used": group["budget_used"],
                "official": True,
            }
        ] + [
            {**other, "label": rule_label(other["rule"]), "official": False}
            for other in group["comparison"]
        ]
        comparison_rows = [
            {
                "title": row["title"],
                "cells": [row["id"] in outcome["selected"] for outcome in outcomes],
            }
            for row in group["projects"]
        ]
        unit = _("points") if ballot_type_uses_points(process) else _("votes")
        groups.append(
            {
                **group,
                "dom_id": f"pb-{process.slug}-{index}",
                "winners": [titles[pid] for pid in group["selected"] if pid in titles],
                "budget_share": (
                    round(100 * group["budget_used"] / group["budget"]) if group["budget"] else 0
                ),
                "outcomes": outcomes,
                "comparison_rows": comparison_rows,
                "votes_chart": bar_chart(
                    rows=[
                        {
                            "label": str(row["title"]),
                            "value": row["score"],
                            "selected": row.get("selected"),
                        }
                        for row in group["projects"]
                    ],
                    unit=unit,
                ),
                "budget_chart": bar_chart(
                    rows=[
                        {
                            "label": outcome["label"],
                            "value": outcome["budget_used"],
                            "selected": outcome["official"],
                        }
                        for outcome in outcomes
                    ],
                    unit=process.currency,
                ),
            }
        )
    return {
        "rule": results["rule"],
        "rule_label": rule_label(results["rule"]),
        "ballots": results["ballots"],
        "computed_at": results["computed_at"],
        "groups": groups,
        "uses_mes": results["rule"].startswith("equalshares"),
    }


def rule_label(rule: str) -> str:
    try:
        return str(CountingRule(rule).label)
    except ValueError:
        return rule
