"""HR's pages: the rounds, a review's manager and reopening, and HR's insight with its files."""

from django.urls import path

from hr.views import insight, rounds

urlpatterns = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/open/confirm/", rounds.round_open_confirm, name="round_open_confirm"),
    path("rounds/<int:pk>/close/confirm/", rounds.round_close_confirm, name="round_close_confirm"),
    path("rounds/<int:pk>/participants/", rounds.round_add_participants, name="round_participants"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/export/", rounds.round_export, name="round_export"),
    path("rounds/<int:pk>/jobs/", rounds.round_jobs, name="round_jobs"),
    path(
        "rounds/<int:pk>/exports/<int:job>.zip",
        rounds.round_export_download,
        name="round_export_download",
    ),
    path("rounds/<int:pk>/progress/", insight.round_progress, name="round_progress"),
    path(
        "rounds/<int:pk>/progress.csv",
        insight.round_progress_export,
        {"fmt": "csv", "table": "tree"},
        name="round_progress_csv",
    ),
    path(
        "rounds/<int:pk>/progress.xlsx",
        insight.round_progress_export,
        {"fmt": "xlsx", "table": "tree"},
        name="round_progress_xlsx",
    ),
    path(
        "rounds/<int:pk>/overdue.csv",
        insight.round_progress_export,
        {"fmt": "csv", "table": "overdue"},
        name="round_overdue_csv",
    ),
    path("focus/", insight.focus_latest, name="focus_latest"),
    path("rounds/<int:pk>/focus/", insight.round_focus, name="round_focus"),
    path(
        "rounds/<int:pk>/focus.csv",
        insight.round_focus_export,
        {"fmt": "csv"},
        name="round_focus_csv",
    ),
    path(
        "rounds/<int:pk>/focus.xlsx",
        insight.round_focus_export,
        {"fmt": "xlsx"},
        name="round_focus_xlsx",
    ),
    path("med/", insight.med_latest, name="med_latest"),
    path("med/<int:year>/", insight.med_report, name="med_report"),
    path("med/<int:year>/report.pdf", insight.med_report_export, {"fmt": "pdf"}, name="med_pdf"),
    path("med/<int:year>/report.xlsx", insight.med_report_export, {"fmt": "xlsx"}, name="med_xlsx"),
    path("rounds/<int:pk>/reminders/", rounds.round_reminders, name="round_reminders"),
    path(
        "rounds/<int:pk>/reviews/<uuid:public_id>/manager/", rounds.review_move, name="review_move"
    ),
    path(
        "rounds/<int:pk>/reviews/<uuid:public_id>/reopen/",
        rounds.review_reopen,
        name="review_reopen",
    ),
]
