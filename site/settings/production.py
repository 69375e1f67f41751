"""Production: base settings, with a secret key and allowed hosts required from the environment.

Serve with an app server (`gunicorn portal.wsgi`); WhiteNoise serves the collected static files.
"""

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import ALLOWED_HOSTS, SECRET_KEY, require_secret_key

DEBUG = False
SECRET_KEY = require_secret_key(SECRET_KEY)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=kokeilu.example.org")
