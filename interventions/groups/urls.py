"""URLs of the interventions app: groups. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from interventions.groups import views

urlpatterns: list = [
    path("", views.intervention_list, name="list"),
    path("new/", views.intervention_new, name="intervention_new"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/edit/", views.intervention_edit, name="edit"),
    path("<int:pk>/status/", views.intervention_status, name="status"),
    path("<int:pk>/pupils/add/", views.placements_add, name="placements_add"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/exit/", views.placement_exit, name="placement_exit"),
    path("plan-from-identification/", views.plan_from_identification, name="plan_from_identification"),
    path("add-from-identification/", views.add_from_identification, name="add_from_identification"),
    path("costs/rates/", views.staff_rates, name="staff_rates"),
]
