"""A process and its projects in Finnish, Swedish and English: what readers of each language see.

A text shown in its reader's language carries no `lang`; the original shown where there is no
translation carries its own `lang` and the note "Written in …" in the reader's language.
"""

import re
from html.parser import HTMLParser

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

import pytest

from budgeting.demo import load_processes
from budgeting.factories import ProcessFactory, ProjectFactory, UserFactory
from budgeting.processes.models import Phase, Process, ProcessTranslation
from budgeting.proposals import services as proposals_services
from budgeting.proposals.models import Comment, Project, ProjectTranslation
from budgeting.search import process_to_document, project_to_document


def note(language: str, text_language: str) -> str:
    """The "Written in …" note as a reader of `language` sees it."""
    name = {"fi": "Finnish", "sv": "Swedish", "en": "English"}[text_language]
    with translation.override(language):
        return translation.gettext(f"Written in {name}")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def riverside(process):
    """`process` written in English, with a Finnish translation and no Swedish one."""
    Process.objects.filter(pk=process.pk).update(
        title="Riverside budget", summary="Residents choose.", written_in="en"
    )
    ProcessTranslation.objects.create(
        process=process,
        language="fi",
        title="Jokivarren budjetti",
        summary="Asukkaat päättävät.",
        description="Kaupunki varaa rahaa asukkaiden ehdotuksille.",
    )
    process.refresh_from_db()
    return process


def test_the_demo_process_reads_in_finnish_with_its_projects(db, client):
    load_processes(None)
    load_processes(None)  # `make run` loads the demo again: nothing is added twice
    process = Process.objects.get(slug="demo-town-2025")
    assert process.written_in == "en"
    assert set(process.translations.values_list("language", flat=True)) == {"fi", "sv"}
    assert ProjectTranslation.objects.filter(project__process=process).count() == 14
    # a database loaded before the demo had translations gets them on the next load
    ProcessTranslation.objects.all().delete()
    ProjectTranslation.objects.all().delete()
    Process.objects.update(written_in="")
    Project.objects.update(written_in="")
    assert load_processes(None) == 0
    assert ProcessTranslation.objects.count() == 6 and ProjectTranslation.objects.count() == 28
    assert not Project.objects.filter(written_in="").exists()

    finnish = page(client, "/fi/pb/demo-town-2025/")
    assert "Kokeilun esimerkkikaupunki: osallistuva budjetti 2025 (esimerkki)</h1>" in finnish
    assert "Valaistu hiihtolatu" in finnish and "Lit ski track" not in finnish  # the results
    assert "Kirjasto auki sunnuntaisin" in finnish
    assert note("fi", "en") not in finnish  # everything here has its Finnish version

    youth = page(client, "/sv/pb/demo-town-youth-2026/")
    assert "Skateramp" in youth and "Skate ramp" not in youth  # the projects on the ballot
    green = page(client, "/fi/pb/demo-town-green-2026/")
    assert "Kukkaniittyjä nurmikoiden tilalle</a>" in green  # the proposal cards
    assert "Osa nurmikoista muutetaan niityiksi." in green
    english = page(client, "/en/pb/demo-town-2025/")
    assert "Lit ski track" in english and "Valaistu hiihtolatu" not in english


def test_a_process_without_a_swedish_translation_shows_its_original_to_swedish_readers(
    client, riverside
):
    swedish = page(client, f"/sv/pb/{riverside.slug}/")
    assert '<h1 lang="en">Riverside budget</h1>' in swedish
    assert '<p class="lede" lang="en">Residents choose.</p>' in swedish
    assert note("sv", "en") in swedish

    finnish = page(client, f"/fi/pb/{riverside.slug}/")
    assert "<h1>Jokivarren budjetti</h1>" in finnish and "Riverside budget" not in finnish
    assert "Kaupunki varaa rahaa asukkaiden ehdotuksille." in finnish
    assert note("fi", "en") not in finnish

    listing = page(client, "/sv/pb/")
    assert 'lang="en">Riverside budget</a>' in listing and note("sv", "en") in listing
    assert "Jokivarren budjetti</a>" in page(client, "/fi/pb/")


def test_a_translation_leaving_a_text_empty_shows_that_text_in_the_original(client, riverside):
    riverside.translations.update(summary="")
    finnish = page(client, f"/fi/pb/{riverside.slug}/")
    assert "<h1>Jokivarren budjetti</h1>" in finnish
    assert '<p class="lede" lang="en">Residents choose.</p>' in finnish
    assert note("fi", "en") in finnish


def test_a_proposal_written_in_swedish_keeps_its_language_when_read_in_finnish(
    client, process, citizen
):
    client.force_login(citizen)
    form = page(client, f"/sv/pb/{process.slug}/propose/")
    assert re.search(r'<option value="sv"[^>]*selected', form)  # the language used on the site
    response = client.post(
        f"/sv/pb/{process.slug}/propose/",
        {
            "title": "Bänkar vid ån",
            "description": "Tolv bänkar längs stigen.",
            "estimated_cost": "9000",
            "written_in": "sv",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Bänkar vid ån")
    assert project.written_in == "sv"

    finnish = page(client, f"/fi/pb/{process.slug}/projects/{project.pk}/")
    assert '<h1 lang="sv">Bänkar vid ån</h1>' in finnish and note("fi", "sv") in finnish
    assert '<div class="prose" lang="sv">' in finnish
    card = page(client, f"/fi/pb/{process.slug}/")
    assert 'lang="sv">Bänkar vid ån</a>' in card
    swedish = page(client, f"/sv/pb/{process.slug}/projects/{project.pk}/")
    assert "<h1>Bänkar vid ån</h1>" in swedish and note("sv", "sv") not in swedish


def test_a_comment_keeps_the_language_it_was_written_in(client, process, citizen):
    project = ProjectFactory(process=process)
    client.force_login(citizen)
    url = f"/sv/pb/{process.slug}/projects/{project.pk}/comment/"
    assert client.post(url, {"body": "Bra idé!"}).status_code == 302
    comment = Comment.objects.get(project=project)
    assert comment.written_in == "sv"
    finnish = page(client, f"/fi/pb/{process.slug}/projects/{project.pk}/")
    assert '<div class="pb-comment__body" lang="sv">Bra idé!</div>' in finnish
    assert note("fi", "sv") in finnish
    swedish = page(client, f"/sv/pb/{process.slug}/projects/{project.pk}/")
    assert '<div class="pb-comment__body">Bra idé!</div>' in swedish


def test_an_organiser_translates_a_project_and_readers_see_it(client, process, organiser):
    project = ProjectFactory(process=process, title="Shade trees", written_in="en")
    client.force_login(organiser)
    manage = page(client, f"/en/pb/{process.slug}/manage/")
    assert f'action="/en/pb/{process.slug}/manage/translation/{project.pk}/"' in manage
    url = reverse("budgeting:manage_translation", kwargs={"slug": process.slug, "pk": project.pk})
    response = client.post(
        url,
        {
            f"translation-{project.pk}-language": "fi",
            f"translation-{project.pk}-title": "Varjopuita",
            f"translation-{project.pk}-description": "<p>Puita <script>x()</script>polulle.</p>",
        },
    )
    assert response.status_code == 302
    row = ProjectTranslation.objects.get(project=project, language="fi")
    assert row.description == "<p>Puita polulle.</p>"  # sanitised as a proposal is
    client.logout()
    finnish = page(client, f"/fi/pb/{process.slug}/projects/{project.pk}/")
    assert "<h1>Varjopuita</h1>" in finnish and "<p>Puita polulle.</p>" in finnish
    assert "Varjopuita</a>" in page(client, f"/fi/pb/{process.slug}/")

    # not in the language the proposal is written in
    client.force_login(organiser)
    response = client.post(
        url,
        {f"translation-{project.pk}-language": "en", f"translation-{project.pk}-title": "Shade"},
    )
    assert response.status_code == 400
    assert not ProjectTranslation.objects.filter(project=project, language="en").exists()


def test_an_organiser_of_another_process_cannot_translate_its_projects(client, process):
    project = ProjectFactory(process=process, title="Shade trees", written_in="en")
    other = ProcessFactory(phase=Phase.PROPOSALS)
    stranger = UserFactory(username="other-organiser")
    other.organisers.add(stranger)
    client.force_login(stranger)
    url = reverse("budgeting:manage_translation", kwargs={"slug": process.slug, "pk": project.pk})
    response = client.post(
        url,
        {
            f"translation-{project.pk}-language": "fi",
            f"translation-{project.pk}-title": "Varjopuita",
        },
    )
    assert response.status_code == 403
    # nor through the other process's address
    url = reverse("budgeting:manage_translation", kwargs={"slug": other.slug, "pk": project.pk})
    assert client.post(url, {f"translation-{project.pk}-title": "x"}).status_code == 404
    # the service checks too, whoever calls it
    with pytest.raises(PermissionDenied):
        proposals_services.project_translation_save(
            project=project, user=stranger, language="fi", title="Varjopuita", description=""
        )
    assert not ProjectTranslation.objects.exists()


def test_listings_read_translations_in_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            process = ProcessFactory(phase=Phase.PROPOSALS, written_in="en")
            ProcessTranslation.objects.create(process=process, language="fi", title="Budjetti")

    add(2)
    client.get("/fi/pb/")  # the site's settings rows are created on the first request
    with django_assert_max_num_queries(9):
        client.get("/fi/pb/")
    add(10)
    with django_assert_max_num_queries(9):
        listing = page(client, "/fi/pb/")
    assert listing.count("Budjetti</a>") == 12

    process = Process.objects.first()
    for number in range(8):
        project = ProjectFactory(process=process, written_in="en")
        ProjectTranslation.objects.create(project=project, language="fi", title=f"Hanke {number}")
    client.get(f"/fi/pb/{process.slug}/")
    with django_assert_max_num_queries(10):
        detail = page(client, f"/fi/pb/{process.slug}/")
    assert detail.count('class="card__title"><a') == 8 and "Hanke 7</a>" in detail


def test_search_documents_carry_the_language_and_the_translations(riverside):
    project = ProjectFactory(
        process=riverside, title="Shade trees", written_in="en", status="feasible"
    )
    ProjectTranslation.objects.create(
        project=project, language="sv", title="Skuggträd", description="<p>Träd vid ån</p>"
    )
    Process.objects.filter(pk=riverside.pk).update(phase=Phase.VOTING)
    doc = process_to_document(Process.objects.get(pk=riverside.pk))
    assert doc.language == "en" and doc.title == "Riverside budget"
    assert "Jokivarren budjetti" in doc.body and "asukkaiden ehdotuksille" in doc.body
    project_doc = project_to_document(Project.objects.get(pk=project.pk))
    assert project_doc.language == "en"
    assert "Skuggträd" in project_doc.body and "Träd vid ån" in project_doc.body
    unsaid = ProjectFactory(process=riverside, status="feasible")
    assert project_to_document(unsaid).language == "en"  # the site's default


def test_a_finnish_query_finds_a_process_by_its_translation(home_page, client, riverside):
    from search.outbox import outbox_drain

    Process.objects.filter(pk=riverside.pk).update(phase=Phase.VOTING)
    riverside.save()  # queued for the index, with its translations
    while outbox_drain(force=True).entries:
        pass
    found = page(client, "/fi/search/?q=Jokivarren")
    assert "Riverside budget" in found  # the document's title: the original
    assert "Riverside budget" not in page(client, "/fi/search/?q=Zzyzx")


class _FormValues(HTMLParser):
    """The values a browser would send for the admin's edit form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.setdefault(self._select, []).append(attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def test_organisers_give_the_process_in_other_languages_where_they_edit_it(client, riverside):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    url = reverse("wagtailsnippets_budgeting_process:edit", args=[riverside.pk])
    form = page(client, url)
    assert "The process in other languages" in form and "Jokivarren budjetti" in form
    parser = _FormValues()
    parser.feed(form)
    data = {
        name: values if len(values) > 1 else values[0] for name, values in parser.values.items()
    }
    data = {name: value for name, value in data.items() if not name.startswith("__")}
    data.update(
        {
            "translations-TOTAL_FORMS": "2",
            "translations-1-language": "sv",
            "translations-1-title": "Budget vid ån",
            "translations-1-summary": "",
            "translations-1-description": "",
            "translations-1-ORDER": "2",
            "translations-1-DELETE": "",
            "translations-1-id": "",
        }
    )
    # a second Finnish translation is refused
    refused = client.post(url, {**data, "translations-1-language": "fi"})
    assert refused.status_code == 200
    assert "Please correct the duplicate data for process and language" in (
        refused.content.decode()
    )
    # as is one in the language the process is written in
    refused = client.post(url, {**data, "translations-1-language": "en"})
    assert "The process is written in this language" in refused.content.decode()
    assert riverside.translations.count() == 1

    assert client.post(url, data).status_code == 302
    assert riverside.translations.get(language="sv").title == "Budget vid ån"
    swedish = page(client, f"/sv/pb/{riverside.slug}/")
    assert "<h1>Budget vid ån</h1>" in swedish
