"""The case library's open-data files, next to the library page: /cases/export.csv and
/cases/export.json (Wagtail's page routes only serve paths ending in a slash).

Include before Wagtail's catch-all: `path("", include("cases.urls"))`.
"""

from django.urls import re_path

from cases.views import export_at_path

app_name = "cases"

urlpatterns = [
    re_path(r"^(?P<path>(?:[\w\-]+/)*)export\.(?P<fmt>csv|json)$", export_at_path, name="export"),
]
