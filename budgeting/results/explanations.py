"""The counting core's explanations in words: why a project won or lost, in the reader's language.

The core (`budgeting.counting`) gives each project a `Reason` code and its numbers; the stored
results keep them (`reason_code`, `reason_params`) and this module words them when a page is
read, amounts in the process's currency as the reader's language writes money. Results counted
before the codes were stored hold only a sentence (`reason`), in the language that was active
when they were counted: it is shown as it is until the votes are counted again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext

from budgeting.counting.election import Reason
from portal.locale_names import money_text


@dataclass(frozen=True)
class ReasonNumbers:
    """One explanation's stored parameters, written for the reader."""

    values: Mapping[str, Any]
    currency: str
    titles: Mapping[str, Any]  # project election id -> its title for the reader

    def money(self, name: str) -> str:
        return money_text(self.values[name], self.currency)

    def count(self, name: str) -> int:
        return int(self.values[name])

    def project(self, name: str) -> str:
        project_id = str(self.values[name])
        return str(self.titles.get(project_id, project_id))


def _over_budget(numbers: ReasonNumbers) -> str:
    return gettext("It costs more than the whole budget.")


def _below_minimum(numbers: ReasonNumbers) -> str:
    return gettext("It did not reach the minimum score.")


def _not_eligible(numbers: ReasonNumbers) -> str:
    return gettext("It is not eligible.")


def _fitted(numbers: ReasonNumbers) -> str:
    return gettext("Selected: it cost %(cost)s and %(left)s was left when its turn came.") % {
        "cost": numbers.money("cost"),
        "left": numbers.money("left"),
    }


def _did_not_fit(numbers: ReasonNumbers) -> str:
    return gettext("Not selected: it costs %(cost)s but only %(left)s was left at its turn.") % {
        "cost": numbers.money("cost"),
        "left": numbers.money("left"),
    }


def _counting_stopped(numbers: ReasonNumbers) -> str:
    return gettext("Counting stopped at “%(project)s”, which did not fit in the budget left.") % {
        "project": numbers.project("project")
    }


def _bought(numbers: ReasonNumbers) -> str:
    return gettext(
        "Selected in round %(round)s: its supporters still had %(money)s between them "
        "and each paid at most %(price)s."
    ) % {
        "round": numbers.count("round"),
        "money": numbers.money("money"),
        "price": numbers.money("price"),
    }


def _no_support(numbers: ReasonNumbers) -> str:
    return gettext("Nobody voted for it.")


def _unaffordable(numbers: ReasonNumbers) -> str:
    count = numbers.count("count")
    return ngettext(
        "Not selected: at the end its %(count)s supporter had only %(money)s left, less than "
        "its cost of %(cost)s.",
        "Not selected: at the end its %(count)s supporters had only %(money)s left between "
        "them, less than its cost of %(cost)s (%(share)s each if shared equally).",
        count,
    ) % {
        "count": count,
        "money": numbers.money("money"),
        "cost": numbers.money("cost"),
        "share": numbers.money("share"),
    }


# Every code of the counting core, worded (a test checks that none is missing).
REASON_WORDS: dict[Reason, Callable[[ReasonNumbers], str]] = {
    Reason.OVER_BUDGET: _over_budget,
    Reason.BELOW_MINIMUM: _below_minimum,
    Reason.NOT_ELIGIBLE: _not_eligible,
    Reason.FITTED: _fitted,
    Reason.DID_NOT_FIT: _did_not_fit,
    Reason.COUNTING_STOPPED: _counting_stopped,
    Reason.BOUGHT: _bought,
    Reason.NO_SUPPORT: _no_support,
    Reason.UNAFFORDABLE: _unaffordable,
}


def explanation_text(
    row: Mapping[str, Any], *, currency: str, titles: Mapping[str, Any] | None = None
) -> str:
    """Why the project of the stored results row `row` won or lost, in the active language.

    `titles` maps projects' election ids to the titles the reader sees (an explanation may
    name another project). A row counted before reason codes were stored gives its stored
    sentence; so does one whose code this version does not know."""
    try:
        words = REASON_WORDS[Reason(row.get("reason_code") or "")]
    except ValueError:
        return str(row.get("reason") or "")
    numbers = ReasonNumbers(
        values=row.get("reason_params") or {}, currency=currency, titles=titles or {}
    )
    try:
        return words(numbers)
    except (KeyError, TypeError, ValueError):  # parameters missing or damaged: the old sentence
        return str(row.get("reason") or "")
