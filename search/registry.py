"""Where content apps tell the knowledge index what they hold.

`search/` never imports a content app: each app registers its kinds from `AppConfig.ready()`:

    from search.registry import register_kind
    register_kind(
        "case",
        model=CasePage,
        label=_("Case study"),
        label_plural=_("Case studies"),
        to_document=case_to_document,   # obj -> SearchDocument, or None when not searchable
        queryset=lambda: CasePage.objects.live().public(),  # everything a rebuild indexes
    )

Registering a model connects its save and delete signals to the outbox (search/outbox.py), so
every change is queued in the same transaction as the change itself.

Label providers turn facet values (vocabulary keys) into names people read:

    register_labels("countries", country_names)  # keys -> {key: name}, in one query

Who may find members-only documents is the network's rule, registered the same way:

    register_members_reader(is_active_member)  # user -> bool

Why a hook here rather than a neutral module that both apps import: the rule reads the
network's data (membership status, editor role), so a neutral module would have to import
the network app itself or hold a hook anyway; this registry is already the one seam through
which content apps tell search what it needs, and a site without the network registers no
reader, so members-only documents then stay hidden from everyone (it fails closed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from search.documents import SearchDocument

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

LabelProvider = Callable[[Iterable[str]], dict[str, str]]


@dataclass(frozen=True)
class KindRegistration:
    kind: str
    model: type[models.Model]
    label: str
    label_plural: str
    to_document: Callable[[models.Model], SearchDocument | None]
    queryset: Callable[[], models.QuerySet]

    def doc_id(self, pk: object) -> str:
        return f"{self.kind}:{pk}"


_kinds: dict[str, KindRegistration] = {}
_labels: dict[str, LabelProvider] = {}
_members_reader: list[Callable[[object], bool]] = []


def register_kind(
    kind: str,
    *,
    model: type[models.Model],
    label: str,
    label_plural: str,
    to_document: Callable[[models.Model], SearchDocument | None],
    queryset: Callable[[], models.QuerySet],
) -> KindRegistration:
    """Register a kind of content with the index and connect its signals to the outbox."""
    from search import outbox  # the outbox needs the registry; import late to avoid a cycle

    registration = KindRegistration(kind, model, label, label_plural, to_document, queryset)
    _kinds[kind] = registration
    outbox.connect_signals(registration)
    return registration


def unregister_kind(kind: str) -> None:
    """Forget a kind (tests, or an app switched off); its outbox receivers then ignore it."""
    _kinds.pop(kind, None)


def register_labels(vocabulary: str, provider: LabelProvider) -> None:
    """Register the function that names the values of a vocabulary (see search.facets)."""
    _labels[vocabulary] = provider


def register_members_reader(rule: Callable[[object], bool]) -> None:
    """Register THE rule for "may this user read members-only content" (one per site; a new
    registration replaces the old)."""
    _members_reader[:] = [rule]


def reads_members_only(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """May `user` find members-only documents? The registered rule says; without one, no."""
    return bool(_members_reader) and bool(_members_reader[0](user))


def kinds() -> dict[str, KindRegistration]:
    return dict(_kinds)


def kind_for_model(model: type[models.Model]) -> KindRegistration | None:
    for registration in _kinds.values():
        if issubclass(model, registration.model):
            return registration
    return None


def labels_for(vocabulary: str | None, values: Iterable[str]) -> dict[str, str]:
    """Display names for facet values; values without a provider or a name keep their key."""
    values = list(values)
    if vocabulary == "kinds":
        return {value: str(_kinds[value].label_plural) for value in values if value in _kinds}
    provider = _labels.get(vocabulary or "")
    return provider(values) if provider and values else {}
