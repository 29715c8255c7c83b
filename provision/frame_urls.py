from django.urls import path

from . import views

app_name = "provision"

urlpatterns = [
    path("school/switch/", views.switch_school, name="switch_school"),
    path("school/calendar/", views.calendar, name="calendar"),
    path("school/calendar/new/", views.academic_year_new, name="academic_year_new"),
    path("school/terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("school/settings/", views.school_settings, name="school_settings"),
    path("school/audit-log/", views.audit_log, name="audit_log"),
]
