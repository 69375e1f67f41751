"""Demo content: the stories page, the demo workshops, the UNDP Accelerator Labs experimenter
stories (imported from demo_data/, see SOURCE.md) and four invented stories by the demo
ambassador `ambassador-fi` (network.demo), among them an anonymised slip-up.

`load_stories` is called by `portal.demo.demo_load`. Idempotent: imported stories are matched
by their source id, the ambassador's stories by title under the stories page. Links to content
that other loaders create later (the demo participatory budget, the past workshop) are added
on the run where that content first exists.

The stories page, the workshops and the ambassador's stories are also published in each language
the home page has a translation in (Finnish and Swedish in the demo), as wagtail-localize
translations written from the catalogues; a translation links the translations of the pages
its original links, where they exist. Imported stories stay in their source language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.models import Locale, Page

from network.models import Member
from portal.demo import DemoReport, demo_translations_ensure
from portal.languages import site_languages
from portal.models import Country, Method, Theme
from stories.importing import stories_import
from stories.models import StoryCase, StoryIndexPage, StoryPage, StoryTool
from stories.services.stories import story_draft_create
from stories.vocabularies import Disclosure, RootCause, StoryKind
from stories.workshops.demo import PAST_SLUG, workshops_ensure, workshops_translations_ensure
from stories.workshops.models import WorkshopPage

AMBASSADOR_USERNAME = "ambassador-fi"
DEMO_PROCESS_SLUG = "demo-town-2025"
# The demo case and toolkit resource the named success story links, best first.
DEMO_CASE_SOURCE_IDS = ("participedia:1445", "participedia-2016:1515")
DEMO_RESOURCE_SLUGS = ("co-design", "prototyping", "journey-mapping")


def load_stories(home: Page, *, limit: int | None = None, stdout: TextIO | None = None) -> int:
    """Create the stories page under `home` with its workshops, import the UNDP experimenter
    stories missing from it (at most `limit` records read) and the ambassador's demo stories,
    and publish the stories page, the workshops and the demo stories in the languages `home`
    is translated into.

    Idempotent. Returns how many stories were created (in their original language).
    """
    languages = _home_languages(home)
    translations = DemoReport()
    with transaction.atomic():
        index = story_index_ensure(home)
        demo_translations_ensure(translations, index, story_index_content, languages=languages)
        workshops = workshops_ensure(index, stdout=stdout)
        workshops_translations_ensure(translations, workshops, languages=languages)
        report = stories_import(index=index, limit=limit)
        demo_created = demo_stories_ensure(
            index, stdout=stdout, languages=languages, report=translations
        )
    if stdout is not None:
        for line in translations.created:
            stdout.write(line + "\n")
        stdout.write(
            _("Stories: %(created)d imported, %(demo)d demo stories created.\n")
            % {"created": report.created, "demo": demo_created}
        )
        for line in list(report.lines())[1:]:
            stdout.write(line + "\n")
    return report.created + demo_created


def story_index_ensure(home: Page) -> StoryIndexPage:
    """The stories page under `home`, created (and published) when missing."""
    index = StoryIndexPage.objects.descendant_of(home).first()
    if index is None:
        index = StoryIndexPage(slug="stories", **story_index_content())
        home.add_child(instance=index)
        index.save_revision(log_action=False).publish(log_action=False)
    return index


def story_index_content() -> dict:
    """The stories page's texts, in the active language."""
    return {
        "title": _("Stories"),
        "intro": _(
            "Courage to Experiment: public servants tell what they tried, what happened and "
            "what they learned. Successes, slip-ups and unfinished experiments are all "
            "welcome here: a slip-up told with its reasons saves the next team from it. "
            "Stories are written by the network's ambassadors and members, often in our "
            "story workshops, and the author chooses whether their name is shown."
        ),
    }


def _home_languages(home: Page) -> list[str]:
    """The other languages `home` is published in: the stories area follows it there (a
    translation needs its parent's translation to live under)."""
    published = set(home.get_translations().live().values_list("locale__language_code", flat=True))
    return [language for language in site_languages() if language in published]


def demo_stories_ensure(
    index: StoryIndexPage,
    *,
    stdout: TextIO | None = None,
    languages: Sequence[str] = (),
    report: DemoReport | None = None,
) -> int:
    """The demo ambassador's stories, published, and their translations in `languages`;
    returns how many stories were created (translations not counted). Without the
    ambassador's account (network.demo not loaded) there is nothing to create."""
    member = (
        Member.objects.select_related("user").filter(user__username=AMBASSADOR_USERNAME).first()
    )
    if member is None:
        if stdout is not None:
            stdout.write(
                _("No %(username)s member: the demo stories were skipped.\n")
                % {"username": AMBASSADOR_USERNAME}
            )
        return 0
    links = _demo_links(index)
    created = 0
    for number, spec in enumerate(demo_story_specs()):
        wanted = spec.get("links", ())
        story = StoryPage.objects.child_of(index).filter(title=spec["title"]).first()
        if story is None:
            story = _story_create(index, member, spec, links)
            created += 1
        else:
            story = story.specific
            _late_links_add(story, member, wanted, links)
        if not languages:
            continue
        demo_translations_ensure(
            report if report is not None else DemoReport(),
            story,
            lambda number=number, story=story: _story_translation_content(story, number),
            user=member.user,
            languages=languages,
        )
        for translated in story.get_translations().specific():
            _late_links_add(translated, member, wanted, _links_in_locale(links, translated.locale))
    return created


def _story_translation_content(story: StoryPage, number: int) -> dict:
    """The fields of the demo story `story` (the `number`th spec) in the active language: its
    texts from the catalogues, and its links to pages as their translations in that language
    where they exist."""
    spec = demo_story_specs()[number]
    locale = Locale.get_active()
    return {
        "title": spec["title"],
        "summary": spec["summary"],
        "municipality": spec["municipality"],
        **spec["narrative"],
        "workshop": _in_locale(story.workshop, locale) if story.workshop_id else None,
        "case_links": [
            StoryCase(case=_in_locale(link.case, locale), sort_order=link.sort_order)
            for link in story.case_links.all()
        ],
        "tool_links": [
            StoryTool(tool=_in_locale(link.tool, locale), sort_order=link.sort_order)
            for link in story.tool_links.all()
        ],
    }


def _in_locale(page: Page, locale: Locale) -> Page:
    """`page`'s live translation in `locale`, else `page` itself (imported cases, say)."""
    translated = page.get_translation_or_none(locale)
    return translated if translated is not None and translated.live else page


def _links_in_locale(links: dict, locale: Locale) -> dict:
    workshop = links["workshop"]
    return {**links, "workshop": _in_locale(workshop, locale) if workshop else None}


def _story_create(index: StoryIndexPage, member: Member, spec: dict, links: dict) -> StoryPage:
    wanted = spec.pop("links", ())
    theme_keys, method_keys = spec.pop("themes", ()), spec.pop("methods", ())
    story = story_draft_create(
        index=index,
        author=member,
        disclosure_consent=True,
        country=Country.objects.filter(key="fi").first(),
        themes=list(Theme.objects.filter(key__in=theme_keys)),
        methods=list(Method.objects.filter(key__in=method_keys)),
        cases=[links["case"]] if "case" in wanted and links["case"] else [],
        tools=[links["tool"]] if "tool" in wanted and links["tool"] else [],
        processes=[links["process"]] if "process" in wanted and links["process"] else [],
        workshop=links["workshop"] if "workshop" in wanted else None,
        **spec,
    )
    story.get_latest_revision().publish(user=member.user, log_action=False)
    return story


def _late_links_add(story: StoryPage, member: Member, wanted, links: dict) -> None:
    """Link content created after the story (the budget process, the past workshop)."""
    changed = False
    process = links["process"]
    if "process" in wanted and process and not story.processes.filter(pk=process.pk).exists():
        story.processes = [*story.processes.all(), process]
        changed = True
    if "workshop" in wanted and links["workshop"] and story.workshop_id is None:
        story.workshop = links["workshop"]
        changed = True
    if changed:
        story.save_revision(user=member.user, log_action=False).publish(
            user=member.user, log_action=False
        )


def _demo_links(index: StoryIndexPage) -> dict:
    """What the demo stories under `index` link to, where the other demo loaders have made
    it."""
    from budgeting.models import Process
    from cases.models import CasePage
    from toolkit.models import ResourcePage

    case = None
    for source_id in DEMO_CASE_SOURCE_IDS:
        case = CasePage.objects.live().filter(source_id=source_id).first()
        if case:
            break
    case = case or CasePage.objects.live().filter(countries__key="fi").first()
    tool = None
    for slug in DEMO_RESOURCE_SLUGS:
        tool = ResourcePage.objects.live().filter(slug=slug).first()
        if tool:
            break
    return {
        "case": case,
        "tool": tool,
        "process": Process.objects.filter(slug=DEMO_PROCESS_SLUG).first(),
        # the workshop in the stories' own language (its translations share its slug)
        "workshop": WorkshopPage.objects.descendant_of(index).filter(slug=PAST_SLUG).first(),
    }


def demo_story_specs() -> list[dict]:
    """The ambassador's stories: invented, set in Finnish public services. `links` names what
    each links to when it exists (case, tool, process, workshop)."""
    return [
        {
            "title": _("The home-care booking chatbot nobody used"),
            "kind": StoryKind.SLIP_UP,
            "disclosure": Disclosure.PUBLIC_ANONYMOUS,
            "root_causes": [RootCause.ASSUMPTION, RootCause.PROCUREMENT, RootCause.STAKEHOLDERS],
            "summary": _(
                "A mid-sized Finnish municipality put a chatbot in front of home-care service "
                "requests to shorten phone queues. In six months 31 requests came through it; "
                "the phone line took over 2,400. We had designed for relatives who book online, "
                "and bought a fixed-scope service we could not change."
            ),
            "municipality": _("A mid-sized municipality in Finland"),
            "started_on": date(2024, 9, 2),
            "ended_on": date(2025, 3, 31),
            "budget": Decimal("48000.00"),
            "themes": ["health", "information-society-and-digitalisation"],
            "methods": ["digital-platforms", "innovation-procurement"],
            "links": ("workshop",),
            "narrative": {
                "what_we_tried": _(
                    "<p>Home-care requests were phoned in to a service line that was open four "
                    "hours a day, and callers waited 25 minutes on average. We put a chatbot on "
                    "the municipality's website that asked the same questions as the service "
                    "counsellor and created a request in the client system.</p>"
                    "<p>The chatbot was bought as a service for one year, with the "
                    "conversation script fixed in the contract.</p>"
                ),
                "what_happened": _(
                    "<p>In six months 31 requests came through the chatbot and more than 2,400 "
                    "by phone. Most people who needed home care were over 80 and called "
                    "themselves; the relatives we had designed for wanted to talk to a person "
                    "about money and about whether their parent could still live at home.</p>"
                    "<p>When we learned this after two months, changing the script was a "
                    "change to the contract, and the supplier quoted a price that equalled "
                    "half of the original budget. We ran the chatbot to the end of the "
                    "contract and did not renew it.</p>"
                ),
                "why": _(
                    "<ul><li>An assumption we never tested: that relatives book on behalf of "
                    "older people.</li><li>The procurement fixed the script before we had "
                    "seen a single real conversation.</li><li>The service counsellors, who "
                    "knew who calls and why, were told about the chatbot the week it went "
                    "live.</li></ul>"
                ),
                "what_we_learned": _(
                    "<p>The queue was the problem, not the channel. A call-back service, which "
                    "the counsellors had proposed two years earlier, halved the waiting time "
                    "in its first month at almost no cost.</p>"
                ),
                "do_differently": _(
                    "<p>Listen to fifty calls with the counsellors before deciding anything. "
                    "Buy a short pilot with the right to change the script, and decide after "
                    "it whether to buy more.</p>"
                ),
            },
        },
        {
            "title": _("Our first participatory budget, counted with Equal Shares"),
            "kind": StoryKind.SUCCESS,
            "disclosure": Disclosure.PUBLIC_NAMED,
            "root_causes": [],
            "summary": _(
                "Kokeilu demo town let residents decide how to spend 100,000 euros. We counted "
                "the vote with the Method of Equal Shares instead of the usual greedy count, "
                "published why each project won or lost, and residents of every district saw "
                "at least one of their projects funded."
            ),
            "municipality": _("Kokeilu demo town"),
            "started_on": date(2025, 3, 1),
            "ended_on": date(2025, 6, 10),
            "budget": Decimal("100000.00"),
            "themes": ["recreation-culture-and-religion", "housing-and-community-relations"],
            "methods": ["participatory-budgeting", "co-creation"],
            "links": ("case", "tool", "process"),
            "narrative": {
                "what_we_tried": _(
                    "<p>The town council set aside 100,000 euros for projects proposed and "
                    "chosen by residents. Residents proposed projects in March, civil servants "
                    "reviewed their feasibility and cost, and everyone over 15 could approve "
                    "as many projects as they liked.</p><p>We held two co-design evenings in "
                    "the library where residents turned ideas into costed proposals, and we "
                    "chose to count the vote with the Method of Equal Shares, so that a large "
                    "project popular in one district could not take the whole budget.</p>"
                ),
                "what_happened": _(
                    "<p>The results page explained for every project why it won or lost, and "
                    "showed what the greedy count would have chosen. Residents asked fewer "
                    "questions about the result than about any earlier town survey: the "
                    "explanation answered them. Every district has at least one funded "
                    "project, and the council has agreed to run the budget again.</p>"
                ),
                "what_we_learned": _(
                    "<p>A fairer rule is only accepted when people can see how it works. The "
                    "published rule and the explanation per project did more for trust than "
                    "any information event.</p>"
                ),
                "do_differently": _(
                    "<p>Start the co-design evenings earlier: many good ideas arrived too late "
                    "to be costed, and their proposers were disappointed.</p>"
                ),
            },
        },
        {
            "title": _("Digital help desks in the library branches: halfway through"),
            "kind": StoryKind.UNFINISHED,
            "disclosure": Disclosure.PUBLIC_NAMED,
            "root_causes": [RootCause.CAPACITY, RootCause.DATA],
            "summary": _(
                "A drop-in help desk for e-services in one library branch worked so well that "
                "we are trying it in three more. Volunteers keep it open, but we still cannot "
                "tell whether it reduces calls to the city's service line."
            ),
            "municipality": _("City of Helsinki"),
            "started_on": date(2025, 8, 18),
            "ended_on": None,
            "budget": Decimal("12000.00"),
            "themes": [
                "information-society-and-digitalisation",
                "public-administration-modernisation-and-reform",
            ],
            "methods": ["service-design", "prototyping"],
            "links": (),
            "narrative": {
                "what_we_tried": _(
                    "<p>People who struggle with e-services (booking a health centre "
                    "appointment, applying for housing allowance) can drop in at the library "
                    "twice a week and get help from a trained volunteer, with a librarian "
                    "close by. We started in one branch and moved to three more in "
                    "January.</p>"
                ),
                "what_happened": _(
                    "<p>The first branch helped 640 people in four months, most of them over "
                    "65. In the new branches the volunteers' shifts are harder to fill, and "
                    "one desk has been closed on half of its days.</p>"
                ),
                "why": _(
                    "<p>Two of the new branches have no volunteer network yet, and we have "
                    "no way to connect a visit to the help desk with fewer calls to the "
                    "service line: the two systems do not share any identifier.</p>"
                ),
                "what_we_learned": _(
                    "<p>The help desk works where the library already has volunteers. We are "
                    "now recruiting through the local senior associations and asking "
                    "visitors, with their consent, whether they would otherwise have "
                    "called.</p>"
                ),
            },
        },
        {
            "title": _("Plain-language benefit decisions and the legal review we skipped"),
            "kind": StoryKind.SLIP_UP,
            "disclosure": Disclosure.MEMBERS,
            "root_causes": [RootCause.LEGAL, RootCause.TIMING],
            "summary": _(
                "We rewrote the letters for social assistance decisions in plain language and "
                "tested them with clients: they understood them far better. Then the legal "
                "unit found that two required statements were missing, and the new letters "
                "were withdrawn for three months."
            ),
            "municipality": _("City of Helsinki"),
            "started_on": date(2024, 2, 5),
            "ended_on": date(2024, 11, 29),
            "budget": None,
            "themes": ["public-administration-modernisation-and-reform"],
            "methods": ["user-research", "ab-testing", "behavioural-insights"],
            "links": (),
            "narrative": {
                "what_we_tried": _(
                    "<p>Decision letters for social assistance were four pages of legal text. "
                    "With six social workers and a plain-language expert we rewrote them: the "
                    "decision and the amount first, then what the client must do, then the "
                    "legal grounds. Half of the clients in one office got the new letter, "
                    "half the old one.</p>"
                ),
                "what_happened": _(
                    "<p>Calls asking what a decision meant fell by a third among clients with "
                    "the new letter. But when the legal unit saw the letters, after the "
                    "trial had started, they found that the instructions for appeal and one "
                    "statement required by the Administrative Procedure Act were missing. "
                    "The new letters were withdrawn until the text was fixed.</p>"
                ),
                "why": _(
                    "<p>We treated the legal review as a final check and planned it for after "
                    "the trial. The trial started a month early because the letter system was "
                    "being updated anyway.</p>"
                ),
                "what_we_learned": _(
                    "<p>A lawyer in the writing group would have cost a few hours; the "
                    "withdrawal cost three months and some trust from the social workers.</p>"
                ),
                "do_differently": _(
                    "<p>Put the legally required elements on the first draft as a checklist, "
                    "and never start a trial of official documents before the legal unit has "
                    "signed them off.</p>"
                ),
            },
        },
    ]
