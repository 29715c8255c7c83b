from django.urls import path

from reports import views
from reports.dashboard import views as views_dashboard
from reports.impact import views as views_impact
from reports.maps import downloads as views_exports
from reports.maps import views as views_maps
from reports.offer import views as views_offer
from reports.records import views as views_records
from reports.tracking import views as tracking

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("identification/", tracking.identification, name="identification"),
    path("identification/window/", tracking.identification_window, name="identification_window"),
    path("tracking/", tracking.tracking, name="tracking"),
    path("tracking/gap/", tracking.disadvantage_gap, name="disadvantage_gap"),
    path("pupils/<int:pk>/progress/", tracking.pupil_progress, name="pupil_progress"),
    path("map/", views_maps.provision_map, name="map"),
    path("map/copy-forward/", views_maps.map_copy_forward, name="map_copy_forward"),
    path("pupils/<int:pk>/provision/", views_maps.pupil_map, name="pupil_map"),
    path("pupils/<int:pk>/export.zip", views_records.pupil_data_export, name="pupil_data_export"),
    path("records/retention/", views_records.retention, name="retention"),
    path("records/retention/<int:pk>/erase/", views_records.retention_erase, name="retention_erase"),
    path("maps/export.xlsx", views_exports.map_xlsx, name="map_xlsx"),
    path("maps/export.csv", views_exports.map_csv, name="map_csv"),
    path("maps/export.pdf", views_exports.map_pdf, name="map_pdf"),
    path("offer/publish/", views_offer.offer_publish, name="offer_publish"),
    path("offer/history/", views_offer.offer_history, name="offer_history"),
    path("offer/<int:pk>/", views_offer.offer_version, name="offer_version"),
    path("schools/<str:urn>/support/", views_offer.offer_public, name="offer_public"),
    path("impact/", views_impact.impact_overview, name="impact_overview"),
    path("impact/interventions/<int:pk>/", views_impact.impact_intervention, name="impact_intervention"),
    path("impact/programmes/<int:pk>/", views_impact.impact_programme, name="impact_programme"),
    path("impact/pupils-to-rethink/", views_impact.impact_rethink, name="impact_rethink"),
    path("impact/how-judged/", views_impact.impact_method, name="impact_method"),
    path("dashboard/", views_dashboard.dashboard_view, name="dashboard"),
    path("dashboard/impact-report.pdf", views_dashboard.impact_report_pdf, name="impact_report_pdf"),
    path("dashboard/impact-report.xlsx", views_dashboard.impact_report_xlsx, name="impact_report_xlsx"),
]
