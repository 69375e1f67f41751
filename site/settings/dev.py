"""A developer's machine: DEBUG on, plain http on 127.0.0.1, e-mail printed to the console."""

import os

from portal.settings.base import *  # noqa: F403
from portal.settings.base import ALLOWED_HOSTS

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MAILERS = {
    # as in production (a `mail_send` task, run where TASKS_BACKEND says), printed to the console
    "default": {
        "BACKEND": "portal.outgoing_mail.RetryingEmailBackend",
        "OPTIONS": {"mailer": "console"},
    },
    "console": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Page events and task runs are logged at INFO: useful in production, noise in a demo load.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # the search cluster clients log every request
        "opensearch": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}

# WhiteNoise serves the app folders' static files directly: no collectstatic on a dev machine.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
