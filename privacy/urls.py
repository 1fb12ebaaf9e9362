from django.urls import path

from privacy import views

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/my-data.zip", views.personal_data_export, name="personal_data_export"),
]
