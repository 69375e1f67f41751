"""Reading settings from environment variables: booleans, lists, cache URLs, task backends."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use true or false.")


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def cache_from_url(url: str) -> dict:
    """A CACHES entry from `locmem://`, `dummy://`, `redis://host:6379/0` or `file:///path`."""
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": urlsplit(url).path,
        }
    raise ImproperlyConfigured(f"CACHE_URL={url!r}: use locmem://, dummy://, redis:// or file://.")


# TASKS_BACKEND: where django-tasks runs the site's tasks (e-mail, the search outbox drain).
TASK_BACKENDS = {
    # inside the request or command that enqueues them (development, tests)
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # a table that `manage.py db_worker` (the Procfile's worker) works through (production)
    "database": "django_tasks_db.DatabaseBackend",
}


def tasks_from_env(name: str, *, default: str) -> dict:
    """The TASKS setting (django-tasks) for the backend the variable `name` names."""
    choice = os.environ.get(name, "").strip().lower() or default
    if choice not in TASK_BACKENDS:
        raise ImproperlyConfigured(f"{name}={choice!r}: use one of {', '.join(TASK_BACKENDS)}.")
    return {"default": {"BACKEND": TASK_BACKENDS[choice]}}
