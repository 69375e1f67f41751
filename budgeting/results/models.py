"""Results: the ballot file that the task worker builds for a counted process."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from budgeting.processes.models import Process


class BallotFile(models.Model):
    """A counted process's pabulib file (every ballot), built by the worker once per version of
    what it is built from (`budgeting.results.ballot_file`). The `.pb` download and the open-data
    zip serve it instead of writing 30,000 ballots inside a request.

    Kept in the database, gzip-compressed, so that web and worker processes on different hosts
    share it without a shared disk, and nothing about the process lies at a public media URL."""

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, related_name="ballot_file", verbose_name=_("process")
    )
    version = models.CharField(_("version"), max_length=64, blank=True)
    content = models.BinaryField(_("content (gzip)"), default=b"")
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # the version a request last asked the worker to build, and when (one task per version)
    requested_version = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ballot file")
        verbose_name_plural = _("ballot files")

    def __str__(self) -> str:
        return f"{self.process} ({self.version[:12] or 'not built'})"
