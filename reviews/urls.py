"""The review's pages for its two parties: the review, the preparation, the talk, the
reflections, the talk's time and the record."""

from django.urls import path

from reviews.views import preparing, review, talk_time, talking

urlpatterns = [
    path("reviews/<uuid:public_id>/", review.review_detail, name="review_detail"),
    path("reviews/<uuid:public_id>/pdf/", review.review_pdf, name="review_pdf"),
    path("reviews/<uuid:public_id>/opened/", review.review_trail, name="review_trail"),
    path("reviews/<uuid:public_id>/prepare/", preparing.prepare, name="prepare"),
    path("reviews/<uuid:public_id>/talk/", talking.talk, name="talk"),
    path("reviews/<uuid:public_id>/talk-time/", talk_time.talk_time, name="talk_time"),
    path("reviews/<uuid:public_id>/talk-time/place/", talk_time.talk_place, name="talk_place"),
    path(
        "reviews/<uuid:public_id>/talk-time/cancel/",
        talk_time.talk_time_cancel,
        name="talk_time_cancel",
    ),
    path("reviews/<uuid:public_id>/reflection/", talking.reflection, name="reflection"),
    path(
        "reviews/<uuid:public_id>/reflection/share/",
        talking.reflection_share,
        name="reflection_share",
    ),
    path("reviews/<uuid:public_id>/talk/start/", talking.talk_start, name="talk_start"),
    path(
        "reviews/<uuid:public_id>/talk/start/confirm/",
        talking.talk_start_confirm,
        name="talk_start_confirm",
    ),
    path(
        "reviews/<uuid:public_id>/talk/end/confirm/",
        talking.talk_end_confirm,
        name="talk_end_confirm",
    ),
    path("reviews/<uuid:public_id>/talk/screen/", talking.talk_projector, name="talk_projector"),
    path("reviews/<uuid:public_id>/talk/focus/", talking.talk_focus, name="talk_focus"),
    path("reviews/<uuid:public_id>/talk/text/", talking.talk_text, name="talk_text"),
    path("reviews/<uuid:public_id>/talk/end/", talking.talk_end, name="talk_end"),
    path("reviews/<uuid:public_id>/talk/confirm/", talking.talk_confirm, name="talk_confirm"),
    path("reviews/<uuid:public_id>/goals/", talking.goal_add, name="goal_add"),
    path("reviews/<uuid:public_id>/goals/<int:goal_id>/", talking.goal_edit, name="goal_edit"),
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
        "reviews/<uuid:public_id>/prepare/share/confirm/",
        preparing.prepare_share_confirm,
        name="prepare_share_confirm",
    ),
    path(
        "reviews/<uuid:public_id>/prepare/take-back/",
        preparing.prepare_take_back,
        name="prepare_take_back",
    ),
]
