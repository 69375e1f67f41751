"""The address people reach the site at, given to Wagtail's default site.

Wagtail builds full URLs (`page.full_url`: the story page's `og:url`, the links in e-mails and
calendar files) from its `Site` record, which its first migration creates as `localhost` on port
80, a placeholder that nobody reaches the site at. The site's address is configured once, as
`WAGTAILADMIN_BASE_URL` (the README's production steps set it); after every `migrate`, a default
site that still has the placeholder takes that address. A site an operator has set in the admin
(Settings → Sites) is left as it is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from wagtail.models import Site

PLACEHOLDER = ("localhost", 80)


def site_address() -> tuple[str, int]:
    """The host name and port of `WAGTAILADMIN_BASE_URL` (https without a port: 443)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or PLACEHOLDER[0], port


def default_site_address_apply() -> Site | None:
    """Give the default site the configured address if it still has Wagtail's placeholder;
    returns the site changed, or None when there was nothing to change."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) != PLACEHOLDER:
        return None
    address = site_address()
    if address == PLACEHOLDER:
        return None
    site.hostname, site.port = address
    site.save(update_fields=["hostname", "port"])
    return site


def default_site_address_after_migrate(**kwargs) -> None:
    """post_migrate receiver (connected for the portal app, so it runs once per `migrate`)."""
    default_site_address_apply()
