from django.urls import path

from . import family_views

app_name = "family"

urlpatterns = [
    path("", family_views.family_home, name="home"),
]
