"""URLs of the network app, mounted by portal.urls."""

app_name = "network"

urlpatterns: list = []
