"""URLs of the reports app: a pupil's data as a zip, and erasing records past retention.
Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<int:pk>/export.zip", views.pupil_data_export, name="pupil_data_export"),
    path("records/retention/", views.retention, name="retention"),
    path("records/retention/<int:pk>/erase/", views.retention_erase, name="retention_erase"),
]
