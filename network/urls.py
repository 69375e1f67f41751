"""URLs of the network app, mounted by portal.urls at /network/."""

from django.urls import path

from network import views
from network.groups import views as group_views

app_name = "network"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.me, name="me"),
    path("me/export/", views.export, name="export"),
    path("me/delete/", views.account_delete, name="delete"),
    path("ncp/", views.dashboard, name="dashboard"),
    path("ncp/audit/", views.audit_log, name="audit_log"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/approve/", views.member_approve, name="member_approve"),
    path("members/<int:pk>/reject/", views.member_reject, name="member_reject"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("members/<int:pk>/ambassador/", views.member_ambassador, name="member_ambassador"),
    path("members/<int:pk>/residence/", views.member_residence, name="member_residence"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("groups/<slug:slug>/", group_views.group_detail, name="group"),
    path("groups/<slug:slug>/join/", group_views.group_join, name="group_join"),
    path("groups/<slug:slug>/leave/", group_views.group_leave, name="group_leave"),
    path("groups/<slug:slug>/invite/", group_views.group_invite, name="group_invite"),
    path(
        "groups/<slug:slug>/requests/<int:membership_id>/",
        group_views.group_request,
        name="group_request",
    ),
    path("invitations/<str:token>/", group_views.invitation, name="invitation"),
]
