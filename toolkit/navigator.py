"""The navigator's ranking: from a practitioner's answers to resources, each with its reason.

Pure functions over search documents (the knowledge index's `SearchDocument` of kind "tool"):
no database, no request, so every combination of answers can be walked in a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from search.documents import SearchDocument
from toolkit.vocabularies import (
    SKILL_ORDER,
    TIME_ORDER,
    Cost,
    GroupSize,
    Purpose,
    SkillLevel,
    TimeNeeded,
)

# How much a matching answer adds to a resource's score: what you want to achieve matters most,
# then where you are in the lifecycle, then whether you can take it on (time, experience, group),
# then the budget.
WEIGHTS: dict[str, int] = {
    "purpose": 4,
    "stage": 3,
    "skill_level": 2,
    "time_needed": 2,
    "group_size": 2,
    "cost": 1,
}
# Below this many fitting resources the answer also shows close matches and what to relax.
ENOUGH_RESULTS = 3
MAX_RESULTS = 12
MAX_CLOSE_MATCHES = 6

# Keyed by the choices' values (a TextChoices member is its value).
TIME_PHRASES: dict[str, Promise] = {
    TimeNeeded.UNDER_1_HOUR: gettext_lazy("takes under an hour"),
    TimeNeeded.HALF_DAY: gettext_lazy("takes a few hours"),
    TimeNeeded.DAYS: gettext_lazy("takes a few days"),
    TimeNeeded.WEEKS: gettext_lazy("takes weeks or longer"),
}
SKILL_PHRASES: dict[str, Promise] = {
    SkillLevel.BEGINNER: gettext_lazy("beginner level"),
    SkillLevel.INTERMEDIATE: gettext_lazy("intermediate level"),
    SkillLevel.ADVANCED: gettext_lazy("advanced level"),
}
GROUP_PHRASES: dict[str, Promise] = {
    GroupSize.INDIVIDUAL: gettext_lazy("works on your own"),
    GroupSize.SMALL_TEAM: gettext_lazy("works with a small team"),
    GroupSize.WORKSHOP: gettext_lazy("works with a workshop group"),
    GroupSize.LARGE: gettext_lazy("works with a large group or the public"),
}


@dataclass(frozen=True, kw_only=True)
class NavigatorAnswers:
    """What the practitioner said; "" means "any" (not answered or not sure).

    Field names are the URL parameters and the search facet names they correspond to.
    """

    stage: str = ""  # lifecycle stage key (portal.Stage)
    purpose: str = ""  # what they want to achieve (Purpose)
    time_needed: str = ""  # the most time they have (TimeNeeded)
    skill_level: str = ""  # their team's experience (SkillLevel)
    group_size: str = ""  # how many people take part (GroupSize)
    cost: str = ""  # "free" when there is no budget; "" when they can pay

    def answered(self) -> dict[str, str]:
        """The questions answered, in the order of WEIGHTS."""
        return {name: getattr(self, name) for name in WEIGHTS if getattr(self, name)}

    def without(self, name: str) -> NavigatorAnswers:
        return replace(self, **{name: ""})


ANSWER_NAMES = tuple(f.name for f in fields(NavigatorAnswers))


@dataclass(frozen=True)
class Recommendation:
    document: SearchDocument
    score: int
    reason: str  # one line: why it fits ("Good for prototyping, beginner level, free")
    differences: tuple[str, ...] = ()  # for close matches: where it does not fit


@dataclass(frozen=True)
class Relaxation:
    """Dropping the answers `names` (usually one) would give `count` fitting resources."""

    names: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class NavigatorResult:
    answers: NavigatorAnswers
    recommendations: list[Recommendation]  # resources that fit every answer, best first
    total: int  # how many fit every answer
    close_matches: list[Recommendation] = field(default_factory=list)  # miss fewest answers
    relaxations: list[Relaxation] = field(default_factory=list)  # most helpful first


def answer_matches(document: SearchDocument, name: str, value: str) -> bool | None:
    """Whether the resource fits one answer: True, False, or None when the resource does not
    say (no data for that question), which neither scores nor excludes."""
    if name == "stage":
        return (value in document.stages) if document.stages else None
    if name == "purpose":
        return (value in document.purposes) if document.purposes else None
    if name == "group_size":
        return (value in document.group_sizes) if document.group_sizes else None
    if name == "time_needed":
        # fits when it takes no more than the time available
        if document.time_needed not in TIME_ORDER:
            return None
        return TIME_ORDER.index(document.time_needed) <= TIME_ORDER.index(value)
    if name == "skill_level":
        # fits when the least experience it can be used with is no more than the team's
        levels = [
            SKILL_ORDER.index(level) for level in document.skill_levels if level in SKILL_ORDER
        ]
        return min(levels) <= SKILL_ORDER.index(value) if levels else None
    if name == "cost":
        if value != Cost.FREE:
            return True
        return (document.cost == Cost.FREE) if document.cost else None
    raise ValueError(f"unknown navigator question {name!r}")


def navigator_rank(
    resources: Sequence[SearchDocument],
    answers: NavigatorAnswers,
    *,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    limit: int = MAX_RESULTS,
) -> NavigatorResult:
    """Rank `resources` for `answers`, with a one-line reason for each.

    Scoring. Each answered question is checked against the resource (see `answer_matches`):
    a resource *fits* when no answer contradicts it. A match adds the question's weight to its
    score (WEIGHTS: purpose 4, stage 3, skill level, time and group size 2 each, cost 1); a
    question the resource gives no data for adds nothing. Time and skill are "at most": a
    one-hour method fits someone with a week, a beginner method fits an advanced team. Fitting
    resources are ordered by score, then by focus (fewer purposes and stages first: a method
    made for your goal beats a toolkit that lists every goal), then by title.

    When fewer than ENOUGH_RESULTS resources fit, the result also holds *close matches*
    (the resources that contradict the fewest answers, each saying which in `differences`) and
    *relaxations*: for each answered question, how many resources would fit without it, most
    helpful first; when no single answer makes a difference, the smallest set of answers whose
    removal does. So every combination of answers gets something useful or a plain way out;
    only an empty `resources` gives nothing.

    `labels` names stages (`{"stages": {key: name}}`); without it, stage keys are shown.
    """
    answered = answers.answered()
    stage_names = (labels or {}).get("stages", {})
    # one pass to score; reasons are written only for what is shown
    scored = [_score(document, answered) for document in resources]
    fitting = sorted((item for item in scored if not item.missed), key=_order)
    recommendations = [
        Recommendation(item.document, item.score, _reason_of(item, answers, stage_names))
        for item in fitting[:limit]
    ]
    result = NavigatorResult(answers=answers, recommendations=recommendations, total=len(fitting))
    if len(fitting) >= ENOUGH_RESULTS or not scored:
        return result

    misses = [item.missed for item in scored]
    relaxations = _single_relaxations(answered, misses, fitting=len(fitting))
    close = _closest(scored, all_fit=len(fitting) == len(scored))
    close_matches = [
        Recommendation(
            item.document,
            item.score,
            _reason_of(item, answers, stage_names),
            tuple(
                _difference(item.document, name, stage_names)
                for name in WEIGHTS
                if name in item.missed
            ),
        )
        for item in close[:MAX_CLOSE_MATCHES]
    ]
    if not relaxations and close:
        # no single answer helps: drop together the answers the closest match misses
        names = tuple(name for name in WEIGHTS if name in close[0].missed)
        count = sum(1 for missed in misses if missed <= set(names))
        relaxations.append(Relaxation(names, count))
    return replace(result, close_matches=close_matches, relaxations=relaxations)


def _closest(scored: list[_Scored], *, all_fit: bool) -> list[_Scored]:
    """The resources that contradict the fewest answers (at least one), best first."""
    if all_fit:
        return []
    fewest = min(len(item.missed) for item in scored if item.missed)
    return sorted((item for item in scored if len(item.missed) == fewest), key=_order)


@dataclass(frozen=True)
class _Scored:
    score: int
    document: SearchDocument
    matched: list[str]  # the answered questions it fits, in the order of WEIGHTS
    missed: frozenset[str]  # the answered questions it contradicts


def _score(document: SearchDocument, answered: Mapping[str, str]) -> _Scored:
    score = 0
    matched: list[str] = []
    missed: list[str] = []
    for name, value in answered.items():
        fit = answer_matches(document, name, value)
        if fit is True:
            score += WEIGHTS[name]
            matched.append(name)
        elif fit is False:
            missed.append(name)
    return _Scored(score, document, matched, frozenset(missed))


def _single_relaxations(
    answered: Mapping[str, str], misses: list[frozenset[str]], *, fitting: int
) -> list[Relaxation]:
    """For each answer, how many resources would fit without it (when more than `fitting`),
    most helpful first."""
    relaxations = []
    for name in answered:
        # resources whose only contradictions are with this answer
        count = sum(1 for missed in misses if missed <= {name})
        if count > fitting:
            relaxations.append(Relaxation((name,), count))
    relaxations.sort(key=lambda r: (-r.count, list(WEIGHTS).index(r.names[0])))
    return relaxations


def _reason_of(item: _Scored, answers: NavigatorAnswers, stage_names: Mapping[str, str]) -> str:
    return _reason(item.document, answers, item.matched, stage_names)


def _order(item: _Scored) -> tuple:
    document = item.document
    focus = len(document.purposes) + len(document.stages)
    return (-item.score, focus, document.title.casefold(), document.id)


def _reason(
    document: SearchDocument,
    answers: NavigatorAnswers,
    matched: list[str],
    stage_names: Mapping[str, str],
) -> str:
    parts: list[str] = []
    for name in matched:
        value = getattr(answers, name)
        if name == "purpose":
            parts.append(_("good for %(purpose)s") % {"purpose": _purpose_name(value)})
        elif name == "stage":
            parts.append(_("made for %(stage)s") % {"stage": _stage_name(value, stage_names)})
        elif name == "skill_level":
            parts.append(str(SKILL_PHRASES[_easiest(document.skill_levels)]))
        elif name == "time_needed":
            parts.append(str(TIME_PHRASES[document.time_needed]))
        elif name == "group_size":
            parts.append(str(GROUP_PHRASES[value]))
        elif name == "cost" and document.cost == Cost.FREE:
            parts.append(_("free"))
    if not any(name == "purpose" for name in matched) and document.purposes:
        purposes = [_purpose_name(key) for key in document.purposes[:2]]
        parts.insert(0, _("good for %(purpose)s") % {"purpose": _(" and ").join(purposes)})
    if not parts:
        return ""
    return capfirst(", ".join(parts))


def _difference(document: SearchDocument, name: str, stage_names: Mapping[str, str]) -> str:
    if name == "purpose":
        purposes = ", ".join(_purpose_name(key) for key in document.purposes)
        return _("made for %(purposes)s rather than your goal") % {"purposes": purposes}
    if name == "stage":
        stages = ", ".join(_stage_name(key, stage_names) for key in document.stages)
        return _("made for another stage: %(stages)s") % {"stages": stages}
    if name == "skill_level":
        level = str(SKILL_PHRASES[_easiest(document.skill_levels)])
        return _("needs more experience (%(level)s)") % {"level": level}
    if name == "time_needed":
        return _("needs more time: it %(time)s") % {"time": TIME_PHRASES[document.time_needed]}
    if name == "group_size":
        sizes = ", ".join(str(GroupSize(key).label).lower() for key in document.group_sizes)
        return _("made for another group size: %(sizes)s") % {"sizes": sizes}
    return _("not free")


def _easiest(levels: Sequence[str]) -> str:
    return min((level for level in levels if level in SKILL_ORDER), key=SKILL_ORDER.index)


def _purpose_name(key: str) -> str:
    try:
        return str(Purpose(key).label).lower()
    except ValueError:
        return key


def _stage_name(key: str, stage_names: Mapping[str, str]) -> str:
    return str(stage_names.get(key, key)).lower()
