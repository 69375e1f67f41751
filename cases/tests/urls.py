"""The project's URLs with cases.urls included, as site/urls.py will have them."""

from django.urls import include, path

from portal.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("cases.urls")), *site_urlpatterns]
