from django.urls import path

from . import tracking, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("identification/", tracking.identification, name="identification"),
    path("tracking/", tracking.tracking, name="tracking"),
    path("tracking/gap/", tracking.disadvantage_gap, name="disadvantage_gap"),
    path("pupils/<int:pk>/progress/", tracking.pupil_progress, name="pupil_progress"),
]
