from django.urls import path

from notifications import views

urlpatterns = [
    path("reviews/<uuid:public_id>/talk.ics", views.talk_ics, name="talk_ics"),
]
