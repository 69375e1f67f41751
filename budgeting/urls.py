"""URLs of the budgeting app, mounted by portal.urls."""

app_name = "budgeting"

urlpatterns: list = []
