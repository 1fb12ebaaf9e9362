from django.urls import path

from competencies import views

urlpatterns = [
    path("<int:pk>/guide.pdf", views.guide_pdf, name="catalogue_guide_pdf"),
]
