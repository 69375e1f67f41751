from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.health import healthz
from portal.language_settings import language_settings
from portal.sitemaps import sitemap_for_language, sitemap_index
from search import urls as search_urls

# Addresses without a language: machines, the admin (in each editor's own language) and files.
urlpatterns = [
    path("healthz", healthz, name="healthz"),  # for load balancers (portal.health)
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# The public site, once per language: /fi/…, /sv/…, /en/… (portal.languages).
urlpatterns += i18n_patterns(
    path("sitemap.xml", sitemap_for_language, name="sitemap"),
    path("", include(search_urls)),
    path("accounts/language/", language_settings, name="language_settings"),
    path("accounts/", include("allauth.urls")),
    path("network/", include("network.urls")),
    path("pb/", include("budgeting.urls")),
    # file routes under /cases/ (export.csv, export.json) that Wagtail page URLs cannot express
    path("", include("cases.urls")),
    path("", include(wagtail_urls)),
)

handler400 = "portal.views.bad_request"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
