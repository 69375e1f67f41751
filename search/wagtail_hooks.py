"""Admin registrations of the knowledge index (*Settings > Search index*: `admin_views`)."""

from search import admin_views  # noqa: F401  (it registers on import)
