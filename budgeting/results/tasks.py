"""Background tasks of the results room."""

from __future__ import annotations

from django_tasks import task

from budgeting.results.ballot_file import ballot_file_build_now


@task()
def ballot_file_build(process_id: int) -> str:
    """Write the counted process's ballots as a pabulib file and store it (`ballot_file`)."""
    return ballot_file_build_now(process_id)
