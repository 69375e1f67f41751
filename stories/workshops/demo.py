"""Demo story workshops, facilitated by the demo ambassador `ambassador-fi` (network.demo):
a past one in Helsinki and an upcoming online one dated from today, so it stays upcoming.

`workshops_ensure` is called by the stories demo loader (`stories.demo.load_stories`).
Idempotent: the workshops page and the workshops are found by slug. Their texts are in the
catalogues, so that `workshops_translations_ensure` publishes them in Finnish and Swedish too.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Sequence
from typing import TextIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.models import Member
from portal.demo import DemoReport, demo_translations_ensure
from portal.models import Country, Theme
from stories.models import StoryIndexPage
from stories.workshops.models import WorkshopIndexPage, WorkshopPage

AMBASSADOR_USERNAME = "ambassador-fi"
INDEX_SLUG = "workshops"
PAST_SLUG = "slip-up-stories-spring-2026"
UPCOMING_SLUG = "courage-to-experiment-winter-2026"

PROMPTS = [
    gettext_lazy("The project: what did you try, where, and for whom?"),
    gettext_lazy("What went wrong (or right)? Tell it as it happened."),
    gettext_lazy("Why did it go this way? Name the causes, not the people."),
    gettext_lazy("The lesson: what do you know now that you did not know then?"),
    gettext_lazy("What would you do differently next time?"),
]
# What a workshop's translation says in its own language; the rest (times, places, links) is
# the original's.
TRANSLATED_FIELDS = ("title", "summary", "venue", "address", "agenda")


def _past_workshop() -> dict:
    zone = zoneinfo.ZoneInfo("Europe/Helsinki")
    return {
        "title": _("Slip-up stories: spring 2026"),
        "slug": PAST_SLUG,
        "summary": _(
            "An afternoon in Helsinki where public servants told the experiments that did not "
            "go to plan, and what the next team can learn from them."
        ),
        "starts_at": datetime.datetime(2026, 4, 16, 13, 0, tzinfo=zone),
        "ends_at": datetime.datetime(2026, 4, 16, 16, 30, tzinfo=zone),
        "time_zone": "Europe/Helsinki",
        "venue": _("Helsinki Central Library Oodi, meeting room Kuuskajaskari"),
        "address": _("Töölönlahdenkatu 4, 00100 Helsinki"),
        "online_url": "",
        "capacity": 16,
        "country_key": "fi",
        "theme_keys": ["public-administration-modernisation-and-reform"],
        "agenda": _(
            "<ol><li><b>13:00</b> Welcome, and why slip-ups are worth telling</li>"
            "<li><b>13:20</b> Warm-up: the smallest thing that went wrong this month</li>"
            "<li><b>13:45</b> In pairs: tell your story from the prompt cards</li>"
            "<li><b>14:45</b> Coffee</li>"
            "<li><b>15:00</b> Root causes without blame: sorting the stories together</li>"
            "<li><b>15:45</b> Writing up: drafts stay private until you share them</li>"
            "<li><b>16:15</b> What we take back to our organisations</li></ol>"
        ),
    }


def _upcoming_workshop(today: datetime.date) -> dict:
    zone = zoneinfo.ZoneInfo("Europe/Helsinki")
    # three to four weeks ahead, on a Tuesday: always upcoming whenever the demo is loaded
    day = today + datetime.timedelta(days=21)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    return {
        "title": _("Courage to Experiment: winter story workshop (online)"),
        "slug": UPCOMING_SLUG,
        "summary": _(
            "Two hours online for the whole network: bring an experiment, finished or not, "
            "and leave with its story drafted from the prompt cards."
        ),
        "starts_at": datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=zone),
        "ends_at": datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=zone),
        "time_zone": "Europe/Helsinki",
        "venue": "",
        "address": "",
        "online_url": "https://meet.jit.si/kokeilu-story-workshop-winter-2026",
        "capacity": 12,
        "country_key": "",
        "theme_keys": [
            "public-administration-modernisation-and-reform",
            "information-society-and-digitalisation",
        ],
        "agenda": _(
            "<ol><li><b>14:00</b> Welcome and how workshop mode works</li>"
            "<li><b>14:15</b> Three short stories from the ambassadors: a success, a slip-up "
            "and an unfinished one</li>"
            "<li><b>14:40</b> Capture: draft your story from the prompt cards</li>"
            "<li><b>15:25</b> Break-out rooms: read each other's drafts, if you want to</li>"
            "<li><b>15:45</b> Sharing for review, consent and anonymity</li></ol>"
        ),
    }


def workshop_index_content() -> dict:
    """The workshops page's texts, in the active language."""
    return {
        "title": _("Story workshops"),
        "intro": _(
            "In a story workshop, public servants tell each other about their experiments, "
            "slip-ups included, from a set of prompt cards, and draft their stories on the "
            "spot. Drafts stay private until their author shares them."
        ),
    }


def _workshop_texts(spec: dict) -> dict:
    """A demo workshop's texts, in the active language (`spec` built in that language)."""
    return {
        **{name: spec[name] for name in TRANSLATED_FIELDS},
        "prompts": [str(prompt) for prompt in PROMPTS],
    }


def workshops_ensure(index: StoryIndexPage, *, stdout: TextIO | None = None) -> WorkshopIndexPage:
    """Create the workshops page under the stories index and the two demo workshops, once."""
    workshops = WorkshopIndexPage.objects.child_of(index).first()
    if workshops is None:
        workshops = WorkshopIndexPage(slug=INDEX_SLUG, **workshop_index_content())
        index.add_child(instance=workshops)
        workshops.save_revision(log_action=False).publish(log_action=False)
    facilitator = Member.objects.filter(user__username=AMBASSADOR_USERNAME).first()
    created = 0
    for spec in (_past_workshop(), _upcoming_workshop(timezone.localdate())):
        if WorkshopPage.objects.child_of(workshops).filter(slug=spec["slug"]).exists():
            continue
        _workshop_create(workshops, spec, facilitator=facilitator)
        created += 1
    if stdout is not None:
        stdout.write(_("Story workshops: %(created)d created.\n") % {"created": created})
    return workshops


def _workshop_create(
    workshops: WorkshopIndexPage, spec: dict, *, facilitator: Member | None
) -> WorkshopPage:
    spec = dict(spec)
    country_key, theme_keys = spec.pop("country_key"), spec.pop("theme_keys")
    page = WorkshopPage(prompts=[str(prompt) for prompt in PROMPTS], **spec)
    page.country = Country.objects.filter(key=country_key).first() if country_key else None
    workshops.add_child(instance=page)
    page.themes.set(Theme.objects.filter(key__in=theme_keys))
    if facilitator is not None:
        page.facilitators.set([facilitator])
    page.save_revision(log_action=False).publish(log_action=False)
    return page


def workshops_translations_ensure(
    report: DemoReport, workshops: WorkshopIndexPage, *, languages: Sequence[str]
) -> None:
    """Publish the workshops page and the demo workshops in `languages`, from the catalogues.

    A translation is the same event in another language: its registrations, capture session
    and drafts are the original's (`stories.workshops.selectors.workshop_event`).
    """
    demo_translations_ensure(report, workshops, workshop_index_content, languages=languages)
    today = timezone.localdate()
    for spec_in_language in (_past_workshop, lambda: _upcoming_workshop(today)):
        slug = spec_in_language()["slug"]
        page = WorkshopPage.objects.child_of(workshops).filter(slug=slug).first()
        if page is None:
            continue
        demo_translations_ensure(
            report,
            page,
            lambda spec_in_language=spec_in_language: _workshop_texts(spec_in_language()),
            languages=languages,
        )
