from django.urls import path

from . import views

app_name = "family"

urlpatterns = [
    path("", views.family_home, name="home"),
    path("children/<int:pk>/", views.child_detail, name="child"),
    path("invitation/<str:token>/", views.invitation_accept_view, name="accept"),
]
