"""Admin of the stories area: story authoring permissions and workflow (`admin_stories`), and the
review of workshop drafts and registrations (`admin_workshops`)."""

from stories import admin_stories, admin_workshops  # noqa: F401  (they register on import)
