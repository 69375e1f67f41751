"""What a production deployment needs, checked by Django's system checks.

Production runs several app server processes (`gunicorn --workers 3`), so anything they must
agree on has to live outside any one of them. The checks below run with `manage.py check`,
`check --deploy` and `migrate` under the production settings module, and refuse:

- a cache that the processes do not share (`portal.E001`): every rate limit (log-in lock-out,
  sign-ups, comments, voting codes) counts in the cache, so a per-process cache lets each
  worker count on its own (30 of 48 sign-ups got through against 10 an hour). The file cache is
  refused too: its `add()` checks then writes, so two processes can both take the lock that
  rate limits count under, and it silently culls a third of its entries past 300.
- SQLite (`portal.E002`): several processes writing at once answer "database is locked"
  (33 of 50 concurrent ballots failed).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PRODUCTION_SETTINGS_SUFFIX = ".production"

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "locmem://",
    "django.core.cache.backends.dummy.DummyCache": "dummy://",
    "django.core.cache.backends.filebased.FileBasedCache": "file://",
}


def production_settings_active() -> bool:
    """True under the production settings module (`portal.settings.production`)."""
    module = getattr(settings, "SETTINGS_MODULE", None) or ""
    return module.endswith(PRODUCTION_SETTINGS_SUFFIX)


@checks.register(checks.Tags.caches)
def check_shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not production_settings_active():
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Error(
            f"CACHE_URL selects {PER_PROCESS_CACHES[backend]}, a cache that app server "
            "processes do not share: every rate limit would count in each process alone.",
            hint="Set CACHE_URL=redis://host:6379/0 (a Redis server that every app server "
            "process reaches).",
            id="portal.E001",
        )
    ]


@checks.register()
def check_database_engine(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not production_settings_active():
        return []
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if engine != "django.db.backends.sqlite3":
        return []
    return [
        checks.Error(
            "DATABASE_URL selects SQLite: under several app server processes it answers "
            '"database is locked" to concurrent writes.',
            hint="Set DATABASE_URL=postgres://user:password@host:5432/name (PostgreSQL).",
            id="portal.E002",
        )
    ]
