"""URLs of the reports app: who needs support, tracking grids, a pupil's progress, the disadvantage gap.
Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("identification/", views.identification, name="identification"),
    path("identification/window/", views.identification_window, name="identification_window"),
    path("tracking/", views.tracking, name="tracking"),
    path("tracking/gap/", views.disadvantage_gap, name="disadvantage_gap"),
    path("pupils/<int:pk>/progress/", views.pupil_progress, name="pupil_progress"),
]
