"""Processes and proposals in the knowledge index; the demo loader."""

from budgeting.demo import load_processes
from budgeting.factories import ProcessFactory, ProjectFactory
from budgeting.processes.models import Phase, Process
from budgeting.proposals.models import ProjectStatus
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


def test_a_status_change_lists_the_funded_project_under_its_status_in_search(home_page, client):
    from budgeting.factories import UserFactory, process_in_implementation
    from budgeting.implementation import services as implementation_services
    from budgeting.implementation.models import Implementation, ImplementationStatus
    from search.outbox import outbox_drain

    organiser = UserFactory(username="organiser")
    funded = process_in_implementation(organiser=organiser)
    skate = Implementation.objects.get(project__process=funded, project__title="Skate park")

    def drain():
        while outbox_drain(force=True).entries:
            pass

    def found(status: str) -> list[str]:
        response = client.get(
            "/en/search/", {"kind": "pb_project", "implementation_status": status}
        )
        assert response.status_code == 200
        page = response.content.decode()
        return [t for t in ("Skate park", "Trees", "Benches") if f">{t}</a></h3>" in page]

    drain()
    assert found("planned") == ["Skate park", "Trees"]  # the funded projects, not the benches
    implementation_services.implementation_status_set(
        implementation=skate, user=organiser, status=ImplementationStatus.IN_PROGRESS
    )
    drain()
    assert found("in_progress") == ["Skate park"]
    assert found("planned") == ["Trees"]
    page = client.get("/en/search/", {"kind": "pb_project"}).content.decode()
    assert "Implementation status" in page and "In progress" in page  # the facet, named
