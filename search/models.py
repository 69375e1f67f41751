"""Tables behind the database search engine and the indexing outbox.

`IndexedDocument` holds one row per `SearchDocument`; its integer primary key doubles as the
rowid of the SQLite FTS5 table (or carries the generated tsvector column on PostgreSQL), both
created by migration 0002 because Django models cannot describe them. `IndexedFacetValue` holds
one row per (document, facet, value) so that facets are filtered and counted in SQL.
`SynonymGroup` holds the phrases that editors make find each other (read by `search.synonyms`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import text_limits
from search.engines.text import words_of

# More words than this make a phrase a sentence: it would rarely match as a whole.
SYNONYM_PHRASE_MAX_WORDS = 4


class IndexedDocument(models.Model):
    """One searchable document, as the database engine stores it."""

    doc_id = models.CharField(_("document id"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    url = models.TextField(_("URL"), blank=True)
    title = models.TextField(_("title"))
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body"), blank=True)
    image = models.TextField(_("image"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True, db_index=True)
    year = models.IntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    # " fi sv ": the reader languages another version of this page stands for it in
    # (SearchDocument.hidden_for), spaced so that one language is matched as a whole word
    # (nullable so that adding it altered the table in place: SQLite's full-text triggers
    # hang on it)
    hidden_for = models.CharField(_("hidden for"), max_length=40, null=True, blank=True)  # noqa: DJ001
    visibility = models.CharField(_("visibility"), max_length=20, db_index=True)
    # The whole document except its body (kept once, in the column above).
    data = models.JSONField(_("document"))
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("indexed document")
        verbose_name_plural = _("indexed documents")

    def __str__(self) -> str:
        return self.doc_id


class IndexedFacetValue(models.Model):
    """One value of one facet of one indexed document (facet name as in search.facets)."""

    document = models.ForeignKey(
        IndexedDocument,
        on_delete=models.CASCADE,
        related_name="facet_values",
        verbose_name=_("document"),
    )
    field = models.CharField(_("facet"), max_length=40)
    value = models.CharField(_("value"), max_length=200)

    class Meta:
        verbose_name = _("indexed facet value")
        verbose_name_plural = _("indexed facet values")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "field", "value"], name="search_facet_value_unique"
            )
        ]
        # Covering: a selection's documents come from the index alone.
        indexes = [
            models.Index(fields=["field", "value", "document"], name="search_facet_value_document")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.field}={self.value}"


class IndexState(models.Model):
    """One row: a token that every write to the database engine's index replaces, in the same
    transaction, so that facet counts cached for an older index are never served, and the
    number of documents the index held after that write."""

    token = models.CharField(_("token"), max_length=32)
    documents = models.PositiveIntegerField(_("documents"), default=0)

    class Meta:
        verbose_name = _("index state")
        verbose_name_plural = _("index states")

    def __str__(self) -> str:
        return self.token


class OutboxEntry(models.Model):
    """A document that changed and must be sent to the search engine.

    Written in the same transaction as the change; deleted only once the engine has taken it.
    """

    document_id = models.CharField(_("document id"), max_length=200, db_index=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # While the engine is down, each failed attempt pushes the next one further back.
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    retry_after = models.DateTimeField(_("retry after"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("search outbox entry")
        verbose_name_plural = _("search outbox entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.document_id


class SynonymGroup(models.Model):
    """Phrases that find each other at search time, in any of the site's languages.

    Editors keep the groups as a snippet (*Settings > Search synonyms*); `search.synonyms` reads
    them for the engines. A phrase is one line of `terms`, read word by word as the index reads
    text (`words_of`): "Slip-up" is the phrase ("slip", "up").
    """

    terms = text_limits.PlainTextField(
        _("phrases"),
        max_length=text_limits.SYNONYMS,
        help_text=_(
            "One phrase per line: a word or a few words (at most four), in Finnish, Swedish or "
            "English. Write each as people search for it, in its basic form."
        ),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("For editors only: what the group is for. Not shown on the site."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = [Lower("terms"), "pk"]  # as editors read: "AI" among the a's

    def __str__(self) -> str:
        return " ↔ ".join(self.phrase_lines())

    def clean(self) -> None:
        super().clean()
        errors = synonym_phrase_errors(self.phrase_lines())
        if errors:
            raise ValidationError({"terms": errors})
        self.terms = "\n".join(self.phrase_lines())  # without blank lines and stray spaces

    def phrase_lines(self) -> list[str]:
        """The phrases as the editor wrote them, one per non-blank line."""
        return [line.strip() for line in (self.terms or "").splitlines() if line.strip()]

    def phrases(self) -> tuple[tuple[str, ...], ...]:
        """The group's distinct phrases in the order written, each a tuple of lower-cased words
        as `words_of` reads them (lines without a word left out)."""
        return tuple(
            dict.fromkeys(words for line in self.phrase_lines() if (words := tuple(words_of(line))))
        )


def synonym_phrase_errors(lines: list[str]) -> list[ValidationError]:
    """What is wrong with a group of phrases (one per line), in messages an editor can act on:
    fewer than two distinct phrases, a line without a word, a phrase of more than
    SYNONYM_PHRASE_MAX_WORDS words, or one phrase written twice (as search reads them)."""
    errors: list[ValidationError] = []
    seen: dict[tuple[str, ...], str] = {}
    for line in lines:
        words = tuple(words_of(line))
        if not words:
            errors.append(
                ValidationError(
                    _("“%(phrase)s” has no letters or digits: write a word, or remove the line."),
                    code="no_words",
                    params={"phrase": line},
                )
            )
        elif len(words) > SYNONYM_PHRASE_MAX_WORDS:
            errors.append(
                ValidationError(
                    _("“%(phrase)s” is too long: a phrase has at most %(max)d words."),
                    code="too_many_words",
                    params={"phrase": line, "max": SYNONYM_PHRASE_MAX_WORDS},
                )
            )
        elif words in seen:
            first = seen[words]
            if first == line:
                message = _("“%(phrase)s” is in the group twice: keep one.")
            else:
                message = _("“%(first)s” and “%(phrase)s” are the same phrase to search: keep one.")
            errors.append(
                ValidationError(message, code="duplicate", params={"phrase": line, "first": first})
            )
        else:
            seen[words] = line
    if len({words for line in lines if (words := tuple(words_of(line)))}) < 2:
        errors.append(
            ValidationError(
                _(
                    "Write at least two different phrases, one per line: a group joins phrases "
                    "that mean the same."
                ),
                code="too_few",
            )
        )
    return errors
