"""URLs of the reports app: the parents' published offer. Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("offer/publish/", views.offer_publish, name="offer_publish"),
    path("offer/history/", views.offer_history, name="offer_history"),
    path("offer/<int:pk>/", views.offer_version, name="offer_version"),
    path("schools/<str:urn>/support/", views.offer_public, name="offer_public"),
]
