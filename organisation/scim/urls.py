from django.urls import path

from organisation.scim import views

urlpatterns = [
    path("Users", views.users, name="scim_users"),
    path("Users/<int:pk>", views.user, name="scim_user"),
]
