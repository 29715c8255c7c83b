"""URLs of the interventions app: groups. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
