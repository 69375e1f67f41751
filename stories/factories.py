"""Factories for story pages (workshop factories: `stories.workshops.factories`)."""

import factory
import wagtail_factories

from network.factories import MemberFactory
from portal.factories import CountryFactory, MethodFactory, ThemeFactory  # noqa: F401
from stories.models import StoryCase, StoryIndexPage, StoryPage, StoryTool
from stories.vocabularies import Disclosure, StoryKind


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "Stories"
    slug = "stories"
    intro = "Successes, slip-ups and unfinished stories of experiments."

    class Meta:
        model = StoryIndexPage


class StoryPageFactory(wagtail_factories.PageFactory):
    """A published, named story with consent; pass `disclosure=...` for the others."""

    title = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    kind = StoryKind.SLIP_UP
    summary = factory.Faker("sentence", nb_words=16)
    author = factory.SubFactory(MemberFactory)
    owner = factory.LazyAttribute(lambda story: story.author.user if story.author else None)
    disclosure = Disclosure.PUBLIC_NAMED
    disclosure_consent = True
    what_we_tried = "<p>We tried a small pilot with a few residents.</p>"
    what_happened = "<p>Fewer people came than we had hoped.</p>"
    why = "<p>The invitation went out too late.</p>"
    what_we_learned = "<p>Invite early, and in several ways.</p>"
    do_differently = "<p>Start the invitations a month before.</p>"
    root_causes = factory.LazyFunction(lambda: ["timing"])

    class Meta:
        model = StoryPage

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # `cases=[...]` and `tools=[...]` become the story's ordered link rows
        cases, tools = kwargs.pop("cases", ()), kwargs.pop("tools", ())
        if cases:
            kwargs["case_links"] = [
                StoryCase(case=case, sort_order=order) for order, case in enumerate(cases)
            ]
        if tools:
            kwargs["tool_links"] = [
                StoryTool(tool=tool, sort_order=order) for order, tool in enumerate(tools)
            ]
        return kwargs
