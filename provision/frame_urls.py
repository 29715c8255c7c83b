from django.urls import path

from . import views

app_name = "provision"

urlpatterns = [
    path("school/switch/", views.switch_school, name="switch_school"),
    path("school/calendar/", views.calendar, name="calendar"),
    path("school/calendar/new/", views.academic_year_new, name="academic_year_new"),
    path("school/terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("school/terms/<int:pk>/closures/new/", views.closure_new, name="closure_new"),
    path("school/terms/<int:pk>/bank-holidays/", views.bank_holidays_add, name="bank_holidays_add"),
    path("school/terms/<int:pk>/half-term/", views.half_term_add, name="half_term_add"),
    path("school/closures/<int:pk>/edit/", views.closure_edit, name="closure_edit"),
    path("school/closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path("school/settings/", views.school_settings, name="school_settings"),
    path("school/audit-log/", views.audit_log, name="audit_log"),
]
