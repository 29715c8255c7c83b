"""URLs of the interventions app: catalogue. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from interventions.catalogue import views

urlpatterns: list = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.programme_new, name="programme_new"),
    path("catalogue/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("catalogue/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("training/", views.training, name="training"),
    path("training/add/", views.training_add, name="training_add"),
    path("training/<int:pk>/delete/", views.training_delete, name="training_delete"),
]
