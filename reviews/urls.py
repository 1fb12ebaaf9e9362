from django.urls import path

from reviews import views

urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/participants/", views.round_add_participants, name="round_participants"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path(
        "rounds/<int:pk>/reviews/<uuid:public_id>/manager/", views.review_move, name="review_move"
    ),
    path(
        "rounds/<int:pk>/reviews/<uuid:public_id>/reopen/",
        views.review_reopen,
        name="review_reopen",
    ),
    path("reviews/<uuid:public_id>/", views.review_detail, name="review_detail"),
    path("reviews/<uuid:public_id>/pdf/", views.review_pdf, name="review_pdf"),
    path("reviews/<uuid:public_id>/prepare/", views.prepare, name="prepare"),
    path("reviews/<uuid:public_id>/talk/", views.talk, name="talk"),
    path("reviews/<uuid:public_id>/reflection/", views.reflection, name="reflection"),
    path(
        "reviews/<uuid:public_id>/reflection/share/",
        views.reflection_share,
        name="reflection_share",
    ),
    path("reviews/<uuid:public_id>/talk/start/", views.talk_start, name="talk_start"),
    path("reviews/<uuid:public_id>/talk/focus/", views.talk_focus, name="talk_focus"),
    path("reviews/<uuid:public_id>/talk/text/", views.talk_text, name="talk_text"),
    path("reviews/<uuid:public_id>/talk/end/", views.talk_end, name="talk_end"),
    path("reviews/<uuid:public_id>/talk/confirm/", views.talk_confirm, name="talk_confirm"),
    path("reviews/<uuid:public_id>/goals/", views.goal_save, name="goal_add"),
    path("reviews/<uuid:public_id>/goals/<int:goal_id>/", views.goal_save, name="goal_edit"),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/accept/",
        views.goal_accept,
        name="goal_accept",
    ),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/delete/",
        views.goal_delete,
        name="goal_delete",
    ),
    path(
        "reviews/<uuid:public_id>/goals/<int:goal_id>/status/",
        views.goal_status,
        name="goal_status",
    ),
    path("reviews/<uuid:public_id>/prepare/text/", views.prepare_text, name="prepare_text"),
    path("reviews/<uuid:public_id>/prepare/level/", views.prepare_level, name="prepare_level"),
    path("reviews/<uuid:public_id>/prepare/share/", views.prepare_share, name="prepare_share"),
    path(
        "reviews/<uuid:public_id>/prepare/take-back/",
        views.prepare_take_back,
        name="prepare_take_back",
    ),
]
