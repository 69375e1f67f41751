"""The story editor's choosers for the author (a member of the network) and the country, each
searched by typing.

Wagtail's snippet choosers of these models page through every row (61 members over 7 pages,
Finland on page 8 of the countries): a chooser offers a search box only for models in a search
index, and neither model is. These choosers search the database instead, by name (and, for a
country, its ISO code). They are used by the story's edit form only (`register_widget` off), so
the other apps' forms keep their own widgets.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from network.models import Member, MemberStatus
from portal.models import Country


class TypedSearchForm(BaseFilterForm):
    """The search box of a chooser: rows whose `contains_fields` contain the words typed, or
    whose `exact_fields` equal them (codes), case-insensitively."""

    contains_fields: tuple[str, ...] = ()
    exact_fields: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Type a name"), "autocomplete": "off"}),
    )

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        query = " ".join((self.cleaned_data.get("q") or "").split())
        if not query:
            return objects
        matches = Q()
        for name in self.contains_fields:
            matches |= Q(**{f"{name}__icontains": query})
        for name in self.exact_fields:
            matches |= Q(**{f"{name}__iexact": query})
        self.is_searching = True
        self.search_query = query
        return objects.filter(matches)


class MemberSearchForm(TypedSearchForm):
    contains_fields = ("display_name", "organisation")


class CountrySearchForm(TypedSearchForm):
    contains_fields = ("name",)
    exact_fields = ("key", "alpha3")


def story_author_candidates() -> QuerySet[Member]:
    """The members a story may be attributed to: active members listed in the directory (service
    and staff accounts are not people to name), by name."""
    return (
        Member.objects.filter(status=MemberStatus.ACTIVE, user__is_active=True, listed=True)
        .select_related("country")
        .order_by("display_name", "pk")
    )


# Wagtail's results with the count of matches announced without an ARIA role on a heading
RESULTS_TEMPLATE = "stories/admin/chooser_results.html"


class _Listing:
    results_template_name = RESULTS_TEMPLATE

    @property
    def columns(self):
        columns = super().columns
        columns[0].label = _("Name")  # Wagtail's "Title": these rows are people and countries
        return columns


class _AuthorListing(_Listing):
    filter_form_class = MemberSearchForm

    def get_object_list(self):
        return story_author_candidates()

    @property
    def columns(self):
        columns = super().columns
        # two members may share a name: their organisation and country tell them apart
        return columns + [
            Column("organisation", label=_("Organisation")),
            Column("country", label=_("Country")),
        ]


class AuthorChooseView(_AuthorListing, chooser_views.ChooseView):
    pass


class AuthorChooseResultsView(_AuthorListing, chooser_views.ChooseResultsView):
    pass


class AuthorChosenView(chooser_views.ChosenView):
    """Names only the members the chooser offers (not any profile by its number)."""

    def get_object(self, pk):
        return story_author_candidates().get(pk=pk)


class _CountryListing(_Listing):
    filter_form_class = CountrySearchForm

    def get_object_list(self):
        return Country.objects.order_by("name")


class CountryChooseView(_CountryListing, chooser_views.ChooseView):
    pass


class CountryChooseResultsView(_CountryListing, chooser_views.ChooseResultsView):
    pass


class StoryAuthorChooserViewSet(ChooserViewSet):
    model = Member
    icon = "user"
    choose_one_text = _("Choose the author")
    choose_another_text = _("Choose another author")
    page_title = _("Choose the story's author")
    choose_view_class = AuthorChooseView
    choose_results_view_class = AuthorChooseResultsView
    chosen_view_class = AuthorChosenView
    per_page = 20
    register_widget = False


class StoryCountryChooserViewSet(ChooserViewSet):
    model = Country
    icon = "globe"
    choose_one_text = _("Choose a country")
    choose_another_text = _("Choose another country")
    choose_view_class = CountryChooseView
    choose_results_view_class = CountryChooseResultsView
    per_page = 20
    register_widget = False


story_author_chooser = StoryAuthorChooserViewSet("story_author_chooser")
story_country_chooser = StoryCountryChooserViewSet("story_country_chooser")
