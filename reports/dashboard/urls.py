"""URLs of the reports app: the dashboard and its governors' report.
Joined into the app's namespace by reports/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/impact-report.pdf", views.impact_report_pdf, name="impact_report_pdf"),
    path("dashboard/impact-report.xlsx", views.impact_report_xlsx, name="impact_report_xlsx"),
]
