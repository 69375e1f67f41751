"""The toolkit's routes (served by ToolkitIndexPage): the faceted listing and the navigator;
and the resource page's POST routes for members (save it, "we used it")."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from search.forms import listing_query_from_params
from search.listing import Listing, listing_run
from search.query import SearchQuery, Sort
from search.selectors import search_visibility_for
from toolkit import services
from toolkit.models import RESOURCES_PER_PAGE
from toolkit.navigator import ANSWER_NAMES, NavigatorAnswers, navigator_rank
from toolkit.search import KIND
from toolkit.selectors import navigator_resources, stage_names
from toolkit.vocabularies import Cost, GroupSize, Purpose, SkillLevel, TimeNeeded

SORTS = (Sort.RELEVANCE, Sort.TITLE, Sort.YEAR)
# Every field a practitioner filters resources by, in the order of the filter panel.
TOOLKIT_FACETS = (
    "purpose",
    "stage",
    "format",
    "method",
    "audience",
    "skill_level",
    "time_needed",
    "group_size",
    "cost",
    "openness",
    "language",
    "year",
)


def toolkit_query(request: HttpRequest) -> SearchQuery:
    """The listing's search from the URL; raises InvalidSearch with a message.

    Without a sort or words to rank by, resources come by title.
    """
    query = listing_query_from_params(
        request.GET,
        kind_label_plural=_("toolkit resources"),
        facets=TOOLKIT_FACETS,
        sorts=SORTS,
        kinds=(KIND,),
        visibility=search_visibility_for(request.user),
        page_size=RESOURCES_PER_PAGE,
    )
    if not query.text and not request.GET.get("sort"):
        query = replace(query, sort=Sort.TITLE)
    return query


def toolkit_listing_context(request: HttpRequest, *, page) -> tuple[dict, int]:
    """Context and status of the listing: facets, active filters, sort, hits, pagination."""
    listing = listing_run(request, build_query=toolkit_query, facet_names=TOOLKIT_FACETS)
    query = listing.query
    sort_options = [
        option
        for option in listing.links["sort_options"]
        if option["value"] in SORTS and (query and query.text or option["value"] != Sort.RELEVANCE)
    ]
    context = {
        **listing.context(),
        "sort_options": sort_options,
        "cards": [_card(hit, listing) for hit in listing.links["hits"]],
    }
    return context, listing.status


def _card(hit: dict, listing: Listing) -> dict:
    document = hit["document"]
    names = listing.names
    return {
        **hit,
        "formats": names("format", document.formats),
        "purposes": names("purpose", document.purposes),
        "time": names("time_needed", [document.time_needed] if document.time_needed else []),
        "skill_levels": names("skill_level", document.skill_levels),
        "cost": names("cost", [document.cost] if document.cost else []),
    }


# -- the navigator --------------------------------------------------------------------------

ANY = ("", gettext_lazy("Any / not sure"))


class NavigatorForm(forms.Form):
    """The navigator's questions; every answer is optional ("any")."""

    stage = forms.ChoiceField(
        label=gettext_lazy("Where are you in the work?"), required=False, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("What do you want to achieve?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[ANY, *Purpose.choices],
    )
    time_needed = forms.ChoiceField(
        label=gettext_lazy("How much time can you give it, at most?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[ANY, *TimeNeeded.choices],
    )
    skill_level = forms.ChoiceField(
        label=gettext_lazy("How experienced is your team with innovation methods?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[ANY, *SkillLevel.choices],
    )
    group_size = forms.ChoiceField(
        label=gettext_lazy("How many people will take part?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[ANY, *GroupSize.choices],
    )
    cost = forms.ChoiceField(
        label=gettext_lazy("What is your budget?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", gettext_lazy("We can pay for a resource if it is worth it")),
            (Cost.FREE, gettext_lazy("No budget: free resources only")),
        ],
    )

    def __init__(self, *args, stages: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [ANY, *stages.items()]

    def answers(self) -> NavigatorAnswers:
        return NavigatorAnswers(
            **{name: self.cleaned_data.get(name) or "" for name in ANSWER_NAMES}
        )


def navigator_context(request: HttpRequest, *, page) -> tuple[dict, int]:
    """Context and status of the navigator: the form, and once asked, the recommendations."""
    stages = stage_names()
    asked = any(name in request.GET for name in ANSWER_NAMES)
    form = NavigatorForm(request.GET if asked else None, stages=stages)
    context: dict = {"form": form, "asked": asked, "result": None}
    if not asked:
        return context, 200
    if not form.is_valid():
        return context, 400
    answers = form.answers()
    result = navigator_rank(navigator_resources(request), answers, labels={"stages": stages})
    base = request.path
    context.update(
        result=result,
        relaxations=[
            {
                "count": relaxation.count,
                "dropped": _("; ").join(
                    _("“%(answer)s” (%(question)s)")
                    % {
                        "answer": dict(form.fields[name].choices).get(getattr(answers, name)),
                        "question": form.fields[name].label,
                    }
                    for name in relaxation.names
                ),
                "url": _navigator_url(base, _without(answers, relaxation.names)),
            }
            for relaxation in result.relaxations
        ],
        start_over_url=base,
        listing_url=_listing_url(page.url, answers),
    )
    return context, 200


def _without(answers: NavigatorAnswers, names: tuple[str, ...]) -> NavigatorAnswers:
    for name in names:
        answers = answers.without(name)
    return answers


def _navigator_url(path: str, answers: NavigatorAnswers) -> str:
    params = [(name, getattr(answers, name)) for name in ANSWER_NAMES]
    return f"{path}?{urlencode(params)}"


def _listing_url(path: str, answers: NavigatorAnswers) -> str:
    """The listing filtered by the answers that are plain facet selections."""
    params = [
        (name, getattr(answers, name)) for name in ("stage", "purpose") if getattr(answers, name)
    ]
    return f"{path}?{urlencode(params)}" if params else path


# action -> (service, its extra arguments, the message on success)
BOOKMARK_ACTIONS = {
    "save": (services.resource_save, {}, gettext_lazy("Saved to your profile.")),
    "unsave": (services.resource_unsave, {}, gettext_lazy("Removed from your profile.")),
    "used": (
        services.resource_mark_used,
        {"used": True},
        gettext_lazy("Marked as used by your team. Thank you!"),
    ),
    "unused": (
        services.resource_mark_used,
        {"used": False},
        gettext_lazy("No longer marked as used by your team."),
    ),
}


def resource_bookmark_post(request: HttpRequest, *, page, action: str) -> HttpResponse:
    """A member saves a resource, or marks it used, with a plain form (POST, CSRF-checked by
    the middleware); then back to the page with a message. Visitors are sent to sign in,
    members who are not active yet are told why nothing changed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    page_url = page.get_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(page_url)
    member = getattr(request.user, "member", None) if request.user.is_active else None
    service, arguments, success = BOOKMARK_ACTIONS[action]
    try:
        service(member=member, resource=page, **arguments)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(f"{page_url}#member-marks")
    messages.success(request, str(success))
    return HttpResponseRedirect(f"{page_url}#member-marks")
