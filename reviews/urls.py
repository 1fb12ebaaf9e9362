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
    path("reviews/<uuid:public_id>/", views.review_detail, name="review_detail"),
]
