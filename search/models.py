"""Tables behind the database search engine and the indexing outbox.

`IndexedDocument` holds one row per `SearchDocument`; its integer primary key doubles as the
rowid of the SQLite FTS5 table (or carries the generated tsvector column on PostgreSQL), both
created by migration 0002 because Django models cannot describe them. `IndexedFacetValue` holds
one row per (document, facet, value) so that facets are filtered and counted in SQL.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
