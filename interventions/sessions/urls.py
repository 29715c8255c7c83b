"""URLs of the interventions app: sessions. Joined into the app's namespace by interventions/urls.py."""

from django.urls import path

from interventions.sessions import views as views_sessions

urlpatterns: list = [
    path("today/", views_sessions.today, name="today"),
    path("<int:pk>/sessions/", views_sessions.session_history, name="sessions"),
    path("<int:pk>/sessions/log/", views_sessions.session_log, name="session_log"),
    path("<int:pk>/sessions/<int:session_pk>/delete/", views_sessions.session_remove, name="session_delete"),
]
