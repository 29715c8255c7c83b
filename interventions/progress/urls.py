"""URLs of the interventions app: progress checks. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from interventions.progress import views
from pupils.imports import views as import_views
from pupils.models import ImportKind

urlpatterns: list = [
    path("<int:pk>/checks/setup/", views.checks_setup, name="checks_setup"),
    path("<int:pk>/checks/record/", views.checks_record, name="checks_record"),
    path("placements/<int:pk>/checks/review/", views.checks_review, name="checks_review"),
    path("checks/import/", import_views.upload, {"kind": ImportKind.CHECKS}, name="checks_import"),
    path("checks/import/<int:pk>/", import_views.preview, {"kind": ImportKind.CHECKS}, name="checks_import_preview"),
]
