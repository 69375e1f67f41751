"""URLs of the budgeting app, mounted by portal.urls at /pb/."""

from django.urls import path

from budgeting import implementation_views, views

app_name = "budgeting"

urlpatterns = [
    path("", views.process_index, name="index"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/rule.json", views.rule_json, name="rule_json"),
    path("<slug:slug>/propose/", views.proposal_create, name="propose"),
    path("<slug:slug>/projects/<int:pk>/", views.project_detail, name="project"),
    path("<slug:slug>/projects/<int:pk>/support/", views.project_support, name="support"),
    path("<slug:slug>/projects/<int:pk>/comment/", views.comment_create, name="comment"),
    path("<slug:slug>/comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("<slug:slug>/vote/", views.ballot, name="ballot"),
    path("<slug:slug>/vote/code/", views.ballot_code, name="ballot_code"),
    path("<slug:slug>/vote/done/", views.ballot_done, name="ballot_done"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/export.pb", views.export_pb, name="export"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/phase/", views.manage_phase, name="manage_phase"),
    path("<slug:slug>/manage/review/<int:pk>/", views.manage_review, name="manage_review"),
    path("<slug:slug>/manage/codes/", views.manage_codes, name="manage_codes"),
    path("<slug:slug>/manage/residents/", views.manage_resident, name="manage_resident"),
    path("<slug:slug>/manage/recount/", views.manage_recompute, name="manage_recompute"),
    # after the vote
    path("<slug:slug>/criteria/", implementation_views.criteria, name="criteria"),
    path("<slug:slug>/vote/criteria/", implementation_views.criteria_vote, name="criteria_vote"),
    path(
        "<slug:slug>/projects/<int:pk>/implementation/",
        implementation_views.implementation_detail,
        name="implementation",
    ),
    path(
        "<slug:slug>/projects/<int:pk>/implementation/<slug:action>/",
        implementation_views.implementation_action,
        name="implementation_action",
    ),
    path("<slug:slug>/ledger/", implementation_views.ledger, name="ledger"),
    path("<slug:slug>/ledger.csv", implementation_views.ledger_csv, name="ledger_csv"),
    path("<slug:slug>/ledger.json", implementation_views.ledger_json, name="ledger_json"),
    path("<slug:slug>/open-data.zip", implementation_views.open_data_zip, name="open_data"),
    path("<slug:slug>/open-data/", implementation_views.codebook, name="codebook"),
]
