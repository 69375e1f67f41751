"""URLs of the budgeting app, mounted by portal.urls at /pb/."""

from django.urls import path

from budgeting.assessment import views as assessment_views
from budgeting.implementation import views as implementation_views
from budgeting.processes import views as processes_views
from budgeting.proposals import views as proposals_views
from budgeting.results import views as results_views
from budgeting.voting import views as voting_views

app_name = "budgeting"

urlpatterns = [
    path("", processes_views.process_index, name="index"),
    path("<slug:slug>/", processes_views.process_detail, name="process"),
    path("<slug:slug>/rule.json", processes_views.rule_json, name="rule_json"),
    path("<slug:slug>/propose/", proposals_views.proposal_create, name="propose"),
    path("<slug:slug>/projects/<int:pk>/", proposals_views.project_detail, name="project"),
    path("<slug:slug>/projects/<int:pk>/support/", proposals_views.project_support, name="support"),
    path("<slug:slug>/projects/<int:pk>/comment/", proposals_views.comment_create, name="comment"),
    path("<slug:slug>/comments/<int:pk>/hide/", proposals_views.comment_hide, name="comment_hide"),
    path("<slug:slug>/vote/", voting_views.ballot, name="ballot"),
    path("<slug:slug>/vote/code/", voting_views.ballot_code, name="ballot_code"),
    path("<slug:slug>/vote/done/", voting_views.ballot_done, name="ballot_done"),
    path("<slug:slug>/results/", results_views.results, name="results"),
    path("<slug:slug>/export.pb", results_views.export_pb, name="export"),
    path("<slug:slug>/manage/", processes_views.manage, name="manage"),
    path("<slug:slug>/manage/phase/", processes_views.manage_phase, name="manage_phase"),
    path(
        "<slug:slug>/manage/review/<int:pk>/", proposals_views.manage_review, name="manage_review"
    ),
    path(
        "<slug:slug>/manage/translation/<int:pk>/",
        proposals_views.manage_translation,
        name="manage_translation",
    ),
    path("<slug:slug>/manage/codes/", voting_views.manage_codes, name="manage_codes"),
    path("<slug:slug>/manage/residents/", voting_views.manage_resident, name="manage_resident"),
    path("<slug:slug>/manage/recount/", results_views.manage_recompute, name="manage_recompute"),
    # after the vote
    path("<slug:slug>/criteria/", assessment_views.criteria, name="criteria"),
    path("<slug:slug>/vote/criteria/", assessment_views.criteria_vote, name="criteria_vote"),
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
    path("<slug:slug>/ledger/", assessment_views.ledger, name="ledger"),
    path("<slug:slug>/ledger.csv", assessment_views.ledger_csv, name="ledger_csv"),
    path("<slug:slug>/ledger.json", assessment_views.ledger_json, name="ledger_json"),
    path("<slug:slug>/open-data.zip", assessment_views.open_data_zip, name="open_data"),
    path("<slug:slug>/open-data/", assessment_views.codebook, name="codebook"),
]
