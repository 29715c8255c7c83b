"""The reports app's URLs: each feature package keeps its own routes (as interventions' do)."""

from django.urls import path

from reports import views
from reports.dashboard import urls as urls_dashboard
from reports.impact import urls as urls_impact
from reports.maps import urls as urls_maps
from reports.offer import urls as urls_offer
from reports.records import urls as urls_records
from reports.tracking import urls as urls_tracking

app_name = "reports"

urlpatterns = [path("", views.home, name="home")]
urlpatterns += urls_tracking.urlpatterns + urls_maps.urlpatterns + urls_records.urlpatterns + urls_offer.urlpatterns
urlpatterns += urls_impact.urlpatterns + urls_dashboard.urlpatterns
