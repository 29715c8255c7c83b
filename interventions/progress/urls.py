"""URLs of the interventions app: progress checks. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("<int:pk>/checks/setup/", views.checks_setup, name="checks_setup"),
    path("<int:pk>/checks/record/", views.checks_record, name="checks_record"),
    path("placements/<int:pk>/checks/review/", views.checks_review, name="checks_review"),
    path("checks/import/", views.checks_import_upload, name="checks_import"),
    path("checks/import/<int:pk>/", views.checks_import_preview, name="checks_import_preview"),
]
