"""URLs of the reports app: the impact evaluation. Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("impact/", views.impact_overview, name="impact_overview"),
    path("impact/interventions/<int:pk>/", views.impact_intervention, name="impact_intervention"),
    path("impact/programmes/<int:pk>/", views.impact_programme, name="impact_programme"),
    path("impact/pupils-to-rethink/", views.impact_rethink, name="impact_rethink"),
    path("impact/how-judged/", views.impact_method, name="impact_method"),
]
