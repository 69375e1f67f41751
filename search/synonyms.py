"""Synonyms across the site's languages: phrases that find each other at search time.

Editors keep the groups as `SynonymGroup` snippets (*Settings > Search synonyms*): one phrase per
line, in Finnish, Swedish or English ("kokeilu", "experiment", "försök"). The engines read them
through `synonym_groups()`, each phrase as the words the index holds (`words_of`), and expand a
query's words with the other phrases of their group.

Every search reads the groups, so they are kept in Django's cache (shared by the app server
processes in production, `portal.E001`) under a key that carries the shape's version: change what
`synonym_groups()` returns and the version, and no process reads the old shape. Saving or
deleting a group (in the admin, a bulk delete or the shell) clears the key at once, so the
editor's own next search sees the change, and again when the transaction commits, so that a search
that read the old rows meanwhile does not keep them. The timeout only bounds how long a change
made around the model (raw SQL, a restored backup) takes to show.

A new site starts with the groups of `synonyms_seed.txt` (migration 0009, see `seed_groups`);
after that the editors' groups are the only truth and the file is not read again.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

from search.engines.text import words_of
from search.models import SynonymGroup

SYNONYMS_CACHE_KEY = "search:synonyms:v1"
SYNONYMS_CACHE_SECONDS = 24 * 3600
SEED_FILE = Path(__file__).with_name("synonyms_seed.txt")
SEED_LANGUAGES = ("en", "fi", "sv")

Phrase = tuple[str, ...]


def synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Every group the editors keep: a tuple of phrases, each phrase a tuple of lower-cased words
    as `words_of` reads them."""
    groups = cache.get(SYNONYMS_CACHE_KEY)
    if groups is None:
        groups = _groups_from_database()
        cache.set(SYNONYMS_CACHE_KEY, groups, timeout=SYNONYMS_CACHE_SECONDS)
    return groups


def _groups_from_database() -> tuple[tuple[Phrase, ...], ...]:
    groups = (group.phrases() for group in SynonymGroup.objects.only("terms").order_by("pk"))
    # a row written around the form's checks may hold fewer than two phrases: it joins nothing
    return tuple(phrases for phrases in groups if len(phrases) >= 2)


def synonyms_changed(**kwargs) -> None:
    """Forget the cached groups: now, and once the transaction that changed them commits.

    Connected to the saves and deletes of `SynonymGroup` (`SearchConfig.ready`)."""
    cache.delete(SYNONYMS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SYNONYMS_CACHE_KEY))


# -- the seed


@dataclass(frozen=True)
class SeedGroup:
    """One line of the seed file: the phrases of each language, as written."""

    line: int
    phrases: dict[str, tuple[str, ...]]  # language -> phrases

    def terms(self) -> str:
        """The group as an editor would write it: one phrase per line, each phrase once (a
        phrase two languages share is written once), the languages taking turns (each one's
        first phrase, then each one's second...): a search that adds only the first few other
        phrases of a large group still adds every language's main one."""
        written: dict[Phrase, str] = {}
        for phrases in zip_longest(*self.phrases.values()):
            for phrase in phrases:
                if phrase is not None:
                    written.setdefault(tuple(words_of(phrase)), phrase)
        return "\n".join(written.values())


def seed_groups(path: Path = SEED_FILE) -> list[SeedGroup]:
    """The groups of the seed file: one a line, "en: a, b | fi: c | sv: d"; lines starting with
    "#" and blank lines are left out. A line that does not read so raises ValueError."""
    groups = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        phrases: dict[str, tuple[str, ...]] = {}
        for part in text.split("|"):
            language, colon, listed = part.partition(":")
            language = language.strip()
            if not colon or language not in SEED_LANGUAGES or language in phrases:
                raise ValueError(f"{path.name}:{number}: {part.strip()!r} is not 'en: a, b'")
            phrases[language] = tuple(p.strip() for p in listed.split(",") if p.strip())
        groups.append(SeedGroup(line=number, phrases=phrases))
    return groups
