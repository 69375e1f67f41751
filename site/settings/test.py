"""The test suite: the dev settings with fast hashing, in-memory e-mail and no network."""

from portal.settings.dev import *  # noqa: F403
from portal.settings.environment import TASK_BACKENDS

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# tasks run where they are enqueued, whatever TASKS_BACKEND the shell has (the worker test
# starts its own worker with the database backend)
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"]}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
