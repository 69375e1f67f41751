"""The story editor's form: searchable author and country choosers, the ambassador writing as
the default author, consent given only by the author, and a free address for a new story."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from stories.permissions import story_consent_is_theirs
from stories.vocabularies import DEFAULT_DISCLOSURE, StoryKind

CONSENT_REQUIRED = _(
    "The author's consent is needed before the story goes live: as its author, tick “the "
    "author agrees to publish it this way” once you agree to the chosen disclosure."
)
CONSENT_AWAITED = _(
    "The author's consent is needed before the story goes live: %(author)s gives it, "
    "signed in, from “Your membership” (stories waiting for your consent); the story waits "
    "for them."
)
CONSENT_NOT_YOURS = _(
    "Only %(author)s can agree to publish the story this way: untick the box. The story "
    "waits for their consent."
)
# Admin actions that make a story public, now or after review.
_PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")


class StoryPageForm(WagtailAdminPageForm):
    """The story editor: searchable choosers for the author (by default the member writing)
    and the country; consent given only by the author (`story_consent_is_theirs`), and
    required to publish or submit for publishing; a free slug for a new story."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from network.permissions import member_of
        from stories.admin_choosers import story_author_chooser, story_country_chooser

        story = self.instance
        if "kind" in self.fields:
            # a required choice: no "- Select an option -" radio
            self.fields["kind"].choices = StoryKind.choices
        if "country" in self.fields:
            self.fields["country"].widget = story_country_chooser.widget_class(show_edit_link=False)
        if "author" in self.fields:
            self.fields["author"].widget = story_author_chooser.widget_class(show_edit_link=False)
            writer = member_of(self.for_user)
            if story.pk is None and story.author_id is None and writer is not None:
                self.initial["author"] = writer.pk
        if "disclosure_consent" in self.fields:
            author = self._author_shown()
            if not story_consent_is_theirs(user=self.for_user, author=author):
                field = self.fields["disclosure_consent"]
                # the box shows the author's own answer; the browser's value is not read
                field.disabled = True
                field.help_text = CONSENT_AWAITED % {"author": author}

    def _author_shown(self):
        from network.models import Member

        author_id = self.initial.get("author", self.instance.author_id)
        if author_id is None:
            return None
        return Member.objects.filter(pk=author_id).first()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if self.instance.pk is not None or self.parent_page is None:
            return slug
        # A new story's address is free, whatever was typed: the slug the browser fills in
        # from the title may already belong to a draft (autosave's, or an earlier story's).
        from stories.selectors import story_slug_free

        return story_slug_free(
            parent=self.parent_page, text=slug or self.data.get("title", "") or "story"
        )

    def clean_disclosure(self) -> str:
        # a draft saved before any choice (autosave defers required fields) names nobody
        return self.cleaned_data.get("disclosure") or DEFAULT_DISCLOSURE

    def clean(self):
        cleaned_data = super().clean()
        if "disclosure_consent" in self.fields:
            self._consent_clean(cleaned_data)
        publishing = any(self.data.get(action) for action in _PUBLISHING_ACTIONS)
        if publishing and not cleaned_data.get("disclosure_consent"):
            author = cleaned_data.get("author")
            if story_consent_is_theirs(user=self.for_user, author=author):
                self.add_error("disclosure_consent", CONSENT_REQUIRED)
            else:
                self.add_error("disclosure_consent", CONSENT_AWAITED % {"author": author})
        return cleaned_data

    def _consent_clean(self, cleaned_data: dict) -> None:
        """The author's consent stands only while what they agreed to (author and disclosure)
        stays as it was; only the author gives it, and someone else's tick is refused."""
        field = self.fields["disclosure_consent"]
        author = cleaned_data.get("author")
        story = self.instance
        agreed = bool(
            story.pk is not None
            and story.disclosure_consent
            and story.author_id == getattr(author, "pk", None)
            and story.disclosure == cleaned_data.get("disclosure")
        )
        if field.disabled:
            # the box showed another author's answer, which the browser does not send
            cleaned_data["disclosure_consent"] = agreed
            return
        if story_consent_is_theirs(user=self.for_user, author=author):
            return
        if cleaned_data.get("disclosure_consent") and not agreed:
            self.add_error("disclosure_consent", CONSENT_NOT_YOURS % {"author": author})
        cleaned_data["disclosure_consent"] = agreed
