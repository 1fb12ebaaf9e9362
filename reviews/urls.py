from django.urls import path

from reviews.views import insight, preparing, privacy, review, rounds, talk_time, talking

urlpatterns = [
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/my-data.zip", privacy.personal_data_export, name="personal_data_export"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", rounds.round_open, name="round_open"),
    path("rounds/<int:pk>/participants/", rounds.round_add_participants, name="round_participants"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    # HR's insight (reviews/views/insight.py): progress, focus map, MED report, and files.
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
    path("reviews/<uuid:public_id>/", review.review_detail, name="review_detail"),
    path("reviews/<uuid:public_id>/pdf/", review.review_pdf, name="review_pdf"),
    path("reviews/<uuid:public_id>/opened/", review.review_trail, name="review_trail"),
    path("reviews/<uuid:public_id>/prepare/", preparing.prepare, name="prepare"),
    path("reviews/<uuid:public_id>/talk/", talking.talk, name="talk"),
    path("reviews/<uuid:public_id>/talk-time/", talk_time.talk_time, name="talk_time"),
    path(
        "reviews/<uuid:public_id>/talk-time/cancel/",
        talk_time.talk_time_cancel,
        name="talk_time_cancel",
    ),
    path("reviews/<uuid:public_id>/talk.ics", talk_time.talk_ics, name="talk_ics"),
    path("reviews/<uuid:public_id>/reflection/", talking.reflection, name="reflection"),
    path(
        "reviews/<uuid:public_id>/reflection/share/",
        talking.reflection_share,
        name="reflection_share",
    ),
    path("reviews/<uuid:public_id>/talk/start/", talking.talk_start, name="talk_start"),
    path("reviews/<uuid:public_id>/talk/focus/", talking.talk_focus, name="talk_focus"),
    path("reviews/<uuid:public_id>/talk/text/", talking.talk_text, name="talk_text"),
    path("reviews/<uuid:public_id>/talk/end/", talking.talk_end, name="talk_end"),
    path("reviews/<uuid:public_id>/talk/confirm/", talking.talk_confirm, name="talk_confirm"),
    path("reviews/<uuid:public_id>/goals/", talking.goal_save, name="goal_add"),
    path("reviews/<uuid:public_id>/goals/<int:goal_id>/", talking.goal_save, name="goal_edit"),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/accept/",
        talking.goal_accept,
        name="goal_accept",
    ),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/delete/",
        talking.goal_delete,
        name="goal_delete",
    ),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/status/",
        talking.goal_status,
        name="goal_status",
    ),
    path("reviews/<uuid:public_id>/prepare/text/", preparing.prepare_text, name="prepare_text"),
    path("reviews/<uuid:public_id>/prepare/level/", preparing.prepare_level, name="prepare_level"),
    path("reviews/<uuid:public_id>/prepare/share/", preparing.prepare_share, name="prepare_share"),
    path(
        "reviews/<uuid:public_id>/prepare/take-back/",
        preparing.prepare_take_back,
        name="prepare_take_back",
    ),
]
