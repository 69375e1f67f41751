"""The network's own fixed vocabularies: OPSI's six core skills and what members exchange.

Keys are stable (profiles, URLs and the knowledge index hold them); labels are translated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

# OPSI's six core skills for public sector innovation
SKILLS: dict[str, str] = {
    "iteration": _("Iteration"),
    "data-literacy": _("Data literacy"),
    "user-centricity": _("User centricity"),
    "curiosity": _("Curiosity"),
    "storytelling": _("Storytelling"),
    "insurgency": _("Insurgency"),
}

# What members look for and offer (Kokeilun paikka matches the two)
EXCHANGE: dict[str, str] = {
    "peer-support": _("Peer support"),
    "mentoring": _("Mentoring"),
    "experiment-partners": _("Partners for an experiment"),
    "test-sites": _("Places to test an idea"),
    "data": _("Data and evidence"),
    "methods-training": _("Training in methods"),
    "feedback": _("Feedback on an idea"),
    "funding-advice": _("Advice on funding"),
    "speakers": _("Speakers for events"),
    "case-examples": _("Examples from other countries"),
}


def _labels(vocabulary: dict[str, str]):
    def labels(keys: Iterable[str]) -> dict[str, str]:
        return {key: str(vocabulary[key]) for key in keys if key in vocabulary}

    return labels


skill_labels = _labels(SKILLS)
exchange_labels = _labels(EXCHANGE)
