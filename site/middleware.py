"""Site-wide middleware."""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware

ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's CSP middleware, with the looser ADMIN_CSP for the Wagtail and Django admins.

    The admin ships inline scripts and styles that the public site's policy forbids; the public
    pages keep the strict policy.
    """

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PATH_PREFIXES) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return super().process_response(request, response)
