"""Admin of the stories area: story authoring permissions and workflow (`admin_stories`), and the
review of workshop drafts (`stories.workshops.admin`)."""

from stories import admin_stories  # noqa: F401  (they register on import)
from stories.workshops import admin as workshops_admin  # noqa: F401
