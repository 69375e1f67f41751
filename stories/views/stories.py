"""The stories' routes (served by StoryIndexPage): the faceted listing, the share form, and the
answer to visitors who may not read a members-only story."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.models import Member
from network.permissions import member_write_refusal
from portal.ids import id_or_404
from portal.rate_limits import RateLimitExceeded, rate_limit_response
from search.forms import listing_query_from_params
from search.listing import Listing, listing_run
from search.query import SearchQuery, Sort
from search.selectors import search_visibility_for
from stories.forms.stories import StoryConsentForm, StoryShareForm
from stories.models.stories import STORIES_PER_PAGE, StoryIndexPage, StoryPage
from stories.permissions import story_can_share, story_consent_is_theirs
from stories.search import KIND
from stories.services.stories import (
    story_consent_give,
    story_html_from_text,
    story_share_submit,
)
from stories.workshops.selectors import workshop_index_of

SORTS = (Sort.NEWEST, Sort.RELEVANCE)
# The facets of the listing, in the order of the filter panel.
STORY_FACETS = ("outcome", "root_cause", "country", "theme", "method")


def story_query(request: HttpRequest) -> SearchQuery:
    """The listing's search from the URL; raises InvalidSearch with a message.

    Newest first, unless words are searched for (then by relevance) or a sort is chosen.
    """
    params = request.GET
    if not params.get("sort"):
        params = params.copy()
        params["sort"] = Sort.RELEVANCE if params.get("q", "").strip() else Sort.NEWEST
    return listing_query_from_params(
        params,
        kind_label_plural=_("stories"),
        facets=STORY_FACETS,
        sorts=SORTS,
        kinds=(KIND,),
        visibility=search_visibility_for(request.user),
        page_size=STORIES_PER_PAGE,
    )


def story_listing(request: HttpRequest, index: StoryIndexPage) -> HttpResponse:
    """Every story the visitor may read, faceted by kind, root cause, country, theme and
    method, through the knowledge index."""
    listing = listing_run(request, build_query=story_query, facet_names=STORY_FACETS)
    context = index.get_context(request)
    context.update(
        listing.context(),
        sort_options=[o for o in listing.links["sort_options"] if o["value"] in SORTS],
        cards=[_card(hit, listing) for hit in listing.links["hits"]],
        workshops_page=workshop_index_of(stories_index=index),
        feed_url=index.url + index.reverse_subpage("feed"),
        share_url=index.url + index.reverse_subpage("share"),
    )
    return TemplateResponse(
        request, "stories/story_index_page.html", context, status=listing.status
    )


def _card(hit: dict, listing: Listing) -> dict:
    document = hit["document"]
    return {
        **hit,
        "kind": listing.names("outcome", [document.outcome] if document.outcome else []),
        "countries": listing.names("country", document.countries),
        "root_causes": listing.names("root_cause", document.root_causes),
        "members_only": document.visibility == "members",
    }


def story_members_only(request: HttpRequest, page: StoryPage) -> HttpResponse:
    """What a visitor who may not read a members-only story sees: a page saying to sign in
    (status 403), with nothing of the story but its title."""
    context = {
        "page": page,
        "login_url": redirect_to_login(page.url)["Location"],
        "signed_in": request.user.is_authenticated,
        "reason": member_write_refusal(request.user) if request.user.is_authenticated else "",
    }
    return TemplateResponse(request, "stories/story_members_only.html", context, status=403)


def story_consent(request: HttpRequest, index: StoryIndexPage, story_id: int) -> HttpResponse:
    """The author reads the draft someone wrote with them as author and agrees to publish it
    (choosing who may read it). Anyone else finds nothing here: a draft is not theirs to see."""
    story_id = id_or_404(story_id)  # a number beyond what the database stores is "no such story"
    consent_path = index.url + index.reverse_subpage("consent", args=[story_id])
    if not request.user.is_authenticated:
        return redirect_to_login(consent_path)
    story = StoryPage.objects.child_of(index).filter(pk=story_id).first()
    draft = story.get_latest_revision_as_object() if story is not None else None
    if (
        story is None
        or draft.author is None
        or not story_consent_is_theirs(user=request.user, author=draft.author)
    ):
        raise Http404
    form = StoryConsentForm(
        request.POST or None,
        initial={"disclosure": draft.disclosure, "consent": draft.disclosure_consent},
    )
    if request.method == "POST" and form.is_valid():
        story_consent_give(
            story=story, member=draft.author, disclosure=form.cleaned_data["disclosure"]
        )
        messages.success(
            request,
            _("Thank you: “%(title)s” can now be published the way you chose.")
            % {"title": draft.title},
        )
        return HttpResponseRedirect(consent_path)
    context = index.get_context(request)
    context.update(
        draft=draft,
        form=form,
        writer=story.owner.member if hasattr(story.owner, "member") else None,
    )
    return TemplateResponse(request, "stories/story_consent.html", context)


def story_share(request: HttpRequest, index: StoryIndexPage) -> HttpResponse:
    """Signed-in active members share a story: a draft for an editor to review."""
    share_path = index.url + index.reverse_subpage("share")
    if not request.user.is_authenticated:
        return redirect_to_login(share_path)
    member = Member.objects.filter(user=request.user).first()
    context = index.get_context(request)
    if member is None or not story_can_share(request.user):
        context["not_member"] = True
        return TemplateResponse(request, "stories/story_share.html", context, status=403)
    if request.method == "POST":
        form = StoryShareForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                story_share_submit(
                    index=index,
                    author=member,
                    title=data["title"],
                    kind=data["kind"],
                    summary=data["summary"],
                    written_in=data["written_in"],
                    disclosure=data["disclosure"],
                    disclosure_consent=data["consent"],
                    root_causes=data["root_causes"],
                    narrative={
                        name: story_html_from_text(text) for name, text in form.narrative().items()
                    },
                    country=data["country"],
                    municipality=data["municipality"],
                    started_on=data["started_on"],
                    ended_on=data["ended_on"],
                )
            except RateLimitExceeded as limit:
                # 429 with the form as typed: nothing is lost, it can be sent later
                context.update(form=form, member=member, limit_message=_share_limit_message(limit))
                response = TemplateResponse(request, "stories/story_share.html", context)
                return rate_limit_response(response, limit)
            messages.success(
                request,
                _(
                    "Thank you for sharing “%(title)s”. An editor will review it before it is "
                    "published; we will not change how you chose to be named."
                )
                % {"title": data["title"]},
            )
            return HttpResponseRedirect(share_path + "?shared=1")
    else:
        form = StoryShareForm()
    context.update(form=form, shared=request.GET.get("shared") == "1", member=member)
    return TemplateResponse(
        request,
        "stories/story_share.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


def _share_limit_message(limit: RateLimitExceeded) -> str:
    if limit.retry_at is None:
        return _("Sharing stories here is closed for now. Your story is still in the form below.")
    message = ngettext(
        "You have already shared %(count)d story in the last %(hours)d hours, the most we "
        "accept in that time.",
        "You have already shared %(count)d stories in the last %(hours)d hours, the most we "
        "accept in that time.",
        limit.amount,
    ) % {"count": limit.amount, "hours": max(round(limit.window / 3600), 1)}
    when = date_format(timezone.localtime(limit.retry_at), "DATETIME_FORMAT")
    return " ".join(
        (
            message,
            _(
                "Your story is still in the form below, as you typed it: you can send it "
                "after %(when)s."
            )
            % {"when": when},
        )
    )
