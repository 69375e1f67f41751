"""Production: base settings, with a secret key and allowed hosts required from the environment.

Serve with an app server (`gunicorn portal.wsgi`); WhiteNoise serves the collected static files.
"""

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import ALLOWED_HOSTS, SECRET_KEY, require_secret_key
from portal.settings.environment import tasks_from_env

DEBUG = False
SECRET_KEY = require_secret_key(SECRET_KEY)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=kokeilu.example.org")

# Tasks (e-mail, the search outbox drain) wait in the database for the Procfile's worker, so a
# slow mail server never holds a request; TASKS_BACKEND=immediate runs them in the request.
TASKS = tasks_from_env("TASKS_BACKEND", default="database")
