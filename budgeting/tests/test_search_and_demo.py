"""Processes and proposals in the knowledge index; the demo loader."""

from budgeting.demo import load_processes
from budgeting.factories import ProcessFactory, ProjectFactory
from budgeting.models import Phase, Process, ProjectStatus
from budgeting.search import process_to_document, project_to_document


def test_processes_and_proposals_become_documents(db):
    process = ProcessFactory(phase=Phase.VOTING, country="fi")
    project = ProjectFactory(process=process, description="<p>Shade <b>trees</b></p>")
    doc = process_to_document(process)
    assert (doc.id, doc.kind, doc.countries) == (f"pb_process:{process.pk}", "pb_process", ("fi",))
    project_doc = project_to_document(project)
    assert project_doc.summary == "Shade trees" and project_doc.related == (doc.id,)


def test_drafts_and_rejected_proposals_stay_out_of_the_index(db):
    draft = ProcessFactory(phase=Phase.DRAFT)
    assert process_to_document(draft) is None
    rejected = ProjectFactory(process=ProcessFactory(), status=ProjectStatus.INFEASIBLE)
    assert project_to_document(rejected) is None


def test_demo_loads_three_labelled_processes_once(db):
    assert load_processes(None) == 3
    assert load_processes(None) == 0
    results = Process.objects.get(slug="demo-town-2025")
    # the demo carries its results process on into evaluation (implementations, bonus ledger)
    assert "(demo)" in results.title and results.phase == Phase.EVALUATION
    group = results.results["groups"][0]
    # the demo's ballots make the rules disagree, so the comparison is worth reading
    assert any(other["selected"] != group["selected"] for other in group["comparison"])
    assert Process.objects.get(slug="demo-town-youth-2026").phase == Phase.VOTING
